#!/usr/bin/env bash
# repeat_test.sh - --repeat N, as IOR's -i: N writes, each replacing the file the last one left,
# on 1 (a singleton), 2 and 3 ranks and every file backend: a record per write on stdout and in
# --summary-file, whose spread keys (min, median, max, sd over the writes so far) an independent
# Python computation must match; each write verified with --verify; the last file holds the
# generator's values. A file that another user puts under the output's name between two writes
# or changes inside it (a sidecar, a file in a store, a byte edited) between two writes (the
# fault build paused right there) is left alone and the repeat stops with exit 1; a second job
# is refused between writes (the lock is held throughout). A run killed in its second write
# resumes (without --repeat) to the bytes of an uninterrupted run, and one stopped by SIGTERM
# says so.
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

# Between writes 1 and 2 (the fault build paused there: SLABFILL_FAULT=repeat:1:pause), a user
# changes what write 1 left: each change is noticed, what is there is left alone, exit 1.
# tamper KIND EXT: the change.
tamper() {
    case "$1" in
    replaced) rm -rf "u.$2" && if [ "$2" = zarr ]; then mkdir u.zarr && echo mine >u.zarr/note; else echo mine >"u.$2"; fi ;;
    sidecar) rm -f u.npy.xxh3 && echo mine >u.npy.xxh3 ;;
    inside) echo mine >u.zarr/data/note ;;
    edited) "$PYTHON" -c 'import sys; f = open(sys.argv[1], "r+b"); f.seek(5000); f.write(b"mine"); f.close()' "u.$2" ;;
    esac
}
# what_is_left KIND EXT: the user's change is still there.
what_is_left() {
    case "$1" in
    replaced) [ "$(cat "u.$2" 2>/dev/null || cat "u.$2/note")" = mine ] ;;
    sidecar) [ "$(cat u.npy.xxh3)" = mine ] ;;
    inside) [ "$(cat u.zarr/data/note)" = mine ] ;;
    edited) "$PYTHON" -c 'import sys; f = open(sys.argv[1], "rb"); f.seek(5000); sys.exit(f.read(4) != b"mine")' "u.$2" ;;
    esac
}
for c in replaced:h5 replaced:zarr sidecar:npy inside:zarr edited:npy edited:h5; do
    kind=${c%%:*} x=${c#*:} be=hdf5
    case $x in npy) be=mpiio ;; zarr) be=zarr ;; esac
    rm -rf go "u.$x" "u.$x.xxh3"
    # shellcheck disable=SC2086 # MPIRUN is a command line
    SLABFILL_FAULT=repeat:1:pause SLABFILL_FAULT_GO=$PWD/go $MPIRUN -n 2 "$FAULTS" -q \
        --backend "$be" --shape $SH -o "u.$x" --repeat 3 >u.out 2>u.err &
    pid=$!
    BGPIDS+=("$pid")
    for _ in $(seq 3000); do [ -e "u.$x" ] && [ ! -e ".u.$x.partial.progress" ] && break; sleep 0.01; done
    sleep 0.2 # past the rename and the fingerprint taken right after it
    tamper "$kind" "$x"
    touch go
    wait "$pid"
    rc=$?
    if [ "$rc" = 1 ] && grep -q "repeat: 'u.$x'.* is not what write 1 of 3 left there" u.err &&
        what_is_left "$kind" "$x" && [ -z "$(find . -maxdepth 1 -name ".u.$x.partial*")" ]; then
        ok "repeat-$be-$kind-between-writes-left-alone"
    else
        fail "repeat-$be-$kind-between-writes-left-alone" "exit $rc: $(grep -v '^mca_' u.err | head -3)"
    fi
done
# A second job on the output between two writes is refused (the first holds the lock from its
# first write to its last), and the first goes on to finish.
rm -rf go two.h5
# shellcheck disable=SC2086 # MPIRUN is a command line
SLABFILL_FAULT=repeat:1:pause SLABFILL_FAULT_GO=$PWD/go $MPIRUN -n 2 "$FAULTS" -q \
    --shape $SH -o two.h5 --repeat 2 >u.out 2>u.err &
pid=$!
BGPIDS+=("$pid")
for _ in $(seq 3000); do [ -e two.h5 ] && [ ! -e .two.h5.partial.progress ] && break; sleep 0.01; done
out=$(mpi 2 --shape $SH --seed 7 -o two.h5 --force 2>&1)
rc2=$?
touch go
wait "$pid"
rc=$?
if [ "$rc2" = 2 ] && grep -q "another slabfill job" <<<"$out" && [ "$rc" = 0 ] &&
    "$PYTHON" "$TOP/tests/check_values.py" two.h5 >/dev/null 2>&1; then
    ok repeat-holds-the-lock-between-writes
else
    fail repeat-holds-the-lock-between-writes "second job exit $rc2: $out; first exit $rc: $(head -3 u.err)"
fi
# A SIGTERM in write 2 stops it cleanly, and the message says how to finish it.
rm -rf go sig.npy
# shellcheck disable=SC2086 # MPIRUN is a command line
SLABFILL_FAULT=unit:4:pause SLABFILL_FAULT_GO=$PWD/go $MPIRUN -n 2 "$FAULTS" -q --backend mpiio \
    --shape $SH -o sig.npy --repeat 3 >u.out 2>u.err &
pid=$!
BGPIDS+=("$pid")
for _ in $(seq 3000); do [ -e .sig.npy.partial ] && [ ! -e sig.npy ] && [ -e u.err ] && break; sleep 0.01; done
sleep 0.5
signal_tree TERM "$pid"
touch go
wait "$pid"
rc=$?
if [ "$rc" = 3 ] && grep -q "run the same command with --resume and without --repeat" u.err &&
    mpi 2 -q --backend mpiio --shape $SH -o sig.npy --resume && mpi 2 verify -q sig.npy; then
    ok repeat-sigterm-in-write-2-says-how-to-finish
else
    fail repeat-sigterm-in-write-2-says-how-to-finish "exit $rc: $(grep -v '^mca_' u.err | head -3)"
fi

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
