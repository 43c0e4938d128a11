#!/usr/bin/env bash
# fit_polynomials_test.sh - the polynomial coefficients in src/values.c must be exactly what
# scripts/fit-polynomials derives today, so the value spec's tables can be rebuilt from scratch.
set -u
cd "$(dirname "$0")/.." || exit 1
PYTHON=${PYTHON:-/usr/bin/python3}
if out=$("$PYTHON" scripts/fit-polynomials --check src/values.c 2>&1); then
    echo "ok values-coefficients-are-fit-polynomials-output"
else
    echo "FAIL values-coefficients-are-fit-polynomials-output: $out"
fi
# The check must be able to fail: a copy with one coefficient's last digit changed.
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
sed 's/0x1.55557ap-2f/0x1.55557bp-2f/' src/values.c >"$tmp"
if ! cmp -s src/values.c "$tmp" &&
    ! "$PYTHON" scripts/fit-polynomials --check "$tmp" >/dev/null 2>&1; then
    echo "ok fit-polynomials-check-refuses-a-changed-coefficient"
else
    echo "FAIL fit-polynomials-check-refuses-a-changed-coefficient: the altered copy passed"
fi
