#!/usr/bin/env python3
"""seed_h5py.py - the seed article's ex3 loop (h5py, one standard_normal float32 slice per
iteration), written by us so the bench can run it beside slabfill on the same machine and disk.

usage: seed_h5py.py PATH ZxXxY
Prints one JSON line: elapsed_s (the loop plus f.close(), which hands every byte to the OS; no
fsync, so the seed is timed more kindly than slabfill, which syncs) and peak_rss_bytes.
"""
import json
import resource
import sys
import time

import h5py
import numpy as np


def main():
    path, shape = sys.argv[1], sys.argv[2]
    z, x, y = (int(v) for v in shape.split("x"))
    rng = np.random.default_rng()
    tic = time.perf_counter()
    f = h5py.File(path, "w")
    dset = f.create_dataset("data", shape=(z, x, y), dtype=np.float32)
    for i in range(z):
        r = rng.standard_normal((x, y), dtype=np.float32)
        dset[i, :, :] = r
    f.close()
    toc = time.perf_counter()
    print(json.dumps({"elapsed_s": toc - tic,
                      "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))


if __name__ == "__main__":
    main()
