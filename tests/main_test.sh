#!/usr/bin/env bash
# main_test.sh - end to end through mpirun: the same bytes at 1, 2, 3, 4 and 7 ranks, for any
# --slab and --buffer, in float32 and float64, checked against the spec by an independent reader.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1

# ref NAME ARGS...: the single-rank reference file NAME.h5, checked against the spec.
ref() {
    local name=$1
    shift
    check "spec-$name-1rank" bash -c "$(printf '%q ' "$SLABFILL" -q -o "$name.h5" "$@") \
        && $(printf '%q ' "$PYTHON" "$TOP/tests/check_values.py" "$name.h5")"
}
# same REF TAG P ARGS...: P ranks must write bytes identical to REF.h5.
same() {
    local ref=$1 tag=$2 p=$3
    shift 3
    # shellcheck disable=SC2086 # MPIRUN is a command line
    check "same-$tag-${p}ranks" bash -c "$(printf '%q ' $MPIRUN -n "$p" "$SLABFILL" -q \
        -o "$tag-$p.h5" "$@") && $(printf '%q ' "$PYTHON" "$TOP/tests/check_values.py" \
        "$tag-$p.h5" --same-as "$ref.h5")"
}

# 13x37x41: odd everything. 5x7x9: X*Y = 63 is not a multiple of 4, and 7 ranks > 5 slices.
ref odd --shape 13x37x41 --seed 7
for p in 2 3 4 7; do same odd odd "$p" --shape 13x37x41 --seed 7; done
ref xy63 --shape 5x7x9 --dist uniform --seed 0xdeadbeefcafef00d
for p in 2 3 4 7; do same xy63 xy63 "$p" --shape 5x7x9 --dist uniform --seed 0xdeadbeefcafef00d; done

# --slab 1 and --slab 5 write the same bytes.
for p in 1 3; do same odd slab5 "$p" --shape 13x37x41 --seed 7 --slab 5; done

# float64, both distributions.
ref f64n --shape 13x37x41 --dtype float64
for p in 2 3; do same f64n f64n "$p" --shape 13x37x41 --dtype float64; done
ref f64u --shape 13x37x41 --dtype float64 --dist uniform
for p in 3 7; do same f64u f64u-slab5 "$p" --shape 13x37x41 --dtype float64 --dist uniform --slab 5; done

# A buffer smaller than one slice (cut along x) and smaller than one row (cut along y).
for p in 2 3; do same odd buf1k "$p" --shape 13x37x41 --seed 7 --buffer 1k; done
ref rows --shape 3x5x300 --dtype float64
for p in 1 2; do same rows rows-buf1k "$p" --shape 3x5x300 --dtype float64 --buffer 1k; done

# Different seeds give different data (the comparison above can fail).
check different-seed-differs bash -c "$(printf '%q ' "$SLABFILL" -q -o other.h5 \
    --shape 13x37x41 --seed 8) && ! $(printf '%q ' "$PYTHON" "$TOP/tests/check_values.py" \
    other.h5 --same-as odd.h5) >/dev/null"

# A build without SIMD (make SIMD=0, here tests/slabfill-scalar) writes byte-identical files:
# .npy files hold no timestamps, so whole files are compared.
for t in "float32 normal" "float32 uniform" "float64 normal" "float64 uniform"; do
    set -- $t
    check "simd-off-identical-$1-$2" bash -c "$(printf '%q ' "$SLABFILL" -q --backend mpiio \
        --shape 7x301x257 --dtype "$1" --dist "$2" -o "v-$1-$2.npy") && \
        $(printf '%q ' "$TOP/tests/slabfill-scalar" -q --backend mpiio --shape 7x301x257 \
        --dtype "$1" --dist "$2" -o "s-$1-$2.npy") && cmp v-$1-$2.npy s-$1-$2.npy"
done

# Nothing is left under a partial name after a successful run.
check no-partial-left bash -c '! ls -A | grep -q partial'
finish
