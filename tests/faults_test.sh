#!/usr/bin/env bash
# faults_test.sh - the faults users meet, each made for real: a SIGKILL at every step of a run
# (tests/slabfill-faults dies exactly there: SLABFILL_FAULT, include/sf_fault.h), then a resume
# on 1, 2 and 3 ranks that must give the bytes of an uninterrupted run; a file system that fills
# up mid-run; two jobs on one output; links planted under slabfill's names; damaged partials and
# lying or malformed progress records; crafted files handed to verify; paths too long for
# MPI-IO. Every backend.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1
FAULTS=$TOP/tests/slabfill-faults
SH=12x60x70 # small and quick; 12 slices so that kills land between units
BACKENDS="hdf5:h5 pnetcdf:nc mpiio:npy zarr:zarr"
# Whatever a test leaves running is killed by the PIDs it started, never by a pattern.
BGPIDS=()
cleanup() {
    local p
    for p in "${BGPIDS[@]}"; do
        signal_tree KILL "$p"
        kill -KILL "$p" 2>/dev/null
    done
    for m in "$SCRATCH"/*/; do mountpoint -q "$m" 2>/dev/null && umount -l "$m"; done
    rm -rf "$SCRATCH"
}
trap cleanup EXIT

# same FILE REF: the two hold the same array, byte for byte. HDF5 files carry an object's
# modification time, so for them the data and attributes are compared, not the file; the
# dimension scales by name, since DIMENSION_LIST holds references that equal only themselves.
same() {
    case "$1" in
    *.h5) "$PYTHON" - "$1" "$2" <<'EOF'
import sys, h5py, numpy
a, b = (h5py.File(p, "r")["data"] for p in sys.argv[1:3])
assert a[...].tobytes() == b[...].tobytes(), "data differ"
assert sorted(a.attrs) == sorted(b.attrs), "attribute names differ"
assert all(numpy.array_equal(a.attrs[k], b.attrs[k]) for k in a.attrs
           if k != "DIMENSION_LIST"), "attributes differ"
names = lambda d: [[dim[i].name for i in range(len(dim))] for dim in d.dims]
assert names(a) == names(b), "dimension scales differ"
EOF
        ;;
    *.zarr) diff -r "$1" "$2" >/dev/null ;;
    *) cmp -s "$1" "$2" ;;
    esac
}
# faulty P SPEC ARGS...: the fault build on P ranks, killed (or paused) at SPEC; waits for it.
faulty() {
    local p=$1 spec=$2
    shift 2
    # shellcheck disable=SC2086 # MPIRUN is a command line
    SLABFILL_FAULT=$spec $MPIRUN -n "$p" "$FAULTS" "$@" >/dev/null 2>&1
}
# resume_ok NAME P ARGS...: --resume on P ranks exits 0 and leaves no partial or record.
resume_ok() {
    local name=$1 p=$2 out
    shift 2
    out=$(mpi "$p" -q "$@" --resume 2>&1) || { fail "$name" "resume failed: $out"; return 1; }
    return 0
}

# verdict NAME STATUS [WHY]: ok when STATUS is 0.
verdict() { if [ "$2" = 0 ]; then ok "$1"; else fail "$1" "${3:-see $PWD}"; fi; }
# resumed NAME P EXT ARGS...: --resume on P ranks gives the reference's bytes and leaves nothing.
resumed() {
    local name=$1 p=$2 ext=$3 out
    shift 3
    out=$(mpi "$p" -q "$@" -o "out.$ext" --resume 2>&1) &&
        same "out.$ext" "$SCRATCH/ref.$ext" && [ ! -e ".out.$ext.partial" ] &&
        [ ! -e ".out.$ext.partial.progress" ] && [ ! -e ".out.$ext.lock" ]
}

# ---- 1. A SIGKILL at every step, on every backend; resume on 1, 2 and 3 ranks ---------------
# --checkpoint 0 records after every unit, so record:N is the N-th record exactly.
STEPS="create:1 record:1 unit:2 record:3 unit:5 commit:1 committed:1"
# One backend's kills and resumes; the four run side by side (each waits mostly on process
# start-up and teardown), each reporting into its own log.
kills() {
    local b=$1 be ext d st p f step A
    be=${b%%:*} ext=${b#*:}
    A=(--backend "$be" --shape "$SH" --checkpoint 0)
    mpi 2 -q "${A[@]}" -o "ref.$ext" || fail "ref-$be" "the uninterrupted run failed"
    for step in $STEPS; do
        d="$SCRATCH/k-$be-$step"
        mkdir -p "$d" && cd "$d" || exit 1
        faulty 2 "$step" "${A[@]}" -o "out.$ext"
        st=0
        [ "$step" = committed:1 ] || [ ! -e "out.$ext" ] || st=1 # never a file too early
        for p in 1 2 3; do # each resume from its own copy of what the kill left
            mkdir "r$p" && for f in .out.* out.*; do [ -e "$f" ] && cp -a "$f" "r$p/"; done
            (cd "r$p" && resumed "" "$p" "$ext" "${A[@]}") || st=1
        done
        verdict "kill-$be-at-$step-resumes-identical-on-1-2-3" $st
        cd "$SCRATCH" || exit 1
        [ $st = 0 ] && rm -rf "$d"
    done
    # A kill during a resume, then a resume of that on another rank count; and one rank alone
    # killed (a node lost), the others taken down by mpirun.
    d="$SCRATCH/kr-$be"
    mkdir -p "$d" && cd "$d" || exit 1
    faulty 2 unit:2 "${A[@]}" -o "out.$ext"
    faulty 3 unit:1 "${A[@]}" -o "out.$ext" --resume
    resumed "" 1 "$ext" "${A[@]}"
    verdict "kill-$be-during-resume-then-resume-identical" $?
    rm -rf out.* .out.*
    SLABFILL_FAULT_RANK=1 faulty 2 unit:3 "${A[@]}" -o "out.$ext"
    [ ! -e "out.$ext" ] && resumed "" 3 "$ext" "${A[@]}"
    verdict "one-rank-of-2-killed-$be-resumes-identical-on-3" $?
    cd "$SCRATCH" || exit 1
}
for b in $BACKENDS; do
    (FAILED=0; kills "$b" >"kills-${b%%:*}.log" 2>&1) &
    BGPIDS+=($!)
done
wait
for b in $BACKENDS; do
    cat "kills-${b%%:*}.log"
    FAILED=$((FAILED + $(grep -c '^FAIL' "kills-${b%%:*}.log")))
done
BGPIDS=()

# ---- 2. The file system fills up mid-run ------------------------------------------------------
# A 24 MB tmpfs and a 10 MB array: the space check passes, then, once the first record exists
# (the run paused there: SLABFILL_FAULT=record:1:pause), another writer takes what is left. The
# run must fail with exit 1 and put nothing under the final name; once space is back, --resume
# finishes it to the reference's bytes.
FULL=(--shape 40x250x250)
for b in $BACKENDS; do
    be=${b%%:*} ext=${b#*:}
    if [ "$(id -u)" != 0 ]; then skip "disk-full-$be" "mounting a small tmpfs needs root"; continue; fi
    mpi 2 -q --backend "$be" "${FULL[@]}" -o "fullref.$ext"
    mkdir -p "full-$be"
    if ! mount -t tmpfs -o size=24m tmpfs "full-$be" 2>/dev/null; then
        skip "disk-full-$be" "a tmpfs cannot be mounted here"
        continue
    fi
    cd "full-$be" || exit 1
    # shellcheck disable=SC2086
    SLABFILL_FAULT=record:1:pause SLABFILL_FAULT_GO=$PWD/go $MPIRUN -n 2 "$FAULTS" \
        --backend "$be" "${FULL[@]}" -o "out.$ext" >../full.out 2>../full.err &
    pid=$!
    BGPIDS+=("$pid")
    for _ in $(seq 3000); do [ -e ".out.$ext.partial.progress" ] && break; sleep 0.01; done
    dd if=/dev/zero of=filler bs=1M count=24 2>/dev/null
    touch go
    wait "$pid"
    rc=$?
    [ "$rc" = 1 ] && [ ! -e "out.$ext" ] && grep -qE 'short write|No space left|lost|not complete|write failed' ../full.err
    verdict "disk-full-$be-fails-exit-1-no-final-file" $? "exit $rc; $(grep -v '^mca_' ../full.err | head -3)"
    rm -f filler go
    out=$(mpi 1 -q --backend "$be" "${FULL[@]}" -o "out.$ext" --resume 2>&1) &&
        same "out.$ext" "../fullref.$ext"
    verdict "disk-full-$be-then-resume-identical" $? "$out"
    cd "$SCRATCH" && umount "full-$be"
    rm -rf "full-$be" "fullref.$ext"
done

# ---- 3. Two jobs on one output ----------------------------------------------------------------
# Job A pauses after its second record; while it holds the output, job B is refused whatever it
# asks (plain, --force, --resume), naming A's host and pid, and A's partial is not touched.
J=(--backend mpiio --shape "$SH" --checkpoint 0)
mkdir jobs && cd jobs || exit 1
# shellcheck disable=SC2086
SLABFILL_FAULT=record:2:pause SLABFILL_FAULT_GO=$PWD/go $MPIRUN -n 2 "$FAULTS" "${J[@]}" \
    -o out.npy >a.out 2>a.err &
pid=$!
BGPIDS+=("$pid")
for _ in $(seq 3000); do [ "$(sed -n 's/^done //p' .out.npy.partial.progress 2>/dev/null | tr -cd 1 | wc -c)" -ge 1 ] && break; sleep 0.01; done
before=$(cksum .out.npy.partial .out.npy.partial.progress)
for extra in "" --force --resume; do
    # shellcheck disable=SC2086
    out=$(mpi 2 "${J[@]}" -o out.npy $extra 2>&1)
    rc=$?
    [ "$rc" = 2 ] && grep -q "being written by another slabfill job (host $(hostname), pid" <<<"$out" &&
        [ "$before" = "$(cksum .out.npy.partial .out.npy.partial.progress)" ] && [ ! -e out.npy ]
    verdict "second-job${extra:+-$extra}-refused-while-first-runs" $? "exit $rc: $out"
done
touch go
wait "$pid"
[ $? = 0 ] && same out.npy ../ref.npy
verdict first-job-finishes-intact $?
# Two plain jobs started together: one writes the file, the other is refused (or finds it
# done); the file is always the reference's.
st=0
for i in 1 2 3 4 5; do
    rm -f out.npy out.npy.xxh3
    mpi 2 -q "${J[@]}" -o out.npy 2>b1.err &
    p1=$!
    mpi 2 -q "${J[@]}" -o out.npy 2>b2.err &
    p2=$!
    wait "$p1"
    r1=$?
    wait "$p2"
    r2=$?
    { [ "$r1$r2" = 02 ] || [ "$r1$r2" = 20 ]; } && same out.npy ../ref.npy || st=1
done
verdict two-jobs-started-together-one-wins-file-intact $st "exits $r1 $r2: $(cat b1.err b2.err)"
# A job killed with SIGKILL leaves its lock file, but no lock: the next --resume takes over.
rm -f out.npy out.npy.xxh3
faulty 2 unit:3 "${J[@]}" -o out.npy
[ -e .out.npy.lock ] && resumed "" 2 npy "${J[@]}"
verdict stale-lock-of-killed-job-taken-over-by-resume $?
cd "$SCRATCH" || exit 1

# ---- 4. Links planted under slabfill's names --------------------------------------------------
# In a world-writable directory another user (nobody) plants a link to a file only we may
# write. No run may write through it, whatever options it has; the victim stays as it was.
mkdir -m 1777 shared && cd shared || exit 1
echo "precious, 15 b" >../victim && chmod 600 ../victim
V=$(cksum <../victim)
plant() { # plant NAME: NAME -> ../victim, owned by nobody where we are root
    # chown -h, not ln run as nobody: nobody may not be able to run anything here (a root
    # directory of mode 0700, as in a chroot made by mktemp -d), and a plant that silently
    # failed would test nothing.
    ln -s "$SCRATCH/victim" "$1" || return 1
    if [ "$(id -u)" = 0 ]; then chown -h 65534:65534 "$1" || return 1; fi
    [ -L "$1" ] || { echo "faults_test: could not plant the link $1" >&2; return 1; }
}
P=(--backend hdf5 --shape "$SH")
for name in .out.h5.partial .out.h5.partial.progress .out.h5.partial.progress.tmp .out.h5.lock; do
    for extra in "" --resume; do
        rm -rf .out.h5* out.h5
        plant "$name"
        # shellcheck disable=SC2086
        out=$(mpi 2 "${P[@]}" -o out.h5 $extra 2>&1)
        rc=$?
        [ "$rc" = 2 ] && [ "$V" = "$(cksum <../victim)" ] && [ -L "$name" ] && [ ! -e out.h5 ]
        verdict "planted-link-$name${extra:+-$extra}-refused-victim-intact" $? "exit $rc: $out"
    done
done
# With --force a planted partial, record or temporary file is removed (the link itself, not
# what it points to) and the run goes on.
for name in .out.h5.partial .out.h5.partial.progress .out.h5.partial.progress.tmp; do
    rm -rf .out.h5* out.h5
    plant "$name" && out=$(mpi 2 -q "${P[@]}" -o out.h5 --force 2>&1) &&
        [ ! -L "$name" ] && [ "$V" = "$(cksum <../victim)" ] &&
        same out.h5 ../ref.h5
    verdict "planted-link-$name-force-removes-link-victim-intact" $? "$out"
done
# The final name as a link: refused without --force; with it the link is replaced, not followed.
rm -rf .out.h5* out.h5
plant out.h5
out=$(mpi 2 "${P[@]}" -o out.h5 2>&1)
[ $? = 2 ] && [ -L out.h5 ] && [ "$V" = "$(cksum <../victim)" ]
verdict planted-link-final-name-refused $? "$out"
out=$(mpi 2 -q "${P[@]}" -o out.h5 --force 2>&1) && [ ! -L out.h5 ] &&
    [ "$V" = "$(cksum <../victim)" ] && same out.h5 ../ref.h5
verdict planted-link-final-name-force-replaces-link-only $? "$out"
cd "$SCRATCH" || exit 1

# ---- 5. Damaged partials, lying and malformed records ----------------------------------------
# A run killed after its fifth record; then the partial or its record is damaged the way a user
# (or a crash, or another program) could, and --resume must never rename a broken file.
stopped() { # stopped BE EXT: a fresh killed run in the current directory
    rm -rf .out.* out.*
    faulty 2 record:5 --backend "$1" --shape "$SH" --checkpoint 0 -o "out.$2"
}
mkdir damage && cd damage || exit 1
for dmg in "mpiio:npy:truncate -s 0 .out.npy.partial" \
           "pnetcdf:nc:truncate -s 8192 .out.nc.partial" \
           "zarr:zarr:rm .out.zarr.partial/data/.zarray" \
           "hdf5:h5:truncate -s 1024 .out.h5.partial" \
           "mpiio:npy:dd if=/dev/zero of=.out.npy.partial bs=4096 count=1 conv=notrunc" \
           "zarr:zarr:rm .out.zarr.partial/data/1.0.0"; do
    IFS=: read -r be ext how <<<"$dmg"
    stopped "$be" "$ext"
    $how 2>/dev/null
    out=$(mpi 2 -q --backend "$be" --shape "$SH" --checkpoint 0 -o "out.$ext" --resume 2>&1)
    [ $? = 0 ] && grep -q "starting it over" <<<"$out" && same "out.$ext" "$SCRATCH/ref.$ext"
    verdict "damaged-partial-$be-${how%% *}-started-over-identical" $? "$out"
done
# A record that claims slices never written (all 12 done, made-up digests): the partial does
# not hold them (it is short, or has holes, or lacks chunk files), so it is started over. One
# digest wrong in a record whose slices are all there: the resume reads the claimed slices
# back and writes again the one that differs.
for be in mpiio:npy hdf5:h5 zarr:zarr pnetcdf:nc; do
    ext=${be#*:} be=${be%%:*}
    stopped "$be" "$ext"
    "$PYTHON" - ".out.$ext.partial.progress" <<'EOF'
import sys
p = sys.argv[1]
lines = open(p).read().split("\n")
d = next(i for i, l in enumerate(lines) if l.startswith("done "))
z = len(lines[d]) - 5
lines[d] = "done " + "1" * z
lines[d + 1] = "xxh3 " + "0123456789abcdef" * z
open(p, "w").write("\n".join(lines))
EOF
    out=$(mpi 3 -q --backend "$be" --shape "$SH" --checkpoint 0 -o "out.$ext" --resume 2>&1)
    [ $? = 0 ] && grep -q "does not hold what its record claims" <<<"$out" &&
        same "out.$ext" "$SCRATCH/ref.$ext"
    verdict "lying-record-$be-claims-unwritten-slices-started-over-identical" $? "$out"
done
stopped mpiio npy
"$PYTHON" - .out.npy.partial.progress <<'EOF'
import sys
p = sys.argv[1]
t = open(p).read()
i = t.index("xxh3 ") + 5
open(p, "w").write(t[:i] + ("0" if t[i] != "0" else "1") + t[i + 1:])
EOF
out=$(mpi 2 -q --backend mpiio --shape "$SH" --checkpoint 0 -o out.npy --resume 2>&1)
[ $? = 0 ] && grep -q "note: 1 of the [0-9]* slices" <<<"$out" && same out.npy "$SCRATCH/ref.npy"
verdict lying-record-one-digest-rewrites-that-slice $? "$out"
# Malformed records are refused with exit 2, one line, the partial and record untouched.
R=.out.npy.partial.progress
while IFS='|' read -r name edit expect; do
    stopped mpiio npy
    sed -i "$edit" "$R"
    before=$(cksum .out.npy.partial "$R")
    out=$(mpi 2 --backend mpiio --shape "$SH" --checkpoint 0 -o out.npy --resume 2>&1)
    rc=$?
    [ $rc = 2 ] && [ "$(grep -c '^slabfill' <<<"$out")" = 1 ] && grep -q -- "$expect" <<<"$out" &&
        [ "$before" = "$(cksum .out.npy.partial "$R")" ] && [ ! -e out.npy ]
    verdict "malformed-record-$name-refused" $? "exit $rc: $out"
done <<'LIST'
dtype-float16|s/^dtype float32/dtype float16/|dtype is 'float16'
distribution-gaussian|s/^distribution normal/distribution gaussian/|distribution is 'gaussian'
shape-too-many-slices|s/^shape .*/shape 1000000000000x1x1/|more than the 12 expected
seed-negative|s/^seed .*/seed -1/|seed is '-1'
format-1-of-0.3.0|s/^slabfill-progress 2/slabfill-progress 1/|first line
digests-missing|/^xxh3/d|done and xxh3
done-flag-not-0-or-1|s/^done 1/done 2/|done and xxh3
backend-uppercase|s/^backend mpiio/backend MPIIO/|backend
lines-out-of-order|1{h;d};2{G}|first line
LIST
stopped mpiio npy
rm "$R" && mkfifo "$R"
out=$(timeout 60 "$SLABFILL" --backend mpiio --shape "$SH" -o out.npy --resume 2>&1)
[ $? = 2 ] && grep -q "FIFO" <<<"$out"
verdict record-that-is-a-fifo-refused-no-hang $? "$out"
cd "$SCRATCH" || exit 1

# ---- 6. Crafted files handed to verify ---------------------------------------------------------
# Each is refused with exit 2 and one line, in bounded time, without a crash (make check
# SANITIZE=1 runs these under AddressSanitizer too).
mkdir crafted && cd crafted || exit 1
mpi 1 -q --shape 4x5x6 -o good.h5 && mpi 1 -q --backend pnetcdf --shape 4x5x6 -o good.nc &&
    mpi 1 -q --backend mpiio --shape 4x5x6 -o good.npy &&
    mpi 1 -q --backend zarr --shape 4x5x6 -o good.zarr || fail crafted-setup "slabfill failed"
"$PYTHON" - <<'EOF' || fail crafted-files "python could not make them"
import json, os, shutil, h5py, netCDF4, numpy as np
def h5(name, key, value):
    shutil.copy("good.h5", name)
    with h5py.File(name, "r+") as f:
        if key is None:
            del f["data"]
            f.create_group("data")
            return
        del f["data"].attrs[key]
        f["data"].attrs[key] = value
h5("seed-2-elements.h5", "seed", np.array([1, 2], np.uint64))
h5("shape-5-elements.h5", "shape", np.arange(1, 6, dtype=np.uint64))
h5("dtype-string-array.h5", "dtype", np.array([b"float32", b"float64"]))
h5("seed-int64.h5", "seed", np.int64(5))
h5("data-is-a-group.h5", None, None)
# h5py writes str attributes as variable-length strings: still a valid slabfill file.
h5("vlen-strings-valid.h5", "dtype", "float32")
for name, fn in [("seed-1000-elements.nc", lambda v: v.setncattr("seed", np.arange(1000, dtype=np.uint64))),
                 ("shape-as-text.nc", lambda v: v.setncattr("shape", "4x5x6"))]:
    shutil.copy("good.nc", name)
    with netCDF4.Dataset(name, "r+") as f:
        fn(f["data"])
def npy(name, dict_text, comment, data_bytes):
    hdr = (dict_text + " # slabfill " + comment).ljust(4096 - 11) + "\n"
    with open(name, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + (4086).to_bytes(2, "little") + hdr.encode())
        f.write(b"\0" * data_bytes)
words = open("good.npy", "rb").read(4096).decode("latin1").split("# slabfill ")[1].split()
meta = dict(w.split("=", 1) for w in words)
def comment(**kw):
    return " ".join(f"{k}={kw.get(k, v)}" for k, v in meta.items())
npy("claims-8e16-values.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (20000, 200000, 20000), }",
    comment(shape="20000x200000x20000"), 4096)
npy("offsets-wrap.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 2, 2), }",
    comment(shape="4611686018427387904x2x2", dtype="float64"), 0)
npy("numpy-reads-int32.npy", "{'descr': '<i4', 'fortran_order': False, 'shape': (4, 3, 2), }",
    comment(), 96)
npy("fortran-order.npy", "{'descr': '<f4', 'fortran_order': True, 'shape': (4, 5, 6), }", comment(), 480)
npy("big-endian.npy", "{'descr': '>f4', 'fortran_order': False, 'shape': (4, 5, 6), }", comment(), 480)
def zarr(name, path, edit):
    shutil.copytree("good.zarr", name)
    p = os.path.join(name, path)
    if edit is None:
        os.remove(p)
        return
    d = json.load(open(p))
    edit(d)
    json.dump(d, open(p, "w"))
zarr("no-zarray.zarr", "data/.zarray", None)
zarr("compressed.zarr", "data/.zarray", lambda d: d.update(compressor={"id": "blosc"}))
zarr("int32.zarr", "data/.zarray", lambda d: d.update(dtype="<i4"))
zarr("shape-disagrees.zarr", "data/.zarray", lambda d: d.update(shape=[4, 5, 7], chunks=[1, 5, 7]))
zarr("seed-as-string.zarr", "data/.zattrs", lambda d: d.update(seed="5"))
zarr("seed-negative.zarr", "data/.zattrs", lambda d: d.update(seed=-5))
shutil.copytree("good.zarr", "deep-json.zarr")
open("deep-json.zarr/data/.zattrs", "w").write("[" * 100000)
shutil.copytree("good.zarr", "chunk-link.zarr")
os.remove("chunk-link.zarr/data/2.0.0")
os.symlink("/etc/passwd", "chunk-link.zarr/data/2.0.0")
os.mkfifo("a-fifo.npy")
EOF
for f in seed-2-elements.h5 shape-5-elements.h5 dtype-string-array.h5 seed-int64.h5 \
         data-is-a-group.h5 seed-1000-elements.nc shape-as-text.nc claims-8e16-values.npy \
         offsets-wrap.npy numpy-reads-int32.npy fortran-order.npy big-endian.npy no-zarray.zarr \
         compressed.zarr int32.zarr shape-disagrees.zarr seed-as-string.zarr seed-negative.zarr \
         deep-json.zarr chunk-link.zarr a-fifo.npy; do
    out=$(timeout 60 "$SLABFILL" verify "$f" 2>&1)
    rc=$?
    [ $rc = 2 ] && [ "$(grep -c . <<<"$out")" = 1 ]
    verdict "verify-refuses-crafted-$f" $? "exit $rc: $out"
done
out=$(mpi 2 verify vlen-strings-valid.h5 2>&1)
verdict verify-accepts-vlen-string-attributes $? "$out"
# A hole punched into a valid file: a write that never reached the disk.
if need verify-finds-a-hole fallocate; then
    cp good.npy holed.npy && fallocate -p -o 4096 -l 4096 holed.npy
    out=$("$SLABFILL" verify holed.npy 2>&1)
    [ $? = 2 ] && grep -q "hole" <<<"$out"
    verdict verify-finds-a-hole $? "$out"
fi
cd "$SCRATCH" || exit 1

# ---- 7. Paths too long -------------------------------------------------------------------------
# Refused up front, naming the limit, before Open MPI sees a path it would abort on.
mkdir -p long && cd long || exit 1
name=$(printf 'n%.0s' $(seq 240))
out=$("$SLABFILL" --backend zarr --shape 2x3x4 -o "$name.zarr" 2>&1)
[ $? = 2 ] && grep -q "at most 233" <<<"$out" && [ -z "$(ls -A)" ]
verdict long-base-name-refused-naming-limit $? "$out"
deep=$(printf 'd%.0s' $(seq 120))
mkdir -p "$deep/$deep"
out=$("$SLABFILL" --shape 2x3x4 -o "$deep/$deep/x.h5" 2>&1)
[ $? = 2 ] && grep -q "at most 229 with this backend" <<<"$out" && [ -z "$(ls -A "$deep/$deep")" ]
verdict long-mpiio-path-refused-naming-limit $? "$out"
mpi 1 -q --backend zarr --shape 2x3x4 -o "$deep/$deep/ok.zarr"
verdict long-path-fine-for-zarr $?
cp ../crafted/good.npy "$deep/$deep/good.npy"
out=$("$SLABFILL" verify "$PWD/$deep/$deep/good.npy" 2>&1)
[ $? = 2 ] && grep -q "MPI-IO in Open MPI 4 opens at most 238" <<<"$out"
verdict verify-long-path-refused $? "$out"
cd "$SCRATCH" || exit 1

# ---- 8. The smaller ones ------------------------------------------------------------------------
mkdir small && cd small || exit 1
# zarr with --no-sync records a slice only after its chunk is synced: at every rename of the
# record, every chunk written so far has been fsynced since its last write (strace -y names
# the files behind the descriptors).
if need zarr-no-sync-records-only-synced-chunks strace; then
    strace -f -y -e trace=pwrite64,fsync,rename -o trace.txt "$SLABFILL" -q --backend zarr \
        --shape 8x50x60 --buffer 4k --no-sync --checkpoint 0 -o ns.zarr
    "$PYTHON" - trace.txt <<'EOF'
import re, sys
last_write, synced, renames, bad = {}, {}, 0, []
for i, line in enumerate(open(sys.argv[1])):
    m = re.search(r'(pwrite64|fsync)\(\d+<([^>]*\.0\.0)>', line)
    if m and "= -1" not in line:
        (last_write if m.group(1) == "pwrite64" else synced)[m.group(2)] = i
    if "rename(" in line and ".progress.tmp" in line:
        renames += 1
        bad += [c for c, w in last_write.items() if synced.get(c, -1) < w]
assert renames > 8 and not bad, (renames, bad[:3])
EOF
    verdict zarr-no-sync-records-only-synced-chunks $?
fi
# zarr --force replaces only a Zarr store, never another directory, and never a user's own
# file named like the old store's temporary name.
mkdir -p notastore.zarr/mine && echo keep >notastore.zarr/mine/file
out=$("$SLABFILL" --backend zarr --shape 2x3x4 --force -o notastore.zarr 2>&1)
[ $? = 2 ] && grep -q "not a Zarr store" <<<"$out" && [ -e notastore.zarr/mine/file ]
verdict zarr-force-refuses-a-directory-that-is-not-a-store $? "$out"
mpi 1 -q --backend zarr --shape 2x3x4 --seed 1 -o st.zarr && mkdir .st.zarr.old &&
    echo mine >.st.zarr.old/file &&
    mpi 2 -q --backend zarr --shape 2x3x4 --seed 2 --force -o st.zarr &&
    [ -e .st.zarr.old/file ] && grep -q '"seed": 2' st.zarr/data/.zattrs &&
    [ -z "$(ls -d .st.zarr.old.* 2>/dev/null)" ]
verdict zarr-force-replaces-store-leaves-users-old-dir $?
# A kill at the rename of a replacing store leaves the old store whole under its name.
faulty 2 commit:1 --backend zarr --shape 2x3x4 --seed 3 --force -o st.zarr
grep -q '"seed": 2' st.zarr/data/.zattrs && mpi 1 -q --backend zarr --shape 2x3x4 --seed 3 \
    -o st.zarr --resume --force 2>/dev/null; grep -q '"seed": 3' st.zarr/data/.zattrs
verdict zarr-kill-at-replace-keeps-old-store-whole $?
# verify's CSV and JSON quote a file name the way those formats require; -q prints nothing.
name=$'a"b,c\\d\ne.npy'
mpi 1 -q --backend mpiio --shape 2x3x4 -o "$name"
"$SLABFILL" verify --format json "$name" | "$PYTHON" -c '
import json, sys
r = json.load(sys.stdin)
assert r["file"] == sys.argv[1] and r["mismatches"] == 0, r' "$name"
verdict verify-json-escapes-file-name $?
"$SLABFILL" verify --format csv "$name" | "$PYTHON" -c '
import csv, sys
rows = list(csv.DictReader(sys.stdin))
assert len(rows) == 1 and rows[0]["file"] == sys.argv[1], rows' "$name"
verdict verify-csv-quotes-file-name $?
out=$("$SLABFILL" verify -q "$name" 2>&1)
[ $? = 0 ] && [ -z "$out" ]
verdict verify-quiet-prints-nothing $? "$out"
out=$("$SLABFILL" verify -q -v "$name" 2>&1)
[ $? = 2 ] && grep -q "conflict" <<<"$out"
verdict verify-quiet-verbose-refused $? "$out"
# -o . and friends are refused before anything is touched.
for o in . .. ./ ../; do
    out=$("$SLABFILL" --backend zarr --shape 2x3x4 -o "$o" 2>&1)
    [ $? = 2 ]
    verdict "output-$o-refused" $? "$out"
done
cd "$SCRATCH" || exit 1
finish
