/* sf_compare.h - the seed article's whole experiment in one command (--compare). */
#ifndef SF_COMPARE_H
#define SF_COMPARE_H

#include "sf_options.h"

/* Contract: collective. Runs one row per approach (memory float64, memory float32, hdf5,
 * pnetcdf, mpiio/npy, zarr) at opt's shape and seed, each with its own peak memory, and prints
 * the article's table (or CSV/JSON records) on rank 0. Files are named slabfill-compare.EXT in
 * the current directory and removed after their row unless opt->keep. Returns an exit status;
 * SF_EXIT_USAGE (nothing touched) when one of those files exists without --force. */
int sf_compare_run(const sf_options *opt);

#endif
