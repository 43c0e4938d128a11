#!/usr/bin/env bash
# variants_test.sh - builds without HDF5 (make HDF5=0) and without PnetCDF (make PNETCDF=0),
# each in a scratch copy of the sources: the missing backend says it was not built in and exits
# 2, the default becomes the first backend that was, and the rest still write correct data.
. "$(dirname "$0")/lib.sh"
for v in HDF5:hdf5:pnetcdf PNETCDF:pnetcdf:hdf5; do
    IFS=: read -r var missing default <<<"$v"
    dir="$SCRATCH/$var"
    mkdir -p "$dir"
    cp -r "$TOP/Makefile" "$TOP/src" "$TOP/include" "$dir/"
    rm -f "$dir"/src/*.o
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
finish
