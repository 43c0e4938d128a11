# Spack recipe for slabfill. Copy this directory into a Spack repository's packages/ folder
# (spack repo create, then packages/slabfill/package.py) and `spack install slabfill`.
from spack.package import *


class Slabfill(MakefilePackage):
    """Fill a large 3-D array, one slab of z-slices per MPI rank, collectively into one shared
    file (parallel HDF5, PnetCDF, MPI-IO .npy or Zarr): the slabfill program with its own
    counter-based random values, and libslabfill (slabfill.h, libslabfill.a and .so,
    slabfill.pc) for values your own code computes, with the same resume, atomic rename and
    per-slice digests."""

    homepage = "https://example.org/slabfill"
    git = "https://example.org/slabfill.git"
    maintainers = []

    version("main", branch="main")

    variant("hdf5", default=True, description="Parallel HDF5 backend (the default backend)")
    variant("pnetcdf", default=True, description="PnetCDF (CDF-5) backend")

    depends_on("mpi")
    depends_on("pkgconfig", type="build")
    # +hl: the dimension scales that name /data's axes (H5DS) are in libhdf5_hl.
    depends_on("hdf5+mpi+hl", when="+hdf5")
    depends_on("parallel-netcdf", when="+pnetcdf")
    depends_on("xxhash")  # per-slice XXH3-64 digests, in every file and progress record

    def edit(self, spec, prefix):
        pass  # everything is passed on the make command line below

    @property
    def build_targets(self):
        spec = self.spec
        return [
            "CC={0}".format(spec["mpi"].mpicc),
            "HDF5={0}".format(1 if "+hdf5" in spec else 0),
            "PNETCDF={0}".format(1 if "+pnetcdf" in spec else 0),
            # Spack's HDF5 registers as hdf5 in pkg-config, not Debian's hdf5-openmpi.
            "HDF5_PKG=hdf5",
            "PNETCDF_PKG=pnetcdf",
            "all",  # the program, libslabfill.a and (where the platform has one) the .so
        ]

    @property
    def install_targets(self):
        return ["install", "PREFIX={0}".format(self.prefix)] + self.build_targets[:-1]
