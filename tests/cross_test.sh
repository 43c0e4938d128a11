#!/usr/bin/env bash
# cross_test.sh - the value kernels give the same bytes on arm64 as here. tests/fill_dump prints
# sf_fill's bytes for a few ranges (unaligned, across the counter's carry, at the top of the index
# range) in all four dtype/distribution pairs. Its arm64 build (tests/fill_dump-aarch64, static,
# from Debian's gcc-aarch64-linux-gnu with the value kernels' flags) runs under qemu-aarch64 and
# must print what this machine's build prints with each kernel this CPU runs.
. "$(dirname "$0")/lib.sh"

ARM=$TOP/tests/fill_dump-aarch64
need cross-aarch64 aarch64-linux-gnu-gcc aarch64-linux-gnu-objdump qemu-aarch64 || finish
if [ ! -x "$ARM" ]; then
    fail cross-aarch64 "$ARM is not built (make tests/fill_dump-aarch64)"
    finish
fi

if ! qemu-aarch64 "$ARM" >"$SCRATCH/arm64.out" 2>"$SCRATCH/arm64.err"; then
    fail cross-aarch64-runs "qemu-aarch64 $ARM: $(cat "$SCRATCH/arm64.err")"
    finish
fi
check cross-aarch64-kernel-is-neon grep -qx 'fill_dump: kernel neon' "$SCRATCH/arm64.err"

# gcc for aarch64 contracts a * b + c into fmadd unless told not to; the value kernels must not
# (-ffp-contract=off), or arm64's normal values would differ from everyone else's. And "neon"
# must be vectorised: square roots of four float32 lanes at once.
objdump_values() {
    local f
    for f in fill_portable convert_portable sf_normal_f32_pair sf_normal_f64_pair; do
        aarch64-linux-gnu-objdump -d --no-show-raw-insn --disassemble="$f" "$ARM"
    done
}
objdump_values >"$SCRATCH/values.s"
check cross-aarch64-no-fused-multiply-add bash -c "grep -q fsqrt '$SCRATCH/values.s' && \
    ! grep -m 5 -E '\s(fmadd|fmsub|fnmadd|fnmsub|fmla|fmls)\s' '$SCRATCH/values.s'"
check cross-aarch64-neon-vectorised grep -qE 'fsqrt\s+v[0-9]+\.4s' "$SCRATCH/values.s"

# One case per kernel of this machine and dtype/distribution pair: same lines, line for line.
for k in scalar avx2 avx512; do
    "$TOP/tests/fill_dump" "$k" >"$SCRATCH/$k.out" 2>/dev/null || continue # not on this CPU
    for pair in "float32 normal" "float32 uniform" "float64 normal" "float64 uniform"; do
        grep "^$pair " "$SCRATCH/arm64.out" >"$SCRATCH/a" || true
        grep "^$pair " "$SCRATCH/$k.out" >"$SCRATCH/b" || true
        name="cross-aarch64-${pair// /-}-same-bytes-as-x86-64-$k"
        if [ "$(wc -l <"$SCRATCH/a")" -ne 7 ]; then
            fail "$name" "expected 7 ranges from arm64, got: $(cat "$SCRATCH/a")"
        elif ! diff "$SCRATCH/a" "$SCRATCH/b" >"$SCRATCH/diff"; then
            fail "$name" "$(cat "$SCRATCH/diff")"
        else
            ok "$name"
        fi
    done
done
finish
