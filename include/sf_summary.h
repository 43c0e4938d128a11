/* sf_summary.h - per-rank measurements, gathered on rank 0 and reported in the seed article's
 * terms (elapsed time, calculated storage, peak memory, file storage) plus bandwidth, as a
 * table or as a record (CSV, JSON) through sf_report.h. */
#ifndef SF_SUMMARY_H
#define SF_SUMMARY_H

#include <stdint.h>
#include <stdio.h>

#include "sf_options.h"
#include "sf_report.h"

typedef struct {
    double t_gen;    /* seconds generating values (on the generator thread when overlapped) */
    double t_wait;   /* seconds the writer waited for values: generation not hidden by I/O */
    double t_write;  /* seconds in the backend's write calls */
    double t_close;  /* seconds closing and syncing */
    double t_total;  /* seconds from the barrier before create to after close and rename */
    uint64_t bytes;  /* bytes this rank handed to the backend */
    uint64_t peak_rss;
    uint64_t z0, nz;
    uint64_t unit_bytes; /* bytes of one full write unit (one collective call) */
    char host[64];
    char kernel[16]; /* the value kernel this rank ran (sf_kernel_name) */
} sf_rank_stats;

typedef struct {
    const sf_options *opt;     /* shape, spec, slab, buffer, format, verbosity of this run */
    const char *backend;
    const char *api;           /* the backend's IOR API name (sf_backend.ior_api) */
    const char *file;          /* final path, or NULL when no file is written */
    uint64_t file_disk_bytes;  /* st_blocks * 512 of the final file or store */
    int nranks;
    const void *verify;        /* an sf_verify_result when --verify ran, else NULL */
    uint64_t resumed;          /* slices already complete when this run started (--resume) */
    int overlap_used;          /* whether the generator thread ran */
    char overlap_why[160];     /* how --overlap auto decided, or "--overlap on/off" */
    int stream_used;           /* whether units were streamed out of the page cache */
    char stream_why[96];       /* how --page-cache decided */
    int threads_used;          /* threads that generated */
    char threads_why[160];     /* how --threads decided */
    char producer[64];         /* what made the values (the file's generator word) */
    char producer_version[64]; /* and its value spec */
    int repetition;            /* --repeat: this write's number, from 1; 0: a write on its own */
    int repetitions;           /* --repeat's N */
    const double *rep_elapsed; /* elapsed s of writes 1..repetition, this one last */
    const double *rep_gbps;    /* and their bandwidths, GB/s */
} sf_run_info;

/* One figure over repetitions, as IOR summarises them (its sd divides by n, not n - 1). */
typedef struct {
    double min, median, max, mean, sd;
} sf_spread;

/* Contract: the spread of v[0..n-1], n >= 1; v is not changed. */
sf_spread sf_spread_of(const double *v, int n);

/* Figures over all ranks, computed on rank 0 from the gathered stats. */
typedef struct {
    double elapsed, gen_max, gen_min, gen_mean, write_max, write_min, write_mean, close_max;
    double wait_max, hidden_min; /* generation not hidden (s), fraction hidden (worst rank) */
    uint64_t bytes, rss_max, rss_min, rss_sum, calc_bytes, rank_bytes_max, unit_bytes;
    double gbps;     /* bandwidth, GB/s: all ranks' bytes over the elapsed time */
    double gen_gbps; /* generation, GB/s: all ranks' bytes over the slowest rank's generate time */
    int hosts, ranks_per_host_max;
    char kernel[16]; /* every rank's value kernel, or "mixed" when they differ */
} sf_totals;

/* Contract: collective over MPI_COMM_WORLD. Returns every rank's stats on rank 0 (nranks
 * entries, caller frees) and NULL on the other ranks. */
sf_rank_stats *sf_summary_gather(const sf_rank_stats *mine, int nranks);

/* Contract: the totals of a gathered array of run->nranks stats. */
sf_totals sf_summary_totals(const sf_run_info *run, const sf_rank_stats *all);

/* Contract: prints one run's summary in run->opt->format (table, CSV or JSON); rank 0 only. */
void sf_summary_print(FILE *out, const sf_run_info *run, const sf_rank_stats *all);

/* Contract: appends the run's fields to r (sf_record_write prints them as CSV or JSON), with
 * an "approach" field first when approach is not NULL. The same keys, in the same order, for
 * every run, so that records of different runs share one CSV header. */
void sf_summary_fields(sf_record *r, const sf_run_info *run, const sf_totals *t,
                       const char *approach);

/* Contract: rank 0 appends one record for the run to path: CSV with a header line when the
 * file is new or empty, or JSON Lines when path ends in ".jsonl". Dies if the file cannot be
 * written. */
void sf_summary_append(const char *path, const sf_run_info *run, const sf_totals *t);

#endif
