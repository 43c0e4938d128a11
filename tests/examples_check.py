#!/usr/bin/env python3
"""examples_check.py - an independent reader for the files of examples/seed_loop.c and
examples/diffusion.c: recomputes every value the way the example's comment defines it, in
Python's math (the same C library's sin and cos) and numpy float64 (IEEE operations, in the
example's order), reads the file with its format's own Python library, and compares the bits of
every value. It also checks every slice's stored XXH3-64 digest, and the file's metadata (its
producer's name, dtype float32, distribution none).

usage: examples_check.py seed_loop|diffusion FILE [--same-as FILE2]
Exit 0 when every value and digest matches, 1 otherwise.
"""
import argparse
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_values import open_array, stored_digests  # noqa: E402  (the format readers)

try:
    import xxhash
except ImportError as e:
    sys.exit(f"examples_check.py: {e}: install python3-xxhash (scripts/install-deps does)")


def seed_loop(shape):
    """Slices of f(z, x, y) = sin(z / 7) * cos(x / 11) + y / Y, one at a time."""
    Z, X, Y = shape
    cx = np.array([math.cos(x / 11.0) for x in range(X)])
    yy = np.arange(Y, dtype=np.float64) / float(Y)
    for z in range(Z):
        yield ((math.sin(z / 7.0) * cx)[:, None] + yy[None, :]).astype(np.float32)


def diffusion(shape, steps=4, r=0.2):
    """Slice 0 a hot square, each next one 4 explicit heat steps on, periodic."""
    Z, X, Y = shape
    xs, ys = np.arange(X)[:, None], np.arange(Y)[None, :]
    u = ((8 * xs >= 3 * X) & (8 * xs < 5 * X) & (8 * ys >= 3 * Y) & (8 * ys < 5 * Y))
    u = u.astype(np.float64)
    for _ in range(Z):
        yield u.astype(np.float32)
        for _ in range(steps):
            lap = ((np.roll(u, 1, 0) + np.roll(u, -1, 0)) + (np.roll(u, 1, 1) + np.roll(u, -1, 1))
                   - 4.0 * u)
            u = u + r * lap


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("example", choices=["seed_loop", "diffusion"])
    ap.add_argument("file")
    ap.add_argument("--same-as", help="another file whose data must be bit-identical")
    args = ap.parse_args()
    d, meta = open_array(args.file)
    shape = meta["shape"]
    if (meta["generator"], meta["dist"], meta["dtype"]) != (args.example, "none", "float32"):
        print(f"FAIL {args.file}: metadata says generator {meta['generator']}, distribution "
              f"{meta['dist']}, dtype {meta['dtype']}; expected {args.example}, none, float32")
        return 1
    if tuple(d.shape) != shape or d.dtype != np.float32:
        print(f"FAIL {args.file}: array is {d.shape} {d.dtype}, metadata says {shape}")
        return 1
    digests = stored_digests(args.file, shape[0])
    other = open_array(args.same_as)[0] if args.same_as else None
    make = seed_loop if args.example == "seed_loop" else diffusion
    for z, want in enumerate(make(shape)):
        got = np.asarray(d[z])
        if got.tobytes() != want.tobytes():
            bad = np.flatnonzero(got.view(np.uint32) != want.view(np.uint32))
            x, y = divmod(int(bad[0]), shape[2])
            print(f"FAIL {args.file}: slice {z} has {bad.size} values that differ; first at "
                  f"(x={x}, y={y}): file {got[x, y]!r}, recomputed {want[x, y]!r}")
            return 1
        h = xxhash.xxh3_64_intdigest(got.astype("<f4").tobytes())
        if h != int(digests[z]):
            print(f"FAIL {args.file}: slice {z}'s stored digest is {int(digests[z]):016x}, its "
                  f"bytes' XXH3-64 is {h:016x}")
            return 1
        if other is not None and np.asarray(other[z]).tobytes() != got.tobytes():
            print(f"FAIL {args.file}: slice {z} differs from {args.same_as}")
            return 1
    print(f"ok {args.file}: {args.example}'s {'x'.join(map(str, shape))} float32 values all "
          f"equal, bit for bit, to their recomputation, and its {shape[0]} slice digests are "
          f"their XXH3-64" + (f"; identical to {args.same_as}" if args.same_as else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
