#!/usr/bin/env bash
# threads_test.sh - --threads: a rank's unit is filled by several threads at once (src/pool.c),
# each taking chunks of whole rows or, for a part of one row, of columns. The files must be the
# same bytes for any thread count, with and without overlap, for units of part of a row and of
# whole slices, at 1 and 2 ranks; the summary says how many threads ran and why (auto: the
# cores a bound rank has, or the node's cores shared among unbound ranks); bad counts are
# refused.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1
SH=7x131x97
# run P ARGS...: slabfill on P ranks; one rank as a singleton (no mpirun: much the quicker
# start where the host's name takes a DNS wait, as in CI's fresh box).
run() {
    local p=$1
    shift
    if [ "$p" = 1 ]; then "$SLABFILL" "$@"; else mpi "$p" "$@"; fi
}
key() { "$PYTHON" -c 'import json,sys; r=json.loads(sys.stdin.read().splitlines()[-1]); print(r[sys.argv[1]])' "$1"; }
for dd in "float32 normal" "float64 uniform"; do
    read -r dt di <<<"$dd"
    T=(--backend mpiio --shape "$SH" --dtype "$dt" --dist "$di")
    run 1 -q "${T[@]}" --threads 1 --overlap off -o "ref-$dt.npy" || fail "ref-$dt" "failed"
    check "reference-$dt-$di-matches-the-spec" "$PYTHON" "$TOP/tests/check_values.py" \
        "ref-$dt.npy"
    st=0
    why=""
    for p in 1 2; do
        for t in 2 3 8; do
            for ov in on off; do
                for buf in 4k 64m; do
                    # on 2 ranks, a sample: 3 threads, and 8 with part-row units
                    [ "$p" = 2 ] && [ "$t" = 2 ] && continue
                    [ "$p" = 2 ] && [ "$t" = 8 ] && [ "$buf" = 64m ] && continue
                    f=t-$p-$t-$ov-$buf-$dt.npy
                    out=$(run "$p" --format json "${T[@]}" --threads "$t" --overlap "$ov" \
                        --buffer "$buf" -o "$f" 2>&1) && cmp -s "$f" "ref-$dt.npy" &&
                        [ "$(key threads <<<"$out")" = "$t" ] ||
                        { st=1; why+="$p ranks, --threads $t --overlap $ov --buffer $buf: $out; "; }
                done
            done
        done
    done
    if [ "$st" = 0 ]; then ok "threads-2-3-8-same-bytes-$dt-$di"; else fail "threads-same-bytes-$dt-$di" "$why"; fi
done
# auto: an unbound singleton gets every core of the node; a rank bound to one core gets one.
cores=$(nproc)
out=$("$SLABFILL" --format json --backend null --shape 4x100x100 2>&1)
if [ "$(key threads <<<"$out")" = "$cores" ] &&
    [ "$(key threads_why <<<"$out")" = "auto: 1 unbound rank on $cores cores" ]; then
    ok threads-auto-unbound-singleton-uses-every-core
else
    fail threads-auto-unbound-singleton-uses-every-core "nproc $cores: $out"
fi
# shellcheck disable=SC2086 # MPIRUN is a command line
out=$($MPIRUN --bind-to core -n 1 "$SLABFILL" --format json --backend null --shape 4x100x100 2>&1)
if [ "$(key threads <<<"$out")" = 1 ] &&
    [ "$(key threads_why <<<"$out")" = "auto: the 1 core this rank is bound to" ]; then
    ok threads-auto-bound-rank-uses-its-cores
else
    fail threads-auto-bound-rank-uses-its-cores "$out"
fi
for bad in 0 257 x -1; do
    out=$(run 1 --backend null --shape 2x3x4 --threads "$bad" 2>&1)
    rc=$?
    if [ "$rc" = 2 ] && grep -q "accepted: 1 to 256" <<<"$out"; then
        ok "threads-$bad-refused"
    else
        fail "threads-$bad-refused" "exit $rc: $out"
    fi
done
finish
