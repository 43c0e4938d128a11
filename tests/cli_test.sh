#!/usr/bin/env bash
# cli_test.sh - bad input through the real binary, on 2 ranks and as a single rank without
# mpirun: exit status 2, exactly one line from rank 0 that says what was wrong, and no file
# created or changed. Also the file-system refusals and --force.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1
mkdir work && cd work || exit 1
head -c 4096 /dev/urandom > keep.h5
touch -d '2001-01-01 00:00:00' keep.h5

# Fingerprint of the directory: names, sizes, mtimes and content of everything in it.
state() { find . -printf '%p %s %T@\n' | sort; cat keep.h5 | cksum; }
BEFORE=$(state)

# refuse NAME EXPECTED-TEXT RANKS ARGS...: RANKS=0 runs without mpirun. Most cases run as one
# rank (mpirun takes seconds to wind down a job that exits 2); a representative set runs on 2
# and 7 ranks, where every rank must agree, stay silent but rank 0, and finalize.
refuse() {
    local name=$1 want=$2 n=$3 out err rc lines
    shift 3
    if [ "$n" = 0 ]; then
        "$SLABFILL" "$@" >"$SCRATCH/out.txt" 2>"$SCRATCH/err.txt"
    else
        mpi "$n" "$@" >"$SCRATCH/out.txt" 2>"$SCRATCH/err.txt"
    fi
    rc=$?
    err=$(grep '^slabfill: ' "$SCRATCH/err.txt")
    lines=$(grep -c '^slabfill: ' "$SCRATCH/err.txt")
    # Without mpirun (whose own notices follow), stderr is that one line and nothing else.
    [ "$n" = 0 ] && lines=$(wc -l <"$SCRATCH/err.txt")
    out=$(cat "$SCRATCH/out.txt")
    rm -f "$SCRATCH/out.txt" "$SCRATCH/err.txt"
    if [ "$rc" != 2 ]; then
        fail "$name" "exit status $rc, expected 2: $err"
    elif [ "$lines" != 1 ]; then
        fail "$name" "$lines message lines, expected one from rank 0: $err"
    elif [[ $err != *"$want"* ]]; then
        fail "$name" "message '$err' does not mention '$want'"
    elif [ -n "$out" ]; then
        fail "$name" "printed to stdout: $out"
    elif [ "$(state)" != "$BEFORE" ]; then
        fail "$name" "the directory changed: $(diff <(echo "$BEFORE") <(state))"
    else
        ok "$name"
    fi
}

S=(--shape 3x4x5)
refuse unknown-option "unknown option '--bogus'" 2 --bogus
refuse stray-argument "unexpected argument 'out.h5'" 0 "${S[@]}" out.h5
refuse shape-zero "ZxXxY" 2 --shape 0x4x5
refuse shape-negative "ZxXxY" 0 --shape 3x-4x5
refuse shape-two-dims "ZxXxY" 0 --shape 3x4
refuse shape-junk "ZxXxY" 0 --shape 3x4x5q
refuse shape-exponent "ZxXxY" 0 --shape 1e2x4x5
refuse shape-empty "ZxXxY" 0 --shape ""
refuse shape-overflow "64-bit" 0 --shape 3000000000x3000000000x3
refuse dtype-unknown "float32, float64" 0 "${S[@]}" --dtype int8
refuse dist-unknown "normal, uniform" 0 "${S[@]}" --dist poisson
refuse seed-negative "unsigned 64-bit" 0 "${S[@]}" --seed -5
refuse seed-overflow "unsigned 64-bit" 2 "${S[@]}" --seed 18446744073709551616
refuse seed-junk "unsigned 64-bit" 0 "${S[@]}" --seed 0xfeedz
refuse slab-zero "1 to 1000000" 0 "${S[@]}" --slab 0
refuse slab-junk "1 to 1000000" 0 "${S[@]}" --slab two
refuse buffer-zero "1k to 1g" 0 "${S[@]}" --buffer 0
refuse buffer-junk "k, m or g" 0 "${S[@]}" --buffer 10x
refuse format-unknown "table, csv, json" 0 "${S[@]}" --format yaml
refuse quiet-verbose "conflict" 0 "${S[@]}" -q -v
refuse missing-value "needs a value" 0 "${S[@]}" --seed
refuse backend-unknown "accepted: hdf5, pnetcdf, mpiio, zarr, memory, null" 2 "${S[@]}" \
    --backend netcdf3
refuse hint-malformed "bad hint 'cb_nodes'" 0 "${S[@]}" --hint cb_nodes
refuse hint-empty-value "bad hint" 0 "${S[@]}" --hint cb_nodes=
refuse compare-with-backend "conflicts with --backend" 2 --compare --backend hdf5
refuse compare-with-dtype "conflicts with --dtype" 0 --compare --dtype float64
refuse keep-without-compare "only applies to --compare" 0 "${S[@]}" --keep
SLABFILL_HINTS="a=1;=2" refuse hint-env-malformed "in SLABFILL_HINTS" 2 "${S[@]}"
refuse shape-hex-dims "ZxXxY" 0 --shape 0x10x0x10x0x10
refuse shape-plus "ZxXxY" 0 --shape +3x4x5
refuse shape-spaces "ZxXxY" 0 --shape "3 x4x5"
refuse shape-four-dims "ZxXxY" 0 --shape 3x4x5x6
refuse shape-f64-overflow "64-bit" 0 --dtype float64 --shape 2000000x2000000x2000000
refuse seed-empty "unsigned 64-bit" 0 "${S[@]}" --seed ""
refuse seed-float "unsigned 64-bit" 0 "${S[@]}" --seed 1e3
refuse slab-too-big "1 to 1000000" 0 "${S[@]}" --slab 1000001
refuse buffer-too-big "1k to 1g" 0 "${S[@]}" --buffer 2g
refuse buffer-too-small "1k to 1g" 0 "${S[@]}" --buffer 512
refuse buffer-empty "k, m or g" 0 "${S[@]}" --buffer ""
refuse checkpoint-negative "--checkpoint" 0 "${S[@]}" --checkpoint -1
refuse checkpoint-fraction "--checkpoint" 0 "${S[@]}" --checkpoint 1.5
refuse overlap-unknown "auto, on, off" 0 "${S[@]}" --overlap maybe
refuse page-cache-unknown "auto, drop, keep" 0 "${S[@]}" --page-cache sometimes
refuse compare-with-resume "conflicts with --resume" 0 --compare --resume
refuse null-with-resume "writes no file" 0 "${S[@]}" --backend null --resume
refuse memory-with-output "writes no file" 0 "${S[@]}" --backend memory -o x.h5
refuse output-named-for-another-backend "named like backend hdf5's files, but backend zarr" 0 \
    "${S[@]}" --backend zarr -o x.h5
refuse output-npy-named-nc "named like backend pnetcdf's files, but backend mpiio" 0 \
    "${S[@]}" --backend mpiio -o x.nc
refuse output-without-extension "does not end in .h5" 0 "${S[@]}" -o noext
refuse threads-zero "accepted: 1 to 256" 0 "${S[@]}" --threads 0
refuse no-check-without-verify "applies to slabfill verify FILE only" 0 "${S[@]}" --no-check
refuse verify-without-file "verify needs a FILE" 0 verify
refuse verify-two-files "verify checks one FILE" 0 verify a.h5 b.h5
refuse verify-with-shape "takes the seed, shape" 0 verify --shape 3x4x5 keep.h5
refuse verify-unknown-format "cannot tell the format" 0 verify keep.txt
refuse verify-missing-file "No such file" 0 verify nothere.h5
refuse verify-not-ours "cannot verify keep.h5" 2 verify keep.h5
refuse output-empty "empty --output" 0 "${S[@]}" -o ""
refuse newline-in-argument "unexpected argument 'two?lines'" 0 "${S[@]}" $'two\nlines'
refuse newline-in-directory "does not exist" 0 "${S[@]}" -o $'no\ndir/x.h5'
refuse missing-directory "does not exist" 2 "${S[@]}" -o nodir/out.h5
refuse output-exists "exists; give --force" 2 "${S[@]}" -o keep.h5
refuse output-is-directory "is a directory" 0 "${S[@]}" -o .
refuse output-default-exists-single-rank "exists; give --force" 0 "${S[@]}" -o keep.h5
refuse shape-single-rank "ZxXxY" 0 --shape 3x4x
refuse stray-single-rank "unexpected argument" 0 extra
refuse missing-directory-7ranks "does not exist" 7 "${S[@]}" -o nodir/out.h5

# A partial file left by an interrupted run is not silently replaced.
mkdir ../p && touch ../p/.out.h5.partial
check partial-left-refused bash -c "$(printf '%q ' "$SLABFILL" "${S[@]}" -o ../p/out.h5) \
    2>&1 | grep -q 'interrupted run' && [ ! -e ../p/out.h5 ] && [ -e ../p/.out.h5.partial ]"

# An unwritable directory. Root ignores permission bits, so as root use a read-only tmpfs.
mkdir ../ro
if [ "$(id -u)" = 0 ]; then
    if mount -t tmpfs -o ro,size=1m tmpfs ../ro 2>/dev/null; then
        refuse unwritable-directory "not writable" 2 "${S[@]}" -o ../ro/out.h5
        umount ../ro
    else
        skip unwritable-directory "running as root and a read-only tmpfs cannot be mounted"
    fi
else
    chmod 555 ../ro
    refuse unwritable-directory "not writable" 2 "${S[@]}" -o ../ro/out.h5
fi

# --summary-file never follows a link nor waits on a FIFO: both refused before anything runs.
echo theirs >target.csv && ln -s target.csv link.csv && mkfifo fifo.csv
BEFORE=$(state)
refuse summary-file-link "'link.csv' is a symbolic link; accepted: a regular file" 2 "${S[@]}" \
    --backend null --summary-file link.csv
refuse summary-file-fifo "'fifo.csv' is a FIFO; accepted: a regular file" 0 "${S[@]}" \
    --backend null --summary-file fifo.csv
rm -f target.csv link.csv fifo.csv
BEFORE=$(state)

# --force replaces an existing file with a complete, correct one.
check force-replaces bash -c "$(printf '%q ' "$SLABFILL" -q "${S[@]}" --force -o keep.h5) && \
    $(printf '%q ' "$PYTHON" "$TOP/tests/check_values.py" keep.h5 --shape 3x4x5)"
check help-exits-0 bash -c "$(printf '%q ' "$SLABFILL") --help | grep -q -- '--shape ZxXxY'"
check version-exits-0 bash -c "$(printf '%q ' "$SLABFILL") --version | grep -q '^slabfill [0-9]'"
finish
