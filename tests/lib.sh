# lib.sh - shared by the shell tests: case reporting in the runner's format, an mpirun wrapper
# and a scratch directory that is removed on exit. Source it; do not run it.
# shellcheck shell=bash
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SLABFILL=${SLABFILL:-$TOP/slabfill}
PYTHON=${PYTHON:-/usr/bin/python3}
MPIRUN=${MPIRUN:-mpirun --allow-run-as-root --oversubscribe}
FAILED=0
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/slabfill-test.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT

ok() { echo "ok $*"; }
fail() { echo "FAIL $1: ${*:2}"; FAILED=$((FAILED + 1)); }
# check NAME CMD...: one case that passes when CMD succeeds; its output is shown on failure.
check() {
    local name=$1 out
    shift
    if out=$("$@" 2>&1); then ok "$name"; else fail "$name" "$out"; fi
}
# mpi N ARGS...: slabfill on N ranks.
mpi() {
    local n=$1
    shift
    # shellcheck disable=SC2086 # MPIRUN is a command line
    $MPIRUN -n "$n" "$SLABFILL" "$@"
}
values() { "$PYTHON" "$TOP/tests/check_values.py" "$@"; }
finish() { exit $((FAILED != 0)); }
