/* sf_output.h - keeping the user's files safe: the checks made before anything is created, and
 * the partial name that data is written under until it is complete. */
#ifndef SF_OUTPUT_H
#define SF_OUTPUT_H

#include <stddef.h>

/* Contract: 0 when path may be written: its directory exists and is writable, path is not a
 * directory, and path does not exist unless force. Else SF_EXIT_USAGE with a reason in err.
 * Touches nothing. */
int sf_output_check(const char *path, int force, char *err, size_t errlen);

/* Contract: the partial name for path, ".NAME.partial" in the same directory, into buf.
 * Returns -1 if it does not fit. */
int sf_output_partial_name(const char *path, char *buf, size_t len);

/* Contract: atomically renames partial to path (replacing path) and syncs the directory so the
 * rename is durable. Dies on failure, naming both paths. */
void sf_output_commit(const char *partial, const char *path);

#endif
