#!/usr/bin/env bash
# examples_test.sh - the examples of docs/library.md (examples/seed_loop.c, examples/diffusion.c)
# as a user runs them: at 1 and 3 ranks on hdf5, pnetcdf and mpiio (.npy, with a buffer smaller
# than a slice), each file checked value by value by an independent reader
# (tests/examples_check.py), and the 3-rank file identical to the 1-rank one. Then each is
# killed with SIGKILL at an exact unit (their fault-injection builds) and resumed on another
# rank count: the file equals the uninterrupted run's and `slabfill verify` passes on its
# digests; and a byte flipped in a slice is named by `slabfill verify`.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1
CHECK=("$PYTHON" "$TOP/tests/examples_check.py")
ex() { # ex P EXAMPLE ARGS...: the example on P ranks (one rank: a singleton, no mpirun)
    local p=$1 e=$2
    shift 2
    if [ "$p" = 1 ]; then
        "$TOP/examples/$e" -q "$@"
    else
        # shellcheck disable=SC2086 # MPIRUN is a command line
        $MPIRUN -n "$p" "$TOP/examples/$e" -q "$@"
    fi
}
ext() { case "$1" in hdf5) echo h5 ;; pnetcdf) echo nc ;; mpiio) echo npy ;; esac; }

for e in seed_loop diffusion; do
    for b in hdf5 pnetcdf mpiio; do
        x=$(ext "$b")
        extra=()
        [ "$b" = mpiio ] && extra=(--buffer 100000) # below one slice: boxes of part of one
        for p in 1 3; do
            out=$(ex "$p" "$e" --backend "$b" -o "$e-$p.$x" "${extra[@]}" 2>&1) ||
                { fail "$e-$b-$p-ranks" "exit $?: $out"; continue; }
            same=()
            [ "$p" = 3 ] && same=(--same-as "$e-1.$x")
            check "$e-$b-$p-ranks-values-exact" "${CHECK[@]}" "$e" "$e-$p.$x" "${same[@]}"
        done
    done
done

# SIGKILL at the 5th unit on 2 ranks (every unit recorded), then --resume on 3 and on 1.
for e in seed_loop diffusion; do
    for run in "hdf5 3" "mpiio 1"; do
        read -r b p <<<"$run"
        x=$(ext "$b")
        f=killed-$e.$x
        # shellcheck disable=SC2086 # MPIRUN is a command line
        SLABFILL_FAULT=unit:5 $MPIRUN -n 2 "$TOP/tests/$e-faults" -q --backend "$b" -o "$f" \
            --checkpoint 0 --buffer 100000 >/dev/null 2>&1
        st=$?
        name=$e-$b-sigkill-at-unit-5-resumed-on-$p-ranks
        if [ "$st" = 0 ] || [ -e "$f" ] || [ ! -e ".$f.partial.progress" ]; then
            fail "$name" "the kill did not happen as planned (exit $st)"
            continue
        fi
        out=$(ex "$p" "$e" --backend "$b" -o "$f" --resume 2>&1) &&
            out=$("${CHECK[@]}" "$e" "$f" --same-as "$e-1.$x" 2>&1) &&
            out=$(mpi 2 verify "$f" 2>&1) && grep -q "0 differ" <<<"$out"
        verdict=$?
        if [ "$verdict" = 0 ]; then ok "$name-identical-verified"; else fail "$name" "$out"; fi
    done
done

# One flipped byte in slice 7 of a user producer's file: verify names slice 7 and exits 1.
for x in npy h5; do
    cp "seed_loop-1.$x" "flip.$x" && { [ "$x" != npy ] || cp "seed_loop-1.npy.xxh3" flip.npy.xxh3; }
    at=$("$PYTHON" - "flip.$x" <<'PY'
import sys
import numpy as np
p = sys.argv[1]
if p.endswith(".npy"):
    a = np.load(p, mmap_mode="r")
    base = a.offset
else:
    import h5py
    with h5py.File(p, "r") as f:
        assert f["data"].chunks is None  # contiguous: slice 7 lies at one offset
        base, a = f["data"].id.get_offset(), np.empty(f["data"].shape, dtype=np.uint8)
print(base + 7 * a.shape[1] * a.shape[2] * 4 + 4321)
PY
)
    b=$(od -An -tu1 -j "$at" -N1 "flip.$x" | tr -d ' ')
    printf "$(printf '\\%03o' $((b ^ 1)))" | dd of="flip.$x" bs=1 seek="$at" conv=notrunc 2>/dev/null
    out=$(mpi 2 verify "flip.$x" 2>&1)
    rc=$?
    if [ "$rc" = 1 ] && grep -q "1 differs; first slice 7" <<<"$out"; then
        ok "verify-names-the-slice-of-a-flipped-byte-$x"
    else
        fail "verify-names-the-slice-of-a-flipped-byte-$x" "exit $rc: $out"
    fi
done
finish
