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
# skip NAME WHY...: a case that cannot run here for a reason no install would change (a file
# system in memory, not root). tests/run counts and prints it.
skip() { echo "skip $1: ${*:2}"; }
# need NAME TOOL...: 0 when every TOOL is on PATH. Otherwise case NAME is skipped, naming what
# is missing; with CI=true it fails instead, since in CI nothing may go untested for want of an
# install step (scripts/install-deps installs every tool the tests use).
need() {
    local name=$1 t missing=()
    shift
    for t in "$@"; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
    [ ${#missing[@]} = 0 ] && return 0
    if [ "${CI:-}" = true ]; then
        fail "$name" "needs ${missing[*]}, which is not installed (scripts/install-deps installs it)"
    else
        skip "$name" "needs ${missing[*]}, which is not installed (scripts/install-deps installs it)"
    fi
    return 1
}
# descendants PID: the PIDs of every process below PID (children, grandchildren, ...), read
# from /proc, so that tests signal exactly the processes they started (no pattern, no procps).
descendants() {
    local -A kids=()
    local f stat pid ppid queue=("$1") p
    for f in /proc/[0-9]*/stat; do
        { read -r stat <"$f"; } 2>/dev/null || continue
        pid=${stat%% *}
        stat=${stat##*) } # after the command name, which may hold spaces and parentheses
        ppid=${stat#* }
        ppid=${ppid%% *}
        kids[$ppid]+="$pid "
    done
    while [ ${#queue[@]} -gt 0 ]; do
        p=${queue[0]}
        queue=("${queue[@]:1}")
        for pid in ${kids[$p]:-}; do
            echo "$pid"
            queue+=("$pid")
        done
    done
}
# alive PID: the process exists and is not a zombie (a zombie holds no files and no locks).
alive() {
    local stat
    { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
    stat=${stat##*) }
    [ "${stat%% *}" != Z ]
}
# kill_all PID: SIGKILL to PID and every process below it, as a node failure would take them;
# returns once all of them are gone, since a process being torn down still holds its locks.
kill_all() {
    local pids p left
    pids="$(descendants "$1") $1"
    # shellcheck disable=SC2086 # one word per pid
    kill -KILL $pids 2>/dev/null
    for _ in $(seq 3000); do
        left=0
        for p in $pids; do alive "$p" && left=1; done
        [ "$left" = 0 ] && return 0
        sleep 0.01
    done
    return 1
}
# signal_tree SIG PID: sends SIG to every process below PID (the ranks under an mpirun), not to
# PID itself.
signal_tree() {
    local pids
    pids=$(descendants "$2")
    # shellcheck disable=SC2086 # one word per pid
    [ -n "$pids" ] && kill -s "$1" $pids 2>/dev/null
    return 0
}
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
# nc_path FILE: the name netCDF-C's tools (ncdump) open FILE by. NCZarr (netCDF-C 4.9) takes a
# Zarr store only as a URL; mode=zarr reads it as pure Zarr, as slabfill writes it.
nc_path() {
    case "$1" in
        *.zarr) echo "file://$(cd "$1" && pwd)#mode=zarr,file" ;;
        *) echo "$1" ;;
    esac
}
values() { "$PYTHON" "$TOP/tests/check_values.py" "$@"; }
finish() { exit $((FAILED != 0)); }
