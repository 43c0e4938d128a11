#!/usr/bin/env bash
# bench_table_test.sh - scripts/bench-table, which makes the README's and docs/performance.md's
# bench tables from a results file of bench/run: the rows and the line saying what made them
# come out as given, --sections and --targets keep what they name, --readme replaces only what
# lies between the markers; a malformed results file or a file without its markers is one line
# and exit 2, and the file to write is left as it was. (The figures in the results file here are
# made up: what is tested is the table, not a measurement.)
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1
T=$TOP/scripts/bench-table
cat >r.json <<'JSON'
{"settings": {"BENCH": "full", "REPS": 3, "NP": 2, "BENCH_ONLY": null, "host": "box",
  "machine": "x86_64", "cores": 2, "cpu": "Some CPU", "kernel": "avx2", "commit": "abc1234",
  "seconds": 1234.5, "date": "2026-01-02", "ior": {"binary": "/x/ior", "version": "4.1.0+dev"}},
 "rows": [
  {"section": "1 generation", "figure": "float32 normal (avx2 kernel)", "measured": 3.5,
   "unit": "GB/s", "target": ">= 3.0", "ratio": 1.1667, "ok": true, "how": "slabfill a|b"},
  {"section": "6 library", "figure": "XXH3-64", "measured": 14.0, "unit": "GB/s",
   "target": "(reported)", "ratio": null, "ok": null, "how": "lib_bench"},
  {"section": "8 IOR", "figure": "hdf5 / IOR", "measured": 1.5, "unit": "x", "target": ">= 2.5",
   "ratio": 0.6, "ok": false, "how": "ior -a HDF5"}]}
JSON
out=$("$PYTHON" "$T" r.json 2>&1)
grep -qxF '| 1 generation | float32 normal (avx2 kernel) | 3.500 GB/s | >= 3.0 | 1.17 | ok | slabfill a\|b |' <<<"$out" &&
    grep -qxF '| 8 IOR | hdf5 / IOR | 1.500 x | >= 2.5 | 0.60 | MISS | ior -a HDF5 |' <<<"$out" &&
    grep -qF '| 6 library | XXH3-64 | 14.000 GB/s | (reported) |  |  | lib_bench |' <<<"$out" &&
    tr '\n' ' ' <<<"$out" | grep -qF 'Measured by `BENCH=full REPS=3 BENCH_NP=2 make bench` on 2026-01-02: host box (x86_64, 2 cores, CPU Some CPU), value kernel avx2, slabfill at abc1234, IOR 4.1.0+dev, 1234 s'
verdict=$?
if [ $verdict = 0 ]; then ok bench-table-rows-and-provenance; else fail bench-table-rows-and-provenance "$out"; fi
out=$("$PYTHON" "$T" r.json --sections 8 --short)
n=$(grep -c '^| [0-9]' <<<"$out")
if [ "$n" = 1 ] && grep -qxF '| 8 IOR | hdf5 / IOR | 1.500 x | >= 2.5 | 0.60 | MISS |' <<<"$out"; then
    ok bench-table-sections-short
else
    fail bench-table-sections-short "$out"
fi
out=$("$PYTHON" "$T" r.json --targets --short)
if [ "$(grep -c '^| [0-9]' <<<"$out")" = 2 ] && ! grep -q XXH3 <<<"$out"; then
    ok bench-table-targets-only
else
    fail bench-table-targets-only "$out"
fi
printf 'intro\n<!-- bench-table:begin -->\nold table\n<!-- bench-table:end -->\nafter\n' >doc.md
"$PYTHON" "$T" r.json --targets --short --readme doc.md
if [ "$(head -2 doc.md)" = "intro
<!-- bench-table:begin -->" ] && [ "$(tail -2 doc.md)" = "<!-- bench-table:end -->
after" ] && ! grep -q "old table" doc.md && grep -qF '| 8 IOR | hdf5 / IOR |' doc.md; then
    ok bench-table-readme-between-markers
else
    fail bench-table-readme-between-markers "$(cat doc.md)"
fi
# Malformed results and a file without markers: one line, exit 2, nothing written.
cp doc.md keep.md
bad() { "$PYTHON" - "$1" <<'PY'
import json, sys
d = json.load(open("r.json"))
case = sys.argv[1]
if case == "missing-key": del d["rows"][0]["ratio"]
if case == "nan": d["rows"][0]["measured"] = float("nan")
if case == "string-ratio": d["rows"][2]["ratio"] = "0.6"
if case == "no-settings": del d["settings"]
if case == "list": d = [d]
json.dump(d, open("bad.json", "w"))
PY
}
for c in missing-key nan string-ratio no-settings list; do
    bad "$c"
    out=$("$PYTHON" "$T" bad.json --readme doc.md 2>&1)
    rc=$?
    if [ "$rc" = 2 ] && [ "$(wc -l <<<"$out")" = 1 ] && grep -q '^bench-table: bad.json' <<<"$out" &&
        cmp -s doc.md keep.md; then
        ok "bench-table-refuses-$c"
    else
        fail "bench-table-refuses-$c" "exit $rc: $out"
    fi
done
echo 'no markers here' >plain.md
out=$("$PYTHON" "$T" r.json --readme plain.md 2>&1)
rc=$?
if [ "$rc" = 2 ] && grep -q "needs one line <!-- bench-table:begin -->" <<<"$out" &&
    [ "$(cat plain.md)" = "no markers here" ]; then
    ok bench-table-refuses-a-file-without-markers
else
    fail bench-table-refuses-a-file-without-markers "exit $rc: $out"
fi
finish
