#!/usr/bin/env bash
# valgrind_test.sh - a single-rank run of every file backend, a resume and a verify under
# valgrind memcheck: no invalid reads or writes, no uninitialised values reaching a decision or
# a write, no leaks of our own. Open MPI's own suppressions cover its internals.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1
if ! command -v valgrind >/dev/null; then
    fail valgrind-installed "valgrind is not installed (scripts/install-deps installs it)"
    finish
fi
SUPP=(--suppressions="$TOP/tests/valgrind.supp")
OMPI_SUPP=/usr/share/openmpi/openmpi-valgrind.supp
[ -r "$OMPI_SUPP" ] && SUPP+=(--suppressions="$OMPI_SUPP")
vg() {
    HWLOC_COMPONENTS=-x86 \
    valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
        --show-leak-kinds=definite --track-origins=yes "${SUPP[@]}" "$SLABFILL" "$@"
}
for b in hdf5:h5 pnetcdf:nc mpiio:npy zarr:zarr; do
    check "memcheck-${b%%:*}" vg -q --backend "${b%%:*}" --shape 5x33x17 --buffer 1k \
        -o "v.${b#*:}"
done
check memcheck-verify vg verify -q v.h5
check memcheck-summary-json vg --backend null --shape 3x8x8 --format json
finish
