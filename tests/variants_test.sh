#!/usr/bin/env bash
# variants_test.sh - builds without HDF5 (make HDF5=0) and without PnetCDF (make PNETCDF=0),
# each in a scratch copy of the sources: the missing backend says it was not built in and exits
# 2, the default becomes the first backend that was, and the rest still write correct data.
# Builds with a user's CFLAGS (make CFLAGS=-O3, and with -ffast-math) write files byte-identical
# to the default build's.
. "$(dirname "$0")/lib.sh"
# copy DIR: a scratch copy of what the build reads, with nothing built yet.
copy() {
    mkdir -p "$1"
    cp -r "$TOP/Makefile" "$TOP/src" "$TOP/include" "$1/"
    rm -f "$1"/src/*.o
}
for v in HDF5:hdf5:pnetcdf PNETCDF:pnetcdf:hdf5; do
    IFS=: read -r var missing default <<<"$v"
    dir="$SCRATCH/$var"
    copy "$dir"
    if ! make -s -C "$dir" "$var=0" slabfill >"$dir/build.log" 2>&1; then
        fail "build-$var=0" "$(tail -5 "$dir/build.log")"
        continue
    fi
    ok "build-$var=0"
    (
        cd "$dir" || exit 1
        before=$(ls -A)
        ./slabfill --backend "$missing" --shape 2x3x4 >"$SCRATCH/out.txt" 2>"$SCRATCH/err.txt"
        rc=$?
        check "$var=0-refuses-$missing" bash -c "[ $rc = 2 ] && grep -q 'backend $missing was \
not built in (this build used make $var=0)' $SCRATCH/err.txt && [ \"$before\" = \"\$(ls -A)\" ]"
        [ "$default" = pnetcdf ] && ext=nc || ext=h5
        check "$var=0-default-is-$default" bash -c "./slabfill -q --shape 13x37x41 -o x.$ext && \
            $(printf '%q ' "$PYTHON" "$TOP/tests/check_values.py") x.$ext"
        exit "$FAILED"
    ) || FAILED=$((FAILED + 1))
done

# A CFLAGS on the command line replaces the default -O2 -g and warnings only: the flags that fix
# the values' bits (SF_CFLAGS in the Makefile: C11, no FMA contraction, -fno-fast-math) stay.
# Without them the kernels' x86-64-v3 clone would fuse multiply-adds on an FMA machine, and
# -ffast-math would reassociate. .npy files hold no timestamps, so whole files are compared.
SH=7x301x257
PAIRS=("float32 normal" "float32 uniform" "float64 normal" "float64 uniform")
for t in "${PAIRS[@]}"; do
    read -r dt di <<<"$t"
    "$SLABFILL" -q --backend mpiio --shape "$SH" --dtype "$dt" --dist "$di" \
        -o "$SCRATCH/default-$dt-$di.npy" || fail "default-build-$dt-$di" "slabfill failed"
done
for flags in "-O3" "-O3 -ffast-math"; do
    tag=cflags${flags// /}
    dir="$SCRATCH/$tag"
    copy "$dir"
    # The flags must have reached the build (.flags records every compile's flags).
    if ! make -s -C "$dir" CFLAGS="$flags" slabfill >"$dir/build.log" 2>&1; then
        fail "build-$tag" "$(tail -5 "$dir/build.log")"
        continue
    elif ! grep -qF -- " $flags " "$dir/.flags"; then
        fail "build-$tag" "CFLAGS='$flags' did not reach the compile line: $(cat "$dir/.flags")"
        continue
    fi
    ok "build-$tag"
    for t in "${PAIRS[@]}"; do
        read -r dt di <<<"$t"
        check "$tag-identical-$dt-$di" bash -c "$(printf '%q ' "$dir/slabfill" -q --backend \
            mpiio --shape "$SH" --dtype "$dt" --dist "$di" -o "$dir/$dt-$di.npy") && \
            cmp $(printf '%q ' "$SCRATCH/default-$dt-$di.npy" "$dir/$dt-$di.npy")"
    done
done
finish
