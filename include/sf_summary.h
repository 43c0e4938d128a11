/* sf_summary.h - per-rank measurements, gathered on rank 0 and printed in the seed article's
 * terms (elapsed time, calculated storage, peak memory, file storage) plus bandwidth. */
#ifndef SF_SUMMARY_H
#define SF_SUMMARY_H

#include <stdio.h>
#include <stdint.h>

#include "sf_options.h"

typedef struct {
    double t_gen;    /* seconds generating values */
    double t_write;  /* seconds in the backend's write calls */
    double t_close;  /* seconds closing and syncing */
    double t_total;  /* seconds between the barrier before create and the one after sync */
    uint64_t bytes;  /* bytes this rank handed to the backend */
    uint64_t peak_rss;
    uint64_t z0, nz;
    char host[64];
} sf_rank_stats;

typedef struct {
    const sf_options *opt;
    const char *backend;
    const char *file;          /* final path, or NULL when no file is written */
    uint64_t file_disk_bytes;  /* st_blocks * 512 of the final file */
    int nranks;
} sf_run_info;

/* Contract: collective over MPI_COMM_WORLD. Gathers mine from every rank; rank 0 prints the
 * summary in opt->format to out. Other ranks print nothing. */
void sf_summary_report(FILE *out, const sf_run_info *run, const sf_rank_stats *mine);

#endif
