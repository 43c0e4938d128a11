#!/usr/bin/env python3
"""xarray_check.py - opens a slabfill file the way an xarray user does and checks that it sees
`data` with dims ("z", "x", "y") and exactly the values the format's own library reads.

usage: xarray_check.py FILE [--same-as FILE2]

  .h5    xarray.open_dataarray(FILE, engine="netcdf4")  against h5py
  .nc    xarray.open_dataarray(FILE)                    against netCDF4
  .zarr  xarray.open_zarr(FILE)                       against zarr
  .npy   xarray.DataArray(numpy.load(FILE, mmap_mode="r"), dims=("z", "x", "y"))
                                                      against numpy.load (docs/file-formats.md's one-liner)

The dims are netCDF dimensions without coordinate variables, as in the .nc file. The one
coordinate is slice_xxh3(z), uint64, the slices' digests (named by data's "coordinates"
attribute), equal to what the format's own library reads; .npy has none. open_dataarray works
only on a file with one data variable, and xarray must show no other dims. --same-as: FILE2 (any format) holds the same value bytes.
Exit 0 when all holds, 1 with the reason otherwise.
"""
import argparse
import sys
import warnings

import numpy as np

try:
    import xarray as xr
except ImportError as e:
    sys.exit(f"xarray_check.py: {e}: install python3-xarray (scripts/install-deps does)")

DIMS = ("z", "x", "y")
DIGESTS = "slice_xxh3"
KEYS = ("generator", "value_spec", "seed", "distribution", "dtype", "shape", "slabfill_version")


def own_reader(path):
    """The values, the metadata attributes and the digests, read by the format's own library."""
    path = path.rstrip("/")
    if path.endswith(".h5"):
        import h5py
        with h5py.File(path, "r") as f:
            d = f["data"]
            return d[...], {k: d.attrs[k] for k in KEYS}, f[DIGESTS][...]
    if path.endswith(".nc"):
        import netCDF4
        with netCDF4.Dataset(path) as f:
            v = f["data"]
            v.set_auto_maskandscale(False)
            return v[...], {k: v.getncattr(k) for k in KEYS}, np.asarray(f[DIGESTS][...])
    if path.endswith(".zarr"):
        import zarr
        g = zarr.open(path, mode="r")
        a = g["data"]
        return a[...], {k: a.attrs[k] for k in KEYS}, g[DIGESTS][...]
    if path.endswith(".npy"):
        return np.load(path), {}, None
    sys.exit(f"{path}: not .h5, .nc, .zarr or .npy")


def with_xarray(path):
    """`data` as an xarray user opens it, the dims of what was opened and its other variables."""
    path = path.rstrip("/")
    if path.endswith(".npy"):
        da = xr.DataArray(np.load(path, mmap_mode="r"), dims=("z", "x", "y"))
        return da, da.dims, []
    if path.endswith(".zarr"):
        with warnings.catch_warnings():  # no consolidated metadata: said once, not a failure
            warnings.simplefilter("ignore", RuntimeWarning)
            ds = xr.open_zarr(path)
        return ds["data"], tuple(ds.dims), [v for v in ds.data_vars if v != "data"]
    da = xr.open_dataarray(path, engine="netcdf4" if path.endswith(".h5") else None)
    return da, da.dims, []


def plain(v):
    """An attribute as comparable text or numbers: h5py gives fixed-length strings as bytes."""
    return np.asarray(v.decode() if isinstance(v, bytes) else v)


def same(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--same-as")
    a = ap.parse_args()
    want, attrs, digests = own_reader(a.file)
    try:
        da, dims, extra = with_xarray(a.file)
    except Exception as e:  # what a user meets, e.g. KeyError: ... _ARRAY_DIMENSIONS
        print(f"{a.file}: xarray cannot open it: {type(e).__name__}: {e}")
        return 1
    problems = []
    if da.dims != DIMS:
        problems.append(f"data has dims {da.dims}, not {DIMS}")
    if sorted(dims) != sorted(DIMS):
        problems.append(f"the file has dims {dims}, not exactly {DIMS}")
    if extra:
        problems.append(f"unexpected variables {extra}")
    coords = sorted(da.coords)
    if coords != ([] if digests is None else [DIGESTS]):
        problems.append(f"data has coordinates {coords}")
    elif digests is not None:
        c = da.coords[DIGESTS]
        if c.dims != ("z",) or c.dtype != np.uint64 or not np.array_equal(c.values, digests):
            problems.append(f"{DIGESTS} is {c.dims} {c.dtype}, not the own reader's uint64(z)")
    got = np.asarray(da.values)
    if not same(got, want):
        problems.append(f"xarray read {got.dtype} {got.shape}, not the {want.dtype} {want.shape} "
                        "values of the format's own reader")
    for k, v in attrs.items():
        if k not in da.attrs or not np.array_equal(plain(da.attrs[k]), plain(v)):
            problems.append(f"attribute {k}: xarray has {da.attrs.get(k)!r}, the file {v!r}")
    if a.same_as:
        other = own_reader(a.same_as)[0]
        if not same(want, other):
            problems.append(f"values differ from {a.same_as}'s")
    if problems:
        print(f"{a.file}: " + "; ".join(problems))
        return 1
    print(f"{a.file}: data{da.dims} {got.dtype} {got.shape}, values equal to its own reader's")
    return 0


if __name__ == "__main__":
    sys.exit(main())
