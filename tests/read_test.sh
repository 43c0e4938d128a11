#!/usr/bin/env bash
# read_test.sh - verify as a read measurement (IOR's -r): the record of `slabfill verify`
# counts every byte, times the reads and the checks apart, and says whether the page cache was
# dropped first; --no-check reads without checking (a flipped byte then passes, and nothing is
# claimed as checked); on a file system in memory (a tmpfs mounted here when root) the report
# says that the pages stayed cached instead of claiming a drop; --no-check is refused outside
# verify.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1
Z=12 X=100 Y=200
bytes=$((Z * X * Y * 4))
key() { "$PYTHON" -c 'import json,sys; r=json.loads(sys.stdin.read()); print(r[sys.argv[1]])' "$1"; }
for b in hdf5:h5 mpiio:npy zarr:zarr; do
    x=${b#*:}
    mpi 2 -q --backend "${b%%:*}" --shape "${Z}x${X}x${Y}" -o "r.$x" || fail "write-$x" "failed"
    out=$(mpi 2 verify --format json "r.$x" 2>&1)
    if [ "$(key bytes <<<"$out")" = "$bytes" ] && [ "$(key page_cache <<<"$out")" = dropped ] &&
        "$PYTHON" -c 'import json,sys; r=json.loads(sys.stdin.read()); sys.exit(not (r["read_s"] > 0 and r["check_s"] > 0 and r["read_GBps"] > 0 and r["bad_slices"] == 0))' <<<"$out"; then
        ok "verify-$x-record-counts-times-and-drops"
    else
        fail "verify-$x-record-counts-times-and-drops" "$out"
    fi
done
# One byte flipped: verify fails on it; --no-check reads it all and claims nothing.
cp r.npy flip.npy && cp r.npy.xxh3 flip.npy.xxh3
printf '\x55' | dd of=flip.npy bs=1 seek=$((4096 + 5 * X * Y * 4 + 17)) conv=notrunc 2>/dev/null
mpi 2 verify -q flip.npy 2>/dev/null
rc=$?
out=$(mpi 2 verify --no-check --format json flip.npy 2>&1)
rc2=$?
if [ "$rc" = 1 ] && [ "$rc2" = 0 ] && [ "$(key check_GBps <<<"$out")" = None ] &&
    [ "$(key bytes <<<"$out")" = "$bytes" ] && [ "$(key mismatches <<<"$out")" = None ]; then
    ok verify-no-check-reads-all-checks-nothing
else
    fail verify-no-check-reads-all-checks-nothing "verify exit $rc, --no-check exit $rc2: $out"
fi
out=$(mpi 1 --no-check 2>&1)
[ $? = 2 ] && grep -q "applies to slabfill verify FILE only" <<<"$out"
verdict=$?
if [ "$verdict" = 0 ]; then ok no-check-outside-verify-refused; else fail no-check-outside-verify-refused "$out"; fi
# In memory nothing can be dropped: the report says so.
if [ "$(id -u)" = 0 ] && mkdir mem && mount -t tmpfs -o size=64m tmpfs mem 2>/dev/null; then
    cp r.h5 mem/ && out=$(cd mem && mpi 2 verify r.h5 2>&1)
    if grep -q "the page cache not dropped: .* stayed in the page cache" <<<"$out"; then
        ok verify-on-tmpfs-says-the-cache-was-not-dropped
    else
        fail verify-on-tmpfs-says-the-cache-was-not-dropped "$out"
    fi
    umount mem
else
    skip verify-on-tmpfs-says-the-cache-was-not-dropped "needs root to mount a tmpfs"
fi
finish
