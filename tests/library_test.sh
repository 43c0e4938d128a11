#!/usr/bin/env bash
# library_test.sh - tests/library_test (libslabfill through its public header, on a split
# communicator) at 4 and 5 ranks: halves of 2 and 2, then of 3 and 2 ranks.
. "$(dirname "$0")/lib.sh"
for p in 4 5; do
    mkdir "$SCRATCH/$p" || exit 1
    # shellcheck disable=SC2086 # MPIRUN is a command line
    $MPIRUN -n "$p" "$TOP/tests/library_test" "$SCRATCH/$p" 2>"$SCRATCH/$p.err" |
        sed "s/^\(ok\|FAIL\) \([^:]*\)/\1 \2-on-$p-ranks/"
    [ "${PIPESTATUS[0]}" = 0 ] || fail "library-test-on-$p-ranks" "$(tail -5 "$SCRATCH/$p.err")"
done
finish
