/* sf_progress.h - the durable record of which z-slices of a partial file are complete. It
 * lives beside the partial as ".NAME.partial.progress" and is only ever replaced atomically,
 * after the slices it marks have been synced, so an interrupted run can be resumed on any
 * number of ranks and write only what is missing. */
#ifndef SF_PROGRESS_H
#define SF_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

#include "sf_values.h"

typedef struct {
    char backend[16];
    char value_spec[64];
    uint64_t shape[3];
    sf_value_spec spec;
    unsigned char *done; /* shape[0] bytes: 1 = slice complete and synced */
} sf_progress;

/* Contract: the record's name for a partial path, into buf; -1 if it does not fit. */
int sf_progress_name(const char *partial, char *buf, size_t len);

/* Contract: replaces the record at path atomically: a temporary file in the same directory,
 * written, fsynced, renamed over path, and the directory fsynced. Dies on failure. */
void sf_progress_write(const char *path, const sf_progress *p);

/* Contract: reads the record at path. Returns 0 (p->done allocated, free with
 * sf_progress_free), 1 when there is no record, or -1 with a reason in err when it is not a
 * well-formed record. */
int sf_progress_read(const char *path, sf_progress *p, char *err, size_t errlen);

void sf_progress_free(sf_progress *p);

#endif
