#!/bin/bash
# submit-scaling.sh - submit a weak and a strong scaling set, one job per node count:
#   jobs/submit-scaling.sh [NODE_COUNTS...]        (default: 1 2 4 8)
# Extra sbatch options (account, partition) come from SBATCH_ARGS. Results gather in
# $OUTDIR/results.csv; plot them with scripts/plot-scaling.
set -euo pipefail
cd "$(dirname "$0")/.."
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(1 2 4 8)
for n in "${counts[@]}"; do
    for kind in weak strong; do
        # shellcheck disable=SC2086 # SBATCH_ARGS is a list of options
        sbatch ${SBATCH_ARGS:-} -N "$n" "jobs/$kind.sbatch"
    done
done
