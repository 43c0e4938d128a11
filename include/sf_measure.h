/* sf_measure.h - what each rank measures about itself. All figures are read from the OS. */
#ifndef SF_MEASURE_H
#define SF_MEASURE_H

#include <stdint.h>

/* Contract: monotonic seconds from an arbitrary origin; safe from any thread (no MPI call), so
 * the generator thread and the writer share one clock. Dies if the OS has none. */
double sf_clock(void);

/* Contract: peak resident set size of this process, in bytes: getrusage ru_maxrss (which Linux
 * reports in KiB and macOS in bytes), or, after a successful sf_peak_rss_reset, the high-water
 * mark since that reset (VmHWM). Dies if the OS call fails. */
uint64_t sf_peak_rss_bytes(void);

/* Contract: resets the peak-RSS high-water mark, where the OS allows it (Linux: "5" written to
 * /proc/self/clear_refs), and verifies that it took effect (VmHWM no more than 4 MiB above the
 * current VmRSS). Returns 1 when it did, 0 when this OS cannot (then sf_peak_rss_bytes keeps
 * reporting the whole-process peak). */
int sf_peak_rss_reset(void);

/* Contract: bytes the file at path, or every file under the directory at path, occupies on
 * disk (st_blocks * 512); dies if stat fails. */
uint64_t sf_file_disk_bytes(const char *path);

#endif
