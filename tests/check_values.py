#!/usr/bin/env python3
"""check_values.py - an independent reader: re-implements docs/rng-spec.md in numpy, reads a
slabfill file with its format's own Python library (h5py for .h5, netCDF4 for .nc, numpy.load
for .npy, zarr for .zarr) and compares every value. It also reads the slices' stored digests
(slice_xxh3, or NAME.npy.xxh3 beside a .npy file) and recomputes each one with python3-xxhash.

It shares no code with slabfill. Its own Philox is first checked against the Random123 Known
Answer Tests in tests/data, so a pass means both implementations agree with the published
generator, not merely with each other.

usage: check_values.py FILE [--seed N] [--shape ZxXxY] [--dtype T] [--dist D] [--same-as FILE2]
FILE2 may be of another format: the comparison is of the values' bytes.
Exit 0 when every value matches, 1 otherwise. Uniform values must match exactly; normal values
within 1e-5 relative (1e-6 absolute near zero), and the count of inexact ones is printed.
"""
import argparse
import os
import sys

import numpy as np

try:
    import xxhash
except ImportError as e:
    sys.exit(f"check_values.py: {e}: install python3-xxhash (scripts/install-deps does)")

MASK = np.uint64(0xFFFFFFFF)
M0, M1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)
W0, W1 = 0x9E3779B9, 0xBB67AE85


def philox4x32_10(c, k):
    """c: four uint64 arrays holding 32-bit words; k: two ints. Returns four uint64 arrays."""
    c0, c1, c2, c3 = (np.asarray(x, dtype=np.uint64) & MASK for x in c)
    k0, k1 = k
    for _ in range(10):
        p0 = M0 * c0
        p1 = M1 * c2
        c0, c1, c2, c3 = ((p1 >> np.uint64(32)) ^ c1 ^ np.uint64(k0), p1 & MASK,
                          (p0 >> np.uint64(32)) ^ c3 ^ np.uint64(k1), p0 & MASK)
        k0 = (k0 + W0) & 0xFFFFFFFF
        k1 = (k1 + W1) & 0xFFFFFFFF
    return c0, c1, c2, c3


def check_kat():
    here = os.path.dirname(os.path.abspath(__file__))
    n = 0
    with open(os.path.join(here, "data", "philox4x32-10-kat.txt")) as f:
        for line in f:
            t = line.split()
            if not t or t[0] != "philox4x32" or t[1] != "10":
                continue
            words = [int(x, 16) for x in t[2:]]
            ctr, key, want = words[0:4], words[4:6], words[6:10]
            got = philox4x32_10([np.array([x]) for x in ctr], key)
            assert [int(g[0]) for g in got] == want, f"Philox KAT failed for {line.strip()}"
            n += 1
    assert n >= 3, "no Philox KAT vectors read"


def words(blocks, seed):
    b = np.asarray(blocks, dtype=np.uint64)
    zero = np.zeros_like(b)
    return philox4x32_10([b & MASK, b >> np.uint64(32), zero, zero],
                         (seed & 0xFFFFFFFF, seed >> 32))


def expected(seed, dtype, dist, g):
    """Values for flat indices g (uint64 array), straight from the spec."""
    g = np.asarray(g, dtype=np.uint64)
    if dtype == "float32":
        w = np.stack(words(g >> np.uint64(2), seed))           # (4, n)
        lane = (g & np.uint64(3)).astype(np.intp)
        cols = np.arange(g.size)
        if dist == "uniform":
            return (w[lane, cols] >> np.uint64(8)).astype(np.float64) * 2.0**-24
        p = lane >> 1
        wa, wb = w[2 * p, cols], w[2 * p + 1, cols]
        u1 = (wa.astype(np.float64) + 1.0) * 2.0**-32
        u2 = wb.astype(np.float64) * 2.0**-32
    else:
        w0, w1, w2, w3 = words(g >> np.uint64(1), seed)
        lane = (g & np.uint64(1)).astype(np.intp)
        lo = (w1 << np.uint64(32)) | w0
        hi = (w3 << np.uint64(32)) | w2
        if dist == "uniform":
            v = np.where(lane == 0, lo, hi)
            return (v >> np.uint64(11)).astype(np.float64) * 2.0**-53
        u1 = ((lo >> np.uint64(12)) + np.uint64(1)).astype(np.float64) * 2.0**-52
        u2 = (hi >> np.uint64(12)).astype(np.float64) * 2.0**-52
    r = np.sqrt(-2.0 * np.log(u1))
    t = 2.0 * np.pi * u2
    return np.where(lane % 2 == 0, r * np.cos(t), r * np.sin(t))


def attr_str(a):
    return a.decode() if isinstance(a, bytes) else str(a)


def open_array(path):
    """(array supporting [z0:z1], metadata dict) for any slabfill output, by its extension."""
    if path.endswith(".h5"):
        import h5py
        d = h5py.File(path, "r")["data"]
        a = d.attrs
    elif path.endswith(".nc"):
        import netCDF4
        d = netCDF4.Dataset(path)["data"]
        d.set_auto_maskandscale(False)
        a = {k: d.getncattr(k) for k in d.ncattrs()}
    elif path.endswith(".npy"):
        d = np.load(path, mmap_mode="r")
        with open(path, "rb") as f:
            head = f.read(4096).decode("latin1")
        comment = head.split("# slabfill ", 1)[1].split("\n")[0]
        a = dict(kv.split("=", 1) for kv in comment.split())
        a["shape"] = a["shape"].split("x")
    elif path.endswith(".zarr"):
        import zarr
        d = zarr.open(path, mode="r")["data"]
        a = dict(d.attrs)
    else:
        raise SystemExit(f"FAIL {path}: unknown extension")
    meta = {"seed": int(a["seed"]), "dtype": attr_str(a["dtype"]),
            "dist": attr_str(a["distribution"]), "generator": attr_str(a["generator"]),
            "shape": tuple(int(x) for x in a["shape"])}
    return d, meta


def stored_digests(path, Z):
    """The Z digests stored with a file, read by the format's own library, as uint64."""
    if path.endswith(".h5"):
        import h5py
        with h5py.File(path, "r") as f:
            return np.asarray(f["slice_xxh3"][...], dtype=np.uint64)
    if path.endswith(".nc"):
        import netCDF4
        with netCDF4.Dataset(path) as f:
            v = f["slice_xxh3"]
            v.set_auto_maskandscale(False)
            return np.asarray(v[...], dtype=np.uint64)
    if path.endswith(".zarr"):
        import zarr
        return np.asarray(zarr.open(path, mode="r")["slice_xxh3"][...], dtype=np.uint64)
    with open(path + ".xxh3") as f:
        lines = f.read().split("\n")
    if lines[:2] != ["slabfill-digests 1", f"xxh3-64 {Z}"] or len(lines) != Z + 3 or lines[-1]:
        raise SystemExit(f"FAIL {path}.xxh3: not a digest file for {Z} slices")
    return np.array([int(h, 16) for h in lines[2:-1]], dtype=np.uint64)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--seed")
    ap.add_argument("--shape")
    ap.add_argument("--dtype")
    ap.add_argument("--dist")
    ap.add_argument("--same-as", help="another file whose /data must be bit-identical")
    args = ap.parse_args()
    check_kat()

    d, meta = open_array(args.file)
    seed, dtype, dist, shape = meta["seed"], meta["dtype"], meta["dist"], meta["shape"]
    wanted = {"seed": seed, "shape": "x".join(map(str, shape)), "dtype": dtype, "dist": dist}
    for key in ("seed", "shape", "dtype", "dist"):
        want = getattr(args, key)
        if want is None:
            continue
        want = int(want, 0) if key == "seed" else want
        if wanted[key] != want:
            print(f"FAIL {args.file}: metadata {key} is {wanted[key]}, expected {want}")
            return 1
    if meta["generator"] != "philox4x32-10":
        print(f"FAIL {args.file}: generator is {meta['generator']}")
        return 1
    if tuple(d.shape) != shape or d.dtype != np.dtype(dtype):
        print(f"FAIL {args.file}: array is {d.shape} {d.dtype}, metadata says {shape} {dtype}")
        return 1

    other = open_array(args.same_as)[0] if args.same_as else None
    Z, X, Y = shape
    digests = stored_digests(args.file, Z)
    if digests.shape != (Z,):
        print(f"FAIL {args.file}: {digests.shape} digests stored, not ({Z},)")
        return 1
    plane = X * Y
    step = max(1, (1 << 22) // plane)
    inexact = 0
    for z0 in range(0, Z, step):
        z1 = min(Z, z0 + step)
        got = np.asarray(d[z0:z1]).reshape(-1)
        g = np.arange(z0 * plane, z1 * plane, dtype=np.uint64)
        want = expected(seed, dtype, dist, g).astype(dtype)
        if dist == "uniform":
            bad = got != want
        else:
            bad = ~np.isclose(got, want, rtol=1e-5, atol=1e-6)
            inexact += int(np.count_nonzero(got != want))
        if bad.any():
            i = int(np.flatnonzero(bad)[0]) + z0 * plane
            z, rem = divmod(i, plane)
            x, y = divmod(rem, Y)
            print(f"FAIL {args.file}: {int(bad.sum())} mismatches in z [{z0},{z1}); first "
                  f"at (z={z}, x={x}, y={y}): file {got[i - z0 * plane]!r}, "
                  f"spec {want[i - z0 * plane]!r}")
            return 1
        le = got.astype(got.dtype.newbyteorder("<"), copy=False).reshape(z1 - z0, plane)
        for z in range(z0, z1):
            h = xxhash.xxh3_64_intdigest(le[z - z0].tobytes())
            if h != int(digests[z]):
                print(f"FAIL {args.file}: slice {z}'s stored digest is {int(digests[z]):016x}, "
                      f"its bytes' XXH3-64 is {h:016x}")
                return 1
        if other is not None:
            o = np.asarray(other[z0:z1]).reshape(-1)
            if o.dtype != got.dtype or o.tobytes() != got.tobytes():
                print(f"FAIL {args.file}: differs from {args.same_as} in z [{z0},{z1})")
                return 1
    n = Z * X * Y
    print(f"ok {args.file}: {n} values of {dtype} {dist} seed {seed} match the spec"
          + (f" ({inexact} within tolerance, the rest exact)" if dist == "normal" else " exactly")
          + f", and its {Z} stored slice digests are their XXH3-64"
          + (f"; bit-identical to {args.same_as}" if args.same_as else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
