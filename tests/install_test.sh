#!/usr/bin/env bash
# install_test.sh - libslabfill as a user's build finds it: `make install` into a DESTDIR, then
# examples/seed_loop.c, copied out of the tree, is built with nothing but mpicc and
# `pkg-config --cflags --libs slabfill` (against the shared library, and with --static against
# the static one alone), run on 2 ranks, and its file checked value by value.
. "$(dirname "$0")/lib.sh"
cd "$SCRATCH" || exit 1
need install-pkg-config pkg-config || finish
D=$SCRATCH/dest
P=/opt/slabfill
# The same make variables as the build under test (MAKEFLAGS passes them), so nothing rebuilds.
if ! out=$(make -C "$TOP" --no-print-directory install DESTDIR="$D" PREFIX="$P" 2>&1); then
    fail make-install "$out"
    finish
fi
for f in include/slabfill.h lib/libslabfill.a lib/pkgconfig/slabfill.pc bin/slabfill; do
    [ -e "$D$P/$f" ] || fail "installed-$f" "$D$P/$f is missing"
done
mkdir user && cp "$TOP/examples/seed_loop.c" "$TOP/examples/example_args.h" user/ || exit 1
# A sanitized library needs its runtime at link time, as the user who built it so would know.
san=()
[ "${SANITIZE:-0}" = 1 ] && san=(-fsanitize=address,undefined)
pc() { PKG_CONFIG_PATH=$D$P/lib/pkgconfig pkg-config "$@" slabfill; }
build() { # build NAME PKG-CONFIG-ARGS...: user/NAME from seed_loop.c
    local name=$1 flags
    shift
    flags=$(pc "$@") || { fail "pkg-config-$name" "pkg-config $* slabfill failed"; return 1; }
    # shellcheck disable=SC2086 # flags are words
    mpicc -std=c11 -O2 "${san[@]}" -o "user/$name" user/seed_loop.c $flags -lm 2>&1 ||
        { fail "build-$name" "mpicc failed with: $flags"; return 1; }
}
shared=0
if ls "$D$P"/lib/libslabfill.so* >/dev/null 2>&1; then
    shared=1
    build shared --cflags --libs || finish
fi
# The static library alone: a copy of the install without the shared one.
cp -a "$D" static-dest && rm -f static-dest"$P"/lib/libslabfill.so* && D=$SCRATCH/static-dest
build static --static --cflags --libs || finish
D=$SCRATCH/dest
for kind in shared static; do
    [ "$kind" = shared ] && [ "$shared" = 0 ] && continue
    # shellcheck disable=SC2086 # MPIRUN is a command line
    if out=$(LD_LIBRARY_PATH=$D$P/lib $MPIRUN -n 2 "user/$kind" -q -o "$kind.h5" 2>&1) &&
        out=$("$PYTHON" "$TOP/tests/examples_check.py" seed_loop "$kind.h5" 2>&1); then
        ok "out-of-tree-build-through-pkg-config-$kind-runs-values-exact"
    else
        fail "out-of-tree-build-through-pkg-config-$kind" "$out"
    fi
done
# The shared build really uses the installed shared library.
if [ "$shared" = 1 ]; then
    if LD_LIBRARY_PATH=$D$P/lib ldd user/shared | grep -q "libslabfill.so.0 => $D$P/lib/"; then
        ok shared-build-links-the-installed-libslabfill.so.0
    else
        fail shared-build-links-the-installed-libslabfill.so.0 "$(ldd user/shared 2>&1 | head -5)"
    fi
fi
finish
