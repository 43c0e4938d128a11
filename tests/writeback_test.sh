#!/usr/bin/env bash
# writeback_test.sh - --page-cache: by default each unit is written out at once and dropped from
# the page cache once on disk, so after a run only the last few units per rank are still cached
# (measured with fincore: at most 4 units besides the newest stay in flight); --page-cache keep,
# --no-sync and a backend without one data range (zarr) leave the file cached. A wrong byte range
# would leave the pages cached, so this also checks the offsets each backend reports.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1
need writeback fincore || finish
case $(stat -f -c %T .) in
tmpfs | ramfs) skip writeback "$SCRATCH is in memory, so nothing can be dropped"; finish ;;
esac
SH=24x500x500 # 24 slices of 1 MB, one per write unit
MB=1000000
cached() { fincore -b -n -o RES "$1"; }
# run NAME P EXPECT MAX_CACHED_BYTES MIN_CACHED_BYTES ARGS...: the run's page_cache key must say
# EXPECT, and the file's cached bytes must lie within [MIN, MAX].
run() {
    local name=$1 p=$2 expect=$3 max=$4 min=$5 out got res
    shift 5
    out=$(mpi "$p" --format json --shape "$SH" -o "$name" "$@") || {
        fail "$name-${p}ranks" "slabfill failed"
        return
    }
    got=$("$PYTHON" -c 'import json,sys; print(json.loads(sys.stdin.read())["page_cache"])' \
        <<<"$out")
    res=$(cached "$name")
    if [ "$got" = "$expect" ] && [ "$res" -le "$max" ] && [ "$res" -ge "$min" ]; then
        ok "page-cache-$name-${p}ranks"
    else
        fail "page-cache-$name-${p}ranks" "page_cache $got (want $expect), $res bytes cached" \
            "(want $min..$max)"
    fi
    rm -rf "$name" "$name.xxh3"
}
for b in hdf5:h5 mpiio:npy pnetcdf:nc; do
    for p in 1 2; do
        # Each rank's last 5 units, plus the header and metadata pages.
        run "drop.${b#*:}" "$p" drop $(((5 * p + 1) * MB)) 0 --backend "${b%%:*}"
    done
    run "keep.${b#*:}" 2 keep $((30 * MB)) $((20 * MB)) --backend "${b%%:*}" --page-cache keep
done
# Units smaller than a slice (parts of slices, cut along x) are dropped as well.
run drop-parts.npy 2 drop $((3 * MB)) 0 --backend mpiio --buffer 256k
run nosync.h5 2 keep $((30 * MB)) $((20 * MB)) --no-sync
run drop-nosync.h5 2 drop $((11 * MB)) 0 --no-sync --page-cache drop
# zarr writes a file per chunk itself; there is no single range to stream.
out=$(mpi 2 --format json --shape "$SH" --backend zarr -o z.zarr --page-cache drop)
check page-cache-zarr-keeps bash -c "[ \"\$(\"$PYTHON\" -c 'import json,sys; \
    print(json.loads(sys.stdin.read())[\"page_cache\"])' <<<'$out')\" = keep ]"
# The table says what was done and why.
check page-cache-in-table bash -c "$(printf '%q ' $MPIRUN -n 2 "$SLABFILL" --shape "$SH" -o \
    t.h5) | grep -q '^Page cache  *drop (auto): each unit was written out at once'"
finish
