/* sf_measure.h - what each rank measures about itself. All figures are read from the OS. */
#ifndef SF_MEASURE_H
#define SF_MEASURE_H

#include <stdint.h>

/* Contract: wall-clock seconds from an arbitrary origin (MPI_Wtime). */
double sf_now(void);

/* Contract: peak resident set size of this process so far, in bytes (getrusage ru_maxrss,
 * which Linux reports in KiB and macOS in bytes). Dies if getrusage fails. */
uint64_t sf_peak_rss_bytes(void);

/* Contract: bytes the file at path occupies on disk (st_blocks * 512); dies if stat fails. */
uint64_t sf_file_disk_bytes(const char *path);

#endif
