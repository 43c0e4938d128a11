#!/usr/bin/env bash
# fit_polynomials_test.sh - the polynomial coefficients in include/sf_values_math.h (their one
# home: every kernel takes them from there) must be exactly what scripts/fit-polynomials derives
# today, so the value spec's tables can be rebuilt from scratch.
set -u
cd "$(dirname "$0")/.." || exit 1
MATH=include/sf_values_math.h
PYTHON=${PYTHON:-/usr/bin/python3}
if out=$("$PYTHON" scripts/fit-polynomials --check "$MATH" 2>&1); then
    echo "ok values-coefficients-are-fit-polynomials-output"
else
    echo "FAIL values-coefficients-are-fit-polynomials-output: $out"
fi
# One home: no other source file defines a table of its own (a kernel that did could drift).
others=$(grep -rlE '\b(LOG|SIN|COS)_F(32|64) *\[[0-9]*\] *=' src include | grep -vxF "$MATH")
if [ -z "$others" ]; then
    echo "ok polynomial-coefficients-have-one-home"
else
    echo "FAIL polynomial-coefficients-have-one-home: tables defined also in:" $others
fi
# The check must be able to fail: a copy with one coefficient's last digit changed.
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
sed 's/0x1.55557ap-2f/0x1.55557bp-2f/' "$MATH" >"$tmp"
if ! cmp -s "$MATH" "$tmp" &&
    ! "$PYTHON" scripts/fit-polynomials --check "$tmp" >/dev/null 2>&1; then
    echo "ok fit-polynomials-check-refuses-a-changed-coefficient"
else
    echo "FAIL fit-polynomials-check-refuses-a-changed-coefficient: the altered copy passed"
fi
