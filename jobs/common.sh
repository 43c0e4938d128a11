# common.sh - sourced by every job script in jobs/: strict mode, local settings, the output
# directory (striped on Lustre when asked, before any file exists), the launcher, a record of
# the environment, and run_slabfill, which resumes, and requeues the job when slabfill stops on
# Slurm's warning signal (exit status 3).
# shellcheck shell=bash
set -euo pipefail

# Slurm runs a copy of the batch script from its spool directory, so find jobs/ from the
# submit directory (submit from the slabfill checkout) unless JOBS_DIR says otherwise.
JOBS_DIR=${JOBS_DIR:-${SLURM_SUBMIT_DIR:-$PWD}/jobs}
if [ -f "$JOBS_DIR/env.local" ]; then
    # shellcheck source=/dev/null
    . "$JOBS_DIR/env.local"
fi
if [ -n "${MODULES:-}" ] && command -v module >/dev/null 2>&1; then
    # shellcheck disable=SC2086 # a list of module names
    module load $MODULES
fi

SLABFILL=${SLABFILL:-$JOBS_DIR/../slabfill}
OUTDIR=${OUTDIR:-${SLURM_SUBMIT_DIR:-$PWD}/slabfill-out}
RESULTS=${RESULTS:-$OUTDIR/results.csv}
LAUNCH=${LAUNCH:-srun}
STRIPE_COUNT=${STRIPE_COUNT:-}
STRIPE_SIZE=${STRIPE_SIZE:-}
JOB_ID=${SLURM_JOB_ID:-$$}

# Striping is fixed when a file is created, so it is set on the directory first.
if [ ! -d "$OUTDIR" ]; then
    mkdir -p "$OUTDIR"
    if [ -n "$STRIPE_COUNT$STRIPE_SIZE" ]; then
        if command -v lfs >/dev/null 2>&1; then
            lfs setstripe ${STRIPE_COUNT:+-c "$STRIPE_COUNT"} ${STRIPE_SIZE:+-S "$STRIPE_SIZE"} \
                "$OUTDIR"
        else
            echo "common.sh: STRIPE_COUNT/STRIPE_SIZE given but lfs is not here; not striping" >&2
        fi
    fi
fi

echo "== slabfill job $JOB_ID on $(hostname) at $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "   slabfill:  $SLABFILL ($("$SLABFILL" --version))"
echo "   launcher:  $LAUNCH"
echo "   outdir:    $OUTDIR${STRIPE_COUNT:+ (stripe count $STRIPE_COUNT)}${STRIPE_SIZE:+ (stripe size $STRIPE_SIZE)}"
echo "   results:   $RESULTS"
echo "   hints:     ${SLABFILL_HINTS:-(none)}"
env | grep -E '^SLURM_(JOB_ID|JOB_NAME|JOB_NUM_NODES|NTASKS|NTASKS_PER_NODE|CPUS_PER_TASK|ARRAY_TASK_ID|RESTART_COUNT)=' \
    | sed 's/^/   /' || true

# run_slabfill ARGS...: one slabfill run under $LAUNCH. Exit status 3 means slabfill stopped
# cleanly on a signal (Slurm's --signal warning before the time limit) with its progress
# saved: requeue, and the next run's --resume finishes the file.
run_slabfill() {
    local rc=0
    # shellcheck disable=SC2086 # LAUNCH is a command line
    $LAUNCH "$SLABFILL" --resume --summary-file "$RESULTS" "$@" || rc=$?
    if [ "$rc" = 3 ] && [ -n "${SLURM_JOB_ID:-}" ]; then
        echo "== slabfill stopped with its progress saved; requeueing job $SLURM_JOB_ID"
        scontrol requeue "$SLURM_JOB_ID"
        exit 0
    fi
    return "$rc"
}
