#!/usr/bin/env python3
"""summary_test.py - the summary's figures are measured, not estimated: checked against what an
independent observer sees (file size from os.stat, byte counts from the shape, peak memory that
follows the buffer size), in all three formats, and the >16-rank condensed table.

usage: summary_test.py SLABFILL MPIRUN-COMMAND-LINE
"""
import csv
import io
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

SLABFILL, MPIRUN = sys.argv[1], shlex.split(sys.argv[2])
failed = 0


def case(name, ok, why=""):
    global failed
    print(f"ok {name}" if ok else f"FAIL {name}: {why}", flush=True)
    failed += not ok


def run(n, *args):
    cmd = ([SLABFILL] if n == 0 else MPIRUN + ["-n", str(n), SLABFILL]) + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise RuntimeError(f"{cmd} exited {p.returncode}: {p.stderr}")
    return p.stdout


with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "s.h5")
    rec = json.loads(run(3, "--shape", "13x37x41", "-o", out, "--format", "json"))
    st = os.stat(out)
    n_bytes = 13 * 37 * 41 * 4
    case("json-bytes-written", rec["bytes_written"] == n_bytes, rec["bytes_written"])
    case("json-calculated-storage", rec["calculated_storage_bytes"] == n_bytes,
         rec["calculated_storage_bytes"])
    case("json-file-storage-is-stat-blocks", rec["file_storage_bytes"] == st.st_blocks * 512,
         f'{rec["file_storage_bytes"]} vs {st.st_blocks * 512}')
    case("json-ranks-and-meta", rec["ranks"] == 3 and rec["hosts"] == 1 and
         rec["backend"] == "hdf5" and rec["dtype"] == "float32" and rec["dist"] == "normal" and
         rec["shape_z"] == 13 and rec["file"] == out and
         rec["seed"] == str(0x736c616266696c6c), rec)
    case("json-times-positive", rec["elapsed_s"] > 0 and rec["write_s_max"] > 0 and
         rec["elapsed_s"] >= rec["write_s_max"], rec)
    case("json-peak-rss-plausible",
         1e6 < rec["peak_rss_bytes_max"] <= rec["peak_rss_bytes_sum"] <= 3 * rec["peak_rss_bytes_max"],
         rec)
    case("json-bandwidth-consistent",
         abs(rec["bandwidth_GBps"] - n_bytes / rec["elapsed_s"] / 1e9) <= 1e-3 * rec["bandwidth_GBps"] + 1e-6,
         rec)

    # The value kernel: the fastest this CPU runs, as /proc/cpuinfo tells it (or scalar, the
    # only kernel of a make SIMD=0 build), and the same name in the table.
    flags = set()
    if os.path.exists("/proc/cpuinfo"):
        for line in open("/proc/cpuinfo"):
            if line.startswith(("flags", "Features")):
                flags |= set(line.split(":", 1)[1].split())
    best = ("avx512" if {"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"} <= flags
            else "avx2" if "avx2" in flags
            else "neon" if os.uname().machine == "aarch64" else "scalar")
    case("json-kernel-is-the-best-this-cpu-runs", rec["kernel"] in (best, "scalar"),
         f'kernel {rec["kernel"]}, this CPU: {best}')
    table = run(1, "--shape", "4x5x6", "-o", out, "--force")
    gen = [l for l in table.splitlines() if l.startswith("Generation")]
    case("table-generation-line-names-the-kernel-and-threads",
         len(gen) == 1 and f'kernel {rec["kernel"]}, ' in gen[0] and
         " thread" in gen[0] and " per rank (" in gen[0], table)

    text = run(2, "--shape", "13x37x41", "-o", out, "--force", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    case("csv-one-record-same-keys", len(rows) == 1 and set(rows[0]) == set(rec) and
         rows[0]["ranks"] == "2" and int(rows[0]["bytes_written"]) == n_bytes, text)

    # Peak memory is measured: a 256 MB slab buffer must show up, a 16 MB one must not.
    big = json.loads(run(1, "--shape", "64x1000x1000", "-o", out, "--force", "--format", "json",
                         "--slab", "64", "--buffer", "1g"))
    small = json.loads(run(1, "--shape", "64x1000x1000", "-o", out, "--force", "--format", "json"))
    diff = big["peak_rss_bytes_max"] - small["peak_rss_bytes_max"]
    case("peak-rss-follows-buffer", 230e6 < diff < 290e6,
         f"256 MB buffer raised peak RSS by {diff / 1e6:.1f} MB")
    case("peak-rss-bounded-by-buffer-not-array", small["peak_rss_bytes_max"] < 100e6,
         f'{small["peak_rss_bytes_max"] / 1e6:.1f} MB for a 256 MB array with a 4 MB slice')

    table = run(3, "--shape", "13x37x41", "-o", out, "--force")
    want = ["Elapsed time", "Calculated storage", "Peak memory", "File storage", "Bandwidth",
            "GB = 1e9 bytes", "3 ranks on 1 host", "[0, 5)", "[5, 9)", "[9, 13)"]
    missing = [w for w in want if w not in table]
    case("table-has-seed-terms-and-rank-rows", not missing, f"missing {missing} in:\n{table}")

    table = run(17, "--shape", "20x8x8", "-o", out, "--force")
    case("table-condensed-above-16-ranks",
         "min" in table and "mean" in table and "max" in table and "[19, 20)" not in table,
         table)
    table = run(17, "--shape", "20x8x8", "-o", out, "--force", "-v")
    case("table-verbose-shows-every-rank", "   16  " in table and "[19, 20)" in table, table)

    quiet = run(0, "--shape", "2x3x4", "-o", out, "--force", "-q")
    case("quiet-prints-nothing", quiet == "", quiet)

    # --summary-file: one record per run, a header only on the first write; JSON Lines too.
    csv_path, jsonl = os.path.join(tmp, "runs.csv"), os.path.join(tmp, "runs.jsonl")
    for n in (1, 2):
        run(n, "--shape", "7x9x11", "-o", out, "--force", "-q", "--summary-file", csv_path)
        run(n, "--shape", "7x9x11", "-o", out, "--force", "-q", "--summary-file", jsonl)
    rows = list(csv.DictReader(open(csv_path)))
    lines = open(csv_path).read().splitlines()
    case("summary-file-csv-header-once", len(lines) == 3 and len(rows) == 2 and
         [r["ranks"] for r in rows] == ["1", "2"] and lines[0].startswith("version,"), lines)
    recs = [json.loads(l) for l in open(jsonl)]
    ior = {"API", "numTasks", "tasksPerNode", "blockSize", "transferSize", "bwMeanMIB",
           "MeanTime", "xsizeMiB"}
    case("summary-file-jsonl-ior-keys", len(recs) == 2 and ior <= set(recs[1]) and
         recs[1]["numTasks"] == 2 and recs[1]["API"] == "HDF5" and
         abs(recs[1]["xsizeMiB"] - 7 * 9 * 11 * 4 / 2**20) < 1e-6 and
         abs(recs[1]["MeanTime"] - recs[1]["elapsed_s"]) < 1e-6, recs)

    # File names hold what file systems allow: the table keeps its lines and shows a name that
    # would break one as a JSON string; CSV gives the name back byte for byte, JSON as UTF-8
    # (a byte that is not UTF-8 as U+FFFD). The same for slabfill verify's report.
    def run_bytes(*args, cwd=None):
        p = subprocess.run([os.path.abspath(SLABFILL)] + list(args), capture_output=True,
                           timeout=300, cwd=cwd)
        if p.returncode != 0:
            raise RuntimeError(f"{args} exited {p.returncode}: {p.stderr}")
        return p.stdout

    def shown(text):  # a name as a line of text shows it, read back (None: unreadable)
        try:
            return json.loads(text) if text.startswith(b'"') else text
        except ValueError:
            return None

    def check_name(what, label, name, table, table_lines, table_re, csv_text, json_text):
        tmp_b = os.fsencode(tmp)
        full = name if what == "verify" else os.path.join(tmp_b, name)
        m = [x for x in (re.match(table_re, l) for l in table.split(b"\n")) if x]
        case(f"{what}-table-keeps-its-lines-{label}",
             table.count(b"\n") == table_lines and len(m) == 1 and
             not re.search(rb"[\x00-\x09\x0b-\x1f]", table) and
             shown(m[0].group(1)) in (full, full.decode("utf-8", "replace")), table)
        rows = list(csv.DictReader(io.StringIO(csv_text.decode("utf-8", "surrogateescape"))))
        case(f"{what}-csv-gives-the-name-back-{label}", len(rows) == 1 and
             rows[0]["file"].encode("utf-8", "surrogateescape") == full, csv_text)
        try:
            rec = json.loads(json_text)
        except ValueError as e:
            rec = {"error": str(e)}
        case(f"{what}-json-gives-the-name-back-{label}", json_text.count(b"\n") == 1 and
             rec.get("file") == full.decode("utf-8", "replace"), json_text)

    plain_table = run_bytes("--backend", "mpiio", "--shape", "2x3x4", "-o",
                            os.path.join(tmp, "plain.npy"))
    plain_verify = run_bytes("verify", os.path.join(tmp, "plain.npy"))
    for label, name in [("quote-comma-backslash-newline-tab", b'a"b,c\\d\ne\tf.npy'),
                        ("utf8", "caf\u00e9 \u20ac.npy".encode()),
                        ("latin1-byte", b"latin-1 caf\xe9.npy"),
                        ("leading-quote", b'"quoted".npy'), ("escape", b"esc \x1b[1mbold.npy")]:
        path = os.path.join(os.fsencode(tmp), name)
        outs = [run_bytes("--backend", "mpiio", "--shape", "2x3x4", "-o", path, "--force",
                          "--format", f) for f in ("table", "csv", "json")]
        check_name("summary", label, name, outs[0], plain_table.count(b"\n"),
                   rb"\d+ ranks? on \d+ hosts?, backend mpiio, file (.*), slab 1$", *outs[1:])
        vouts = [run_bytes("verify", "--format", f, name, cwd=tmp)
                 for f in ("table", "csv", "json")]
        check_name("verify", label, name, vouts[0], plain_verify.count(b"\n"),
                   rb"slabfill verify: (.*) \(mpiio\): 2x3x4 float32 normal", *vouts[1:])
        os.unlink(path)

    # Progress: one updating line on a terminal, nothing off a terminal or with -q.
    import pty
    master, slave = pty.openpty()
    p = subprocess.Popen([SLABFILL, "--shape", "40x500x500", "-o", out, "--force",
                          "--checkpoint", "0"], stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    p.wait()
    os.close(master)
    case("progress-line-on-a-terminal", p.returncode == 0 and b"/40 slices" in seen and
         b"ETA" in seen and b"40/40 slices" in seen, seen[-300:])
    piped = subprocess.run([SLABFILL, "--shape", "40x500x500", "-o", out, "--force"],
                           capture_output=True, text=True)
    case("no-progress-off-a-terminal", "ETA" not in piped.stderr and piped.stderr == "",
         piped.stderr)

sys.exit(1 if failed else 0)
