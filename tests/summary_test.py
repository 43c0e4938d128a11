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
    case("table-generation-line-names-the-kernel",
         len(gen) == 1 and gen[0].endswith(f'kernel {rec["kernel"]}'), table)

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
