#!/usr/bin/env bash
# resume_test.sh - never lose data: signals stop cleanly and --resume finishes on another rank
# count; SIGKILL early, midway and late leaves no file under the final name and --resume
# completes it exactly; verify names a flipped byte; a full disk, a removed or read-only output
# directory and a slice over 2 GiB behave as docs/guarantees.md promises.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1
SH=120x500x500  # 120 slices of 1 MB: long enough to interrupt, quick to finish
ARGS=(--backend mpiio --shape "$SH" --checkpoint 0)

"$SLABFILL" -q "${ARGS[@]}" -o ref.npy || fail reference "could not write ref.npy"

# done_count RECORD: slices marked complete in a progress record (0 when there is none yet).
done_count() { sed -n 's/^done //p' "$1" 2>/dev/null | tr -cd 1 | wc -c; }
# run_bg NAME P ARGS...: start slabfill in the background; its pid (mpirun's) in BG.
run_bg() {
    local name=$1 p=$2
    shift 2
    # shellcheck disable=SC2086
    $MPIRUN -n "$p" "$SLABFILL" "$@" >"$name.out" 2>"$name.err" &
    BG=$!
}
# wait_for RECORD N: until the record marks at least N slices (or 30 s pass).
wait_for() {

    for _ in $(seq 1500); do
        [ "$(done_count "$1")" -ge "$2" ] && return 0
        sleep 0.02
    done
    return 1
}

# 1. SIGUSR1 (what Slurm's --signal sends; mpirun forwards it) and SIGTERM (which srun and
# scancel deliver to every task; mpirun would start its own shutdown instead, so it goes to the
# ranks here): stop after the current slab, exit 3.
for sig in USR1 TERM; do
    run_bg "sig$sig" 2 "${ARGS[@]}" -o "sig$sig.npy"
    wait_for ".sig$sig.npy.partial.progress" 10
    if [ "$sig" = USR1 ]; then
        kill -s "$sig" "$BG"
    else
        signal_tree "$sig" "$BG"
    fi
    wait "$BG"
    rc=$?
    check "signal-$sig-exits-3-with-progress" bash -c "[ $rc = 3 ] && [ ! -e sig$sig.npy ] && \
        grep -q 'run the same command with --resume' sig$sig.err && \
        [ \$(sed -n 's/^done //p' .sig$sig.npy.partial.progress | tr -cd 1 | wc -c) -ge 10 ]"
    check "signal-$sig-resume-3ranks-identical" bash -c "$(printf '%q ' $MPIRUN -n 3 \
        "$SLABFILL" -q "${ARGS[@]}" -o "sig$sig.npy" --resume) && cmp sig$sig.npy ref.npy && \
        [ ! -e .sig$sig.npy.partial ] && [ ! -e .sig$sig.npy.partial.progress ]"
done

# Without a file to resume (null, memory), the signals keep their default effect: no run
# may swallow a SIGTERM and carry on.
"$SLABFILL" -q --backend null --shape 40000x1000x1000 &
BG=$!
sleep 0.5
kill -TERM "$BG"
wait "$BG"
rc=$?
check null-backend-ends-on-sigterm bash -c "[ $rc = 143 ]"

# 2. SIGKILL early (nothing recorded yet), midway and late; resume on a different rank count.
# Slices of 4 MB here, so that the 24 left after the late kill's trigger take long enough (about
# 0.1 s) for the kill to land before the run ends.
KARGS=(--backend mpiio --shape 120x1000x1000 --checkpoint 0)
"$SLABFILL" -q "${KARGS[@]}" -o kref.npy || fail reference "could not write kref.npy"
for point in early:0:1 middle:60:3 late:96:1; do
    IFS=: read -r name at resume_p <<<"$point"
    run_bg "kill-$name" 2 "${KARGS[@]}" -o "k-$name.npy"
    if [ "$at" = 0 ]; then
        for _ in $(seq 300); do [ -e ".k-$name.npy.partial" ] && break; sleep 0.01; done
    else
        wait_for ".k-$name.npy.partial.progress" "$at"
    fi
    kill_all "$BG"
    wait "$BG" 2>/dev/null
    check "sigkill-$name-leaves-no-final-file" bash -c "[ ! -e k-$name.npy ] && \
        [ -e .k-$name.npy.partial ]"
    check "sigkill-$name-resume-${resume_p}ranks-identical" bash -c "$(printf '%q ' $MPIRUN \
        -n "$resume_p" "$SLABFILL" -q "${KARGS[@]}" -o "k-$name.npy" --resume) && \
        cmp k-$name.npy kref.npy"
    rm -f "k-$name.npy" .k-"$name".npy.partial*
done
rm -f kref.npy

# HDF5 and zarr resume too (their partials are reopened, not recreated).
for b in hdf5:h5 zarr:zarr; do
    ext=${b#*:}
    run_bg "b-$ext" 2 --backend "${b%%:*}" --shape "$SH" --checkpoint 0 -o "r.$ext"
    wait_for ".r.$ext.partial.progress" 40
    kill -s USR1 "$BG"
    wait "$BG"
    check "resume-${b%%:*}-matches-spec" bash -c "$(printf '%q ' $MPIRUN -n 3 "$SLABFILL" -q \
        --backend "${b%%:*}" --shape "$SH" --checkpoint 0 -o "r.$ext" --resume) && \
        $(printf '%q ' "$PYTHON" "$TOP/tests/check_values.py") r.$ext --same-as ref.npy"
    # The reopened file keeps the dimension names written at creation (tests/xarray_test.sh).
    need "resume-${b%%:*}-keeps-dims" ncdump && check "resume-${b%%:*}-keeps-dims" bash -c \
        "ncdump -h $(printf '%q' "$(nc_path "r.$ext")") | grep -q 'data(z, x, y)'"
done

# 3. A resume with other parameters is refused with exit 2, and the partial is left alone.
run_bg stop 2 "${ARGS[@]}" -o keep.npy
wait_for .keep.npy.partial.progress 5
kill -s USR1 "$BG"
wait "$BG"
before=$(cksum .keep.npy.partial .keep.npy.partial.progress; stat -c %Y .keep.npy.partial)
for bad in "--seed 5" "--shape 121x500x500" "--dtype float64" "--dist uniform"; do
    # shellcheck disable=SC2086
    "$SLABFILL" "${ARGS[@]}" -o keep.npy --resume $bad >/dev/null 2>bad.err
    rc=$?
    check "resume-refuses-other${bad%% *}" bash -c "[ $rc = 2 ] && grep -q 'cannot resume' \
        bad.err && [ \"$before\" = \"\$(cksum .keep.npy.partial .keep.npy.partial.progress; \
        stat -c %Y .keep.npy.partial)\" ]"
done
# A partial without a record holds nothing known to be complete (the record follows the
# partial's creation at once): --resume starts it over, and says so.
rm -f .keep.npy.partial.progress
"$SLABFILL" -q "${ARGS[@]}" -o keep.npy --resume 2>bad.err
check resume-starts-over-partial-without-record bash -c "[ $? = 0 ] && grep -q 'no progress \
record' bad.err && cmp keep.npy ref.npy && [ ! -e .keep.npy.partial ]"
check resume-without-partial-starts-fresh bash -c "$(printf '%q ' "$SLABFILL" -q "${ARGS[@]}" \
    -o fresh.npy --resume) && cmp fresh.npy ref.npy"

# 4. verify names exactly the element whose byte was flipped, in .npy and in HDF5 files.
"$SLABFILL" -q --shape 13x37x41 --dtype float64 -o v.h5
"$SLABFILL" -q --backend mpiio --shape 13x37x41 --dtype float64 -o v.npy
h5off=$("$PYTHON" -c "import h5py; print(h5py.File('v.h5')['data'].id.get_offset())")
for f in v.h5:$h5off v.npy:4096; do
    file=${f%%:*} base=${f#*:}
    off=$((base + ((5 * 37 + 7) * 41 + 11) * 8 + 3))
    printf '\377' | dd of="$file" bs=1 seek="$off" conv=notrunc 2>/dev/null
    # shellcheck disable=SC2086
    check "verify-names-flipped-byte-$file" bash -c "$(printf '%q ' $MPIRUN -n 3 "$SLABFILL" \
        verify "$file") > vr.txt; [ \$? = 1 ] && grep -q '1 mismatch; first at (z=5, x=7, y=11)' vr.txt"
done
check verify-flag-clean-run bash -c "$(printf '%q ' $MPIRUN -n 2 "$SLABFILL" --shape 13x37x41 \
    --verify -o vf.h5) | grep -q 'Verify .* 19721 values .* 0 mismatches'"

# 5. A full disk: a clear message naming the path and the space, exit 1, no file at all.
mkdir small
if mount -t tmpfs -o size=8m tmpfs small 2>/dev/null; then
    "$SLABFILL" --shape 4x1000x1000 -o small/out.h5 >/dev/null 2>full.err
    rc=$?
    check full-disk-refused-exit-1 bash -c "[ $rc = 1 ] && grep -q 'not enough space for \
small/out.h5: it needs 0.017 GB' full.err && [ -z \"\$(ls -A small)\" ]"
    umount small
else
    skip full-disk "a tmpfs cannot be mounted here (not root?)"
fi

# 6. The output directory removed mid-run: exit 1, the failing call and path named.
mkdir gone
run_bg gone 2 "${ARGS[@]}" -o gone/out.npy
wait_for gone/.out.npy.partial.progress 5
rm -rf gone 2>/dev/null || rm -rf gone 2>/dev/null
wait "$BG"
rc=$?
check output-dir-removed-midrun-fails bash -c "[ $rc = 1 ] && grep -qE 'failed: .*gone/' gone.err"

# 7. The output directory made read-only mid-run; single rank, without mpirun. Root ignores
# permission bits through CAP_DAC_OVERRIDE (and CAP_DAC_READ_SEARCH), which a user's process
# never has: as root the run drops both (setpriv), so the kernel refuses it as it would a user.
# ro_run ARGS...: slabfill in the background, as this user or, as root, without those two.
ro_run() {
    if [ "$(id -u)" = 0 ]; then
        setpriv --bounding-set=-dac_override,-dac_read_search \
            --inh-caps=-dac_override,-dac_read_search "$SLABFILL" "$@" >ro.out 2>ro.err &
    else
        "$SLABFILL" "$@" >ro.out 2>ro.err &
    fi
    BG=$!
}
if [ "$(id -u)" != 0 ] || need output-dir-readonly-midrun setpriv; then
    mkdir ro
    ro_run "${ARGS[@]}" -o ro/out.npy
    wait_for ro/.out.npy.partial.progress 5
    chmod 555 ro
    wait "$BG"
    rc=$?
    check output-dir-readonly-midrun-fails bash -c "[ $rc = 1 ] && grep -q 'Permission denied' \
        ro.err && [ ! -e ro/out.npy ]"
    chmod 755 ro
fi

# 8. One slice over 2 GiB (24000 x 24000 float32): written in buffer-sized pieces, memory
# bounded by --buffer, every value verified.
json=$("$SLABFILL" --shape 1x24000x24000 --buffer 64m --format json -o big.h5)
check slice-over-2GiB-bounded-memory "$PYTHON" -c "
import json, sys
r = json.loads(sys.argv[1])
assert r['bytes_written'] == 24000 * 24000 * 4, r
assert r['peak_rss_bytes_max'] < 250e6, r['peak_rss_bytes_max']" "$json"
check slice-over-2GiB-verifies bash -c "$(printf '%q ' "$SLABFILL") verify --buffer 64m big.h5 \
    | grep -q '576000000 values .*: 0 mismatches'"
rm -f big.h5
finish
