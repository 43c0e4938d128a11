#!/usr/bin/env bash
# backends_test.sh - every file backend, at 1, 2 and 3 ranks, on an odd shape, in float32 normal
# and float64 uniform, read back by its own independent reader (netCDF4, numpy.load, zarr) and
# compared with the spec and, bit for bit, with the hdf5 file. Also --independent, hints, the
# memory and null backends, and --compare.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1
SHAPE=13x37x41

# sameas NAME REF P ARGS...: write NAME on P ranks; it must match the spec and REF bit for bit.
sameas() {
    local name=$1 ref=$2 p=$3
    shift 3
    # shellcheck disable=SC2086 # MPIRUN is a command line
    check "$name-${p}ranks" bash -c "$(printf '%q ' $MPIRUN -n "$p" "$SLABFILL" -q -o \
        "$p-$name" "$@") && $(printf '%q ' "$PYTHON" "$TOP/tests/check_values.py" "$p-$name" \
        --shape "$SHAPE" --same-as "$ref")"
}

for t in "float32 normal" "float64 uniform"; do
    set -- $t
    dt=$1 di=$2
    check "hdf5-reference-$dt-$di" bash -c "$(printf '%q ' "$SLABFILL" -q --shape "$SHAPE" \
        --dtype "$dt" --dist "$di" -o "ref-$dt.h5") && $(printf '%q ' "$PYTHON" \
        "$TOP/tests/check_values.py" "ref-$dt.h5" --dtype "$dt" --dist "$di")"
    for b in pnetcdf:nc mpiio:npy zarr:zarr; do
        for p in 1 2 3; do
            sameas "$dt-$di.${b#*:}" "ref-$dt.h5" "$p" --backend "${b%%:*}" --shape "$SHAPE" \
                --dtype "$dt" --dist "$di"
        done
    done
done

# --independent gives identical data in every file backend.
for b in hdf5:h5 pnetcdf:nc mpiio:npy; do
    sameas "independent.${b#*:}" ref-float32.h5 3 --backend "${b%%:*}" --shape "$SHAPE" \
        --independent
done
# A buffer smaller than a slice: mpiio writes unaligned byte ranges, zarr fills chunks piecewise.
for b in mpiio:npy zarr:zarr pnetcdf:nc; do
    sameas "buffer1k.${b#*:}" ref-float32.h5 2 --backend "${b%%:*}" --shape "$SHAPE" --buffer 1k
done
# Hints from --hint and SLABFILL_HINTS reach the MPI library, and -v prints what it reports.
check hints-reported-with-v bash -c "SLABFILL_HINTS='cb_nodes=1;romio_cb_write=enable' \
    $(printf '%q ' $MPIRUN -n 2 "$SLABFILL" --backend mpiio --shape 3x4x5 -o h.npy -v \
    --hint striping_factor=4) | grep -q 'striping_factor = 4' && \
    SLABFILL_HINTS='cb_nodes=1' $(printf '%q ' $MPIRUN -n 2 "$SLABFILL" --shape 3x4x5 -o h.h5 \
    -v) | grep -q 'cb_nodes = 1'"

# A zarr store replaced with --force is complete and has no leftovers beside it.
check zarr-force-replaces-store bash -c "$(printf '%q ' "$SLABFILL" -q --backend zarr \
    --shape 3x4x5 --seed 1 -o r.zarr) && $(printf '%q ' "$SLABFILL" -q --backend zarr \
    --shape 5x4x5 --seed 2 -o r.zarr --force) && $(printf '%q ' "$PYTHON" \
    "$TOP/tests/check_values.py" r.zarr --seed 2 --shape 5x4x5) >/dev/null && \
    [ -z \"\$(ls -A | grep -E '^\\.r\\.zarr')\" ]"

# memory and null run, write nothing, and report; memory holds the array, null does not.
json() { "$SLABFILL" --shape 64x1000x1000 --format json "$@"; }
check memory-and-null-report "$PYTHON" - "$(json --backend memory)" "$(json --backend null)" <<'PY'
import json, sys
mem, null = json.loads(sys.argv[1]), json.loads(sys.argv[2])
n = 64 * 1000 * 1000 * 4
for r in (mem, null):
    assert r["bytes_written"] == n and r["file"] == "" and r["file_storage_bytes"] == 0, r
    assert r["generate_GBps"] > 0, r
assert mem["peak_rss_bytes_max"] >= n, f"memory backend peak {mem['peak_rss_bytes_max']} < {n}"
assert null["peak_rss_bytes_max"] < n / 2, f"null backend peak {null['peak_rss_bytes_max']}"
PY
check no-files-from-memory-null bash -c '! ls slab* 2>/dev/null'
check backend-without-file-refuses-o bash -c "$(printf '%q ' "$SLABFILL") --backend null \
    -o x.h5 2>&1; [ \$? = 2 ]"

# --compare prints every row on a small shape, with each row's own peak memory, and cleans up.
mkdir cmp && cd cmp || exit 1
# shellcheck disable=SC2086
check compare-prints-every-row bash -c "$(printf '%q ' $MPIRUN -n 2 "$SLABFILL" --compare \
    --shape 16x500x500) > out.txt && cat out.txt && for r in 'memory float64 (ex1)' \
    'memory float32 (ex2)' 'hdf5 (ex3)' pnetcdf 'mpiio/npy (memmap)' zarr; do \
    grep -q \"^\$r \" out.txt || { echo missing row \$r; exit 1; }; done && \
    grep -q 'clear_refs, and checked' out.txt && [ -z \"\$(ls -A | grep -v out.txt)\" ]"
# The float64 row holds 512 MB in memory, the float32 one 256 MB: their peaks must show it, and
# the file rows (no array in memory) must not carry the float64 row's peak over. AddressSanitizer
# quarantines freed memory and maps shadow memory, so resident sizes mean nothing under it.
if [ "${SANITIZE:-0}" = 1 ]; then
    skip compare-peaks-are-per-row "resident memory is not meaningful under ASan"
else
# shellcheck disable=SC2086
check compare-peaks-are-per-row bash -c "$(printf '%q ' $MPIRUN -n 2 "$SLABFILL" --compare \
    --shape 64x1000x1000 --format json --keep) > rows.jsonl && $(printf '%q ' "$PYTHON") -c '
import json
rows = [json.loads(l) for l in open(\"rows.jsonl\")]
assert len(rows) == 6, rows
peak = {r[\"approach\"]: r[\"peak_rss_bytes_sum\"] for r in rows}
f64, f32, h5 = peak[\"memory float64 (ex1)\"], peak[\"memory float32 (ex2)\"], peak[\"hdf5 (ex3)\"]
assert 200e6 < f64 - f32 < 300e6, peak
assert f64 - h5 > 400e6, peak
' && ls slabfill-compare.h5 slabfill-compare.nc slabfill-compare.npy slabfill-compare.zarr \
    >/dev/null && $(printf '%q ' "$PYTHON" "$TOP/tests/check_values.py") slabfill-compare.zarr \
    --shape 64x1000x1000 >/dev/null"
fi
# A --compare output that exists is not replaced without --force.
mkdir ../cmp2 && cd ../cmp2 || exit 1
touch slabfill-compare.npy
before=$(ls -A; cksum slabfill-compare.npy)
check compare-refuses-existing bash -c "$(printf '%q ' "$SLABFILL") --compare --shape 2x2x2 \
    2>&1 | grep -q \"output 'slabfill-compare.npy' exists\" && [ \"$before\" = \"\$(ls -A; \
    cksum slabfill-compare.npy)\" ]"
finish
