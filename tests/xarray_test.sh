#!/usr/bin/env bash
# xarray_test.sh - every file opens by name where the article's readers go: xarray sees
# data(z, x, y) with the values of the format's own library and the coordinate slice_xxh3(z)
# (tests/xarray_check.py), and netCDF-C's ncdump -h names the dimensions z, x, y in .h5 (netCDF-4
# through HDF5 dimension scales), .nc and .zarr (NCZarr), with the same typed attributes and the
# same digests variable in all three. At 1 rank in float32 and 3 ranks in
# float64. Y = 301 is too large for the byte that NCZarr, left to itself, would make of the shape
# attribute [13, 37, 301] from its first element: the store must say its attributes' types.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1
Z=13 X=37 Y=301

# header FILE: ncdump -h from the dimensions to the digests' last attribute, one line each: data
# with its attributes, then slice_xxh3(z) (the .nc file alone has a global title after them).
header() { ncdump -h "$1" | sed -n '/^dimensions:/,/slice_xxh3:long_name/p' | tr -d '\t'; }

for run in "1 float32 normal" "3 float64 uniform"; do
    read -r p dt di <<<"$run"
    mkdir "$p" && cd "$p" || exit 1
    for b in hdf5 pnetcdf mpiio zarr; do
        mpi "$p" -q --backend "$b" --shape "${Z}x${X}x${Y}" --dtype "$dt" --dist "$di" ||
            fail "write-$b-${p}ranks" "slabfill --backend $b on $p ranks failed"
    done
    for f in slab.h5 slab.nc slab.zarr slab.npy; do
        # Every format's values equal the .npy file's bytes: the dims add metadata only.
        check "xarray-${f#slab.}-${p}ranks" "$PYTHON" "$TOP/tests/xarray_check.py" "$f" \
            --same-as slab.npy
    done
    want=$(printf '%s\n' dimensions: "z = $Z ;" "x = $X ;" "y = $Y ;" variables: \
        "$([ "$dt" = float64 ] && echo double || echo float) data(z, x, y) ;")
    ref=$(header slab.nc 2>&1)
    for f in slab.h5 slab.nc slab.zarr; do
        name="ncdump-${f#slab.}-${p}ranks"
        need "$name" ncdump || continue
        got=$(header "$(nc_path "$f")" 2>&1)
        if [ "$(head -6 <<<"$got")" = "$want" ] && [ "$got" = "$ref" ]; then
            ok "$name"
        else
            fail "$name" "ncdump -h shows: ${got//$'\n'/; } (the .nc file: ${ref//$'\n'/; })"
        fi
    done
    # The scales are metadata beside /data: verify still reads the file as slabfill's.
    check "verify-h5-${p}ranks" "$SLABFILL" verify -q slab.h5
    cd .. || exit 1
done
finish
