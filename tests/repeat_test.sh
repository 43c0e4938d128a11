#!/usr/bin/env bash
# repeat_test.sh - --repeat N, as IOR's -i: N writes, each replacing the file the last one left,
# on 1 (a singleton), 2 and 3 ranks and every file backend: a record per write on stdout and in
# --summary-file, whose spread keys (min, median, max, sd over the writes so far) an independent
# Python computation must match; each write verified with --verify; the last file holds the
# generator's values. A file that another user puts under the output's name between two writes
# (the fault build paused right there) is left alone and the repeat stops with exit 1. A run
# killed in its second write resumes (without --repeat) to the bytes of an uninterrupted run.
# Bad --repeat values and conflicts are refused with exit 2, nothing created.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1
FAULTS=$TOP/tests/slabfill-faults
SH=6x50x60
BGPIDS=()
trap 'for p in "${BGPIDS[@]}"; do signal_tree KILL "$p"; kill -KILL "$p" 2>/dev/null; done; rm -rf "$SCRATCH"' EXIT
# on P ARGS...: slabfill on P ranks; P=1 runs a singleton (no mpirun), as on a laptop.
on() {
    local p=$1
    shift
    if [ "$p" = 1 ]; then "$SLABFILL" "$@"; else mpi "$p" "$@"; fi
}
# spread FILE N: the records in FILE (JSON Lines, or CSV when it ends in .csv) are writes 1..N of
# a --repeat N, each verified, and each one's spread keys are those of the writes up to it.
spread() {
    "$PYTHON" - "$1" "$2" <<'PY'
import csv, json, statistics, sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path) as f:
    recs = list(csv.DictReader(f)) if path.endswith(".csv") else [json.loads(l) for l in f]
assert len(recs) == n, f"{len(recs)} records, want {n}"
for k, r in enumerate(recs, 1):
    assert int(r["repetition"]) == k and int(r["repeat"]) == n and int(r["repetitions"]) == k, r
    assert int(r["verify_values"]) > 0 and int(r["verify_mismatches"]) == 0, "not verified"
    for key, ior in (("elapsed_s", None), ("bandwidth_GBps", "MIB")):
        v = [float(x[key]) for x in recs[:k]]
        want = {"min": min(v), "median": statistics.median(v), "max": max(v),
                "sd": statistics.pstdev(v)}
        for s, w in want.items():
            got = float(r[f"{key}_{s}"])
            assert abs(got - w) <= 2e-6 + 1e-6 * abs(w), f"write {k}: {key}_{s} {got} != {w}"
    mib = [float(x["bandwidth_GBps"]) * 1e9 / 2**20 for x in recs[:k]]
    assert abs(float(r["bwMeanMIB"]) - statistics.mean(mib)) <= 1e-3 * max(mib), "bwMeanMIB"
    assert abs(float(r["bwMaxMIB"]) - max(mib)) <= 1e-3 * max(mib), "bwMaxMIB"
PY
}
for p in 1 2 3; do
    for b in hdf5:h5 mpiio:npy zarr:zarr pnetcdf:nc; do
        [ "$p" = 3 ] && [ "${b%%:*}" != hdf5 ] && continue # 3 ranks: one backend is enough
        be=${b%%:*} x=${b#*:} name="repeat-3-$be-${p}ranks"
        out=$(on "$p" --backend "$be" --shape $SH -o "r.$x" --repeat 3 --verify --format json \
            --summary-file "s-$be-$p.csv" 2>err) || { fail "$name" "exit $?: $(head -3 err)"; continue; }
        echo "$out" >stdout.jsonl
        left=$(find . -maxdepth 1 -name "*r.$x*" | sort | tr '\n' ' ')
        want="./r.$x $([ "$be" = mpiio ] && echo "./r.$x.xxh3 ")"
        if why=$(spread stdout.jsonl 3 2>&1 && spread "s-$be-$p.csv" 3 2>&1) &&
            why=$("$PYTHON" "$TOP/tests/check_values.py" "r.$x" 2>&1) && [ "$left" = "$want" ]; then
            ok "$name"
        else
            fail "$name" "$why; left: $left"
        fi
        rm -rf "r.$x" "r.$x.xxh3"
    done
done
# The table: a line per write, then one summary with the spread.
out=$(mpi 2 --shape $SH -o t.h5 --repeat 2 2>&1)
if [ "$(grep -c '^repetition [12] of 2: ' <<<"$out")" = 2 ] &&
    [ "$(grep -c '^Elapsed time' <<<"$out")" = 1 ] &&
    grep -q '^Repetitions  *2 of 2 (--repeat): elapsed min .* sd ' <<<"$out" &&
    grep -q '^  *bandwidth min .*, median .*, max .* GB/s, sd ' <<<"$out"; then
    ok repeat-table-lines-and-one-summary
else
    fail repeat-table-lines-and-one-summary "$out"
fi
# CSV on stdout: one header line, a line per write; -q: nothing at all.
n=$(mpi 2 --shape $SH -o c.h5 --force --repeat 3 --format csv | grep -c '^version,')
lines=$(mpi 2 --shape $SH -o c.h5 --force --repeat 3 --format csv | wc -l)
quiet=$(mpi 2 -q --shape $SH -o c.h5 --force --repeat 3 2>&1)
if [ "$n" = 1 ] && [ "$lines" = 4 ] && [ -z "$quiet" ]; then ok repeat-csv-one-header-quiet-silent
else fail repeat-csv-one-header-quiet-silent "headers $n, lines $lines, quiet: $quiet"; fi
# Without a file (null) the writes repeat all the same.
out=$(mpi 2 --backend null --shape $SH --repeat 4 --format json)
[ "$(wc -l <<<"$out")" = 4 ] && [ "$(tail -1 <<<"$out" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["repetitions"])')" = 4 ]
verdict=$?
if [ $verdict = 0 ]; then ok repeat-null-backend; else fail repeat-null-backend "$out"; fi

# A user's file put under the name between writes 1 and 2: left alone, exit 1. The fault build
# pauses before write 2 touches anything (SLABFILL_FAULT=repeat:1:pause).
for b in hdf5:h5 zarr:zarr; do
    be=${b%%:*} x=${b#*:}
    rm -f go
    # shellcheck disable=SC2086 # MPIRUN is a command line
    SLABFILL_FAULT=repeat:1:pause SLABFILL_FAULT_GO=$PWD/go $MPIRUN -n 2 "$FAULTS" -q \
        --backend "$be" --shape $SH -o "u.$x" --repeat 3 >u.out 2>u.err &
    pid=$!
    BGPIDS+=("$pid")
    for _ in $(seq 3000); do [ -e "u.$x" ] && break; sleep 0.01; done
    rm -rf "mine.$x" && if [ "$be" = zarr ]; then mkdir mine.zarr && echo mine >mine.zarr/note; else echo mine >mine.h5; fi
    rm -rf "u.$x" && mv "mine.$x" "u.$x"
    touch go
    wait "$pid"
    rc=$?
    if [ "$rc" = 1 ] && grep -q "repeat: 'u.$x' is not the file write 1 of 3 left" u.err &&
        { [ "$(cat "u.$x" 2>/dev/null)" = mine ] || [ "$(cat "u.$x/note" 2>/dev/null)" = mine ]; } &&
        [ -z "$(find . -maxdepth 1 -name ".u.$x*")" ]; then
        ok "repeat-$be-leaves-a-file-put-there-between-writes"
    else
        fail "repeat-$be-leaves-a-file-put-there-between-writes" "exit $rc: $(grep -v '^mca_' u.err | head -3)"
    fi
    rm -rf "u.$x" go
done

# Killed in the second write (its 2nd unit: 6 slices on 2 ranks are 3 units each), the partial
# resumes (--repeat does not combine with --resume) to the bytes of one uninterrupted write.
mpi 2 -q --backend mpiio --shape $SH -o ref.npy
SLABFILL_FAULT=unit:5 $MPIRUN -n 2 "$FAULTS" -q --backend mpiio --shape $SH -o k.npy \
    --repeat 3 >/dev/null 2>&1
rc=$?
if [ "$rc" != 0 ] && [ ! -e k.npy ] && [ -e .k.npy.partial ] &&
    mpi 3 -q --backend mpiio --shape $SH -o k.npy --resume && cmp -s k.npy ref.npy &&
    cmp -s k.npy.xxh3 ref.npy.xxh3; then
    ok repeat-killed-in-write-2-resumes-identical
else
    fail repeat-killed-in-write-2-resumes-identical "exit $rc; $(ls -a)"
fi

# Bad input: one line from rank 0, exit 2, nothing created.
for args in "--repeat 0" "--repeat 10001" "--repeat 2x" "--repeat -1" "--repeat 02" \
    "--repeat 2 --resume" "--repeat 2 --compare"; do
    mkdir -p bad && rm -rf bad/* bad/.??*
    # shellcheck disable=SC2086 # the words of args
    out=$(cd bad && mpi 2 --shape $SH $args 2>&1 >/dev/null)
    rc=$?
    lines=$(grep -c '^slabfill: ' <<<"$out")
    if [ "$rc" = 2 ] && [ "$lines" = 1 ] && grep -qE "accepted: a decimal integer from 1 to 10000|conflicts with --(resume|compare)" <<<"$out" &&
        [ -z "$(ls -A bad)" ]; then
        ok "repeat-refused: $args"
    else
        fail "repeat-refused: $args" "exit $rc: $out; left: $(ls -A bad)"
    fi
done
# An output already there is refused before the first write, as without --repeat.
echo precious >keep.h5
out=$(mpi 2 --shape $SH -o keep.h5 --repeat 3 2>&1)
rc=$?
if [ "$rc" = 2 ] && [ "$(cat keep.h5)" = precious ] && grep -q "exists; give --force" <<<"$out"; then
    ok repeat-refuses-an-existing-output
else
    fail repeat-refuses-an-existing-output "exit $rc: $out"
fi
finish
