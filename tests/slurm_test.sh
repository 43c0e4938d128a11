#!/usr/bin/env bash
# slurm_test.sh - the jobs/ scripts on a real, single-host Slurm (make check-slurm): munged as
# user munge, slurmctld and slurmd with a test slurm.conf and every state, spool, log and pid
# file in a scratch directory. smoke.sbatch and a 1/2/4-rank weak-scaling set run with
# sbatch --wait under timeouts, their outputs and result records are checked, a job stopped
# with Slurm's warning signal requeues itself and resumes, and every daemon is stopped by PID.
# Also bash -n and shellcheck on every script in jobs/ and scripts/.
. "$(dirname "$0")/lib.sh"

for f in "$TOP"/jobs/*.sh "$TOP"/jobs/*.sbatch "$TOP"/scripts/*; do
    case "$f" in *.sh | *.sbatch) ;; *) head -1 "$f" | grep -qE 'bash|/sh' || continue ;; esac
    check "bash-n-$(basename "$f")" bash -n "$f"
    if command -v shellcheck >/dev/null; then
        check "shellcheck-$(basename "$f")" shellcheck -S warning -x -P "$TOP/jobs" "$f"
    fi
done

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    if [ "${SLURM_TESTS:-}" = skip ]; then
        echo "skip slurm: SLURM_TESTS=skip and Slurm is not installed"
        finish
    fi
    fail slurm-installed "Slurm (slurmctld, slurmd, munged) is not installed: scripts/install-deps \
slurm installs it; set SLURM_TESTS=skip to skip these tests on purpose"
    finish
fi

D="$SCRATCH/slurm"
mkdir -p "$D/state" "$D/spool" "$D/munge" "$D/out"
chmod 755 "$SCRATCH" "$D"
PIDS=()
stop_all() {
    scancel --state=PENDING,RUNNING -u root >/dev/null 2>&1 || true
    for p in "$D/slurmd.pid" "$D/slurmctld.pid" "$D/munge/munged.pid"; do
        [ -s "$p" ] && kill "$(cat "$p")" 2>/dev/null
    done
    sleep 1
    for p in "$D/slurmd.pid" "$D/slurmctld.pid" "$D/munge/munged.pid"; do
        [ -s "$p" ] && kill -9 "$(cat "$p")" 2>/dev/null
    done
    [ -n "${KEEP_SLURM_SCRATCH:-}" ] || rm -rf "$SCRATCH"
}
trap stop_all EXIT

# Ports away from the defaults, so a Slurm already on this host is left alone.
sed -e "s#@DIR@#$D#g" -e "s#@CTLD_PORT@#${SLURM_TEST_PORT:-16817}#" \
    -e "s#@D_PORT@#$(( ${SLURM_TEST_PORT:-16817} + 1 ))#" \
    "$TOP/tests/slurm/slurm.conf.in" >"$D/slurm.conf"
export SLURM_CONF="$D/slurm.conf"

chown munge:munge "$D/munge"
runuser -u munge -- /usr/sbin/munged --socket="$D/munge/munge.socket" \
    --pid-file="$D/munge/munged.pid" --log-file="$D/munge/munged.log" --seed-file="$D/munge/seed"
export MUNGE_SOCKET="$D/munge/munge.socket"
/usr/sbin/slurmctld -f "$SLURM_CONF"
/usr/sbin/slurmd -f "$SLURM_CONF" -N localhost
up=0
for _ in $(seq 60); do
    if sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix)'; then up=1; break; fi
    sleep 0.5
done
check slurm-node-idle bash -c "[ $up = 1 ] || { tail -n 20 $D/slurmctld.log $D/slurmd.log; false; }"
if [ "$up" != 1 ]; then finish; fi

cd "$TOP" || exit 1
# submit NAME ARGS...: sbatch --wait under a timeout, with the test's environment exported.
submit() {
    local name=$1
    shift
    timeout 300 sbatch --wait --parsable -o "$D/out/%x-%j.out" \
        --export=ALL,OUTDIR="$D/out",SLABFILL="$TOP/slabfill",JOBS_DIR="$TOP/jobs" "$@" \
        >"$D/$name.id" 2>"$D/$name.err"
}
RESULTS="$D/out/results.csv"

submit smoke -J slabfill-smoke jobs/smoke.sbatch
rc=$?
id=$(cat "$D/smoke.id")
check smoke-job-succeeds bash -c "[ $rc = 0 ] || { cat $D/smoke.err $D/out/*-$id.out; false; }"
check smoke-output-named-by-job bash -c "grep -q 'Verify .* 5000000 values .* 0 mismatches' \
    $D/out/slabfill-smoke-$id.out && [ -e $D/out/smoke-$id.h5 ]"
check smoke-file-verifies bash -c "$(printf '%q ' "$TOP/slabfill") verify -q $D/out/smoke-$id.h5"

for n in 1 2 4; do
    submit "weak$n" -n "$n" --ntasks-per-node="$n" --export=ALL,OUTDIR="$D/out",SLABFILL="$TOP/slabfill",JOBS_DIR="$TOP/jobs",SLICES_PER_RANK=4,XY=300x300 jobs/weak.sbatch
    rc=$?
    check "weak-$n-ranks-job-succeeds" bash -c "[ $rc = 0 ] || { cat $D/weak$n.err; \
        cat $D/out/slabfill-weak-\$(cat $D/weak$n.id).out; false; }"
done
check weak-results-records "$PYTHON" - "$RESULTS" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["shape_x"] == "300"]
got = sorted((int(r["ranks"]), int(r["bytes_written"]), r["job_id"] != "") for r in rows)
want = [(n, 4 * n * 300 * 300 * 4, True) for n in (1, 2, 4)]
assert got == want, (got, want, [(r["ranks"], r["bytes_written"], r["job_id"], r["shape_z"]) for r in csv.DictReader(open(sys.argv[1]))])
PY

# The weak-scaling records plot (scripts/plot-scaling, matplotlib).
check plot-scaling-writes-three-pngs bash -c "$(printf '%q ' "$PYTHON" \
    "$TOP/scripts/plot-scaling") $RESULTS -o $D/plots >/dev/null && for f in bandwidth memory \
    time; do [ \$(stat -c %s $D/plots/scaling-\$f.png) -gt 10000 ] || exit 1; done"

# A job warned by Slurm (SIGUSR1, as --signal sends before the time limit) stops with its
# progress saved, requeues itself, and the requeued run resumes and finishes the file.
timeout 300 sbatch --parsable -J slabfill-requeue -n 2 -o "$D/out/%x-%j.out" \
    --export=ALL,OUTDIR="$D/out",SLABFILL="$TOP/slabfill",JOBS_DIR="$TOP/jobs",SHAPE=300x500x500,ARGS="--checkpoint 0" \
    jobs/smoke.sbatch >"$D/rq.id"
rqid=$(cat "$D/rq.id")
for _ in $(seq 300); do
    [ -e "$D/out/.smoke-$rqid.h5.partial.progress" ] &&
        grep -q '^done .*1' "$D/out/.smoke-$rqid.h5.partial.progress" && break
    sleep 0.1
done
scancel --signal=USR1 "$rqid"
for _ in $(seq 600); do
    state=$(scontrol show job "$rqid" 2>/dev/null | grep -oE 'JobState=[A-Z_]+' | cut -d= -f2)
    restarts=$(scontrol show job "$rqid" 2>/dev/null | grep -oE 'Restarts=[0-9]+' | cut -d= -f2)
    [ "$state" = COMPLETED ] && break
    case "$state" in FAILED | CANCELLED | TIMEOUT | NODE_FAIL) break ;; esac
    sleep 0.5
done
check requeued-job-resumes-and-completes bash -c "[ '$state' = COMPLETED ] && \
    [ '${restarts:-0}' -ge 1 ] && grep -q 'requeueing job' $D/out/slabfill-requeue-$rqid.out && \
    grep -q 'Resumed' $D/out/slabfill-requeue-$rqid.out || { echo state=$state \
    restarts=$restarts; cat $D/out/slabfill-requeue-$rqid.out; false; }"
check requeued-file-verifies bash -c "$(printf '%q ' "$TOP/slabfill") verify -q \
    $D/out/smoke-$rqid.h5"
finish
