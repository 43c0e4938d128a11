/* sf_progress.h - the durable record of which z-slices of a partial file are complete, and
 * the XXH3-64 digest of each. It lives beside the partial as ".NAME.partial.progress" and is
 * only ever replaced atomically, after the slices it marks have been synced, so an interrupted
 * run can be resumed on any number of ranks and write only what is missing. The digests let
 * the resume check that what the record claims is really in the file. */
#ifndef SF_PROGRESS_H
#define SF_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

#include "sf_meta.h"

typedef struct {
    char backend[16];
    sf_file_meta meta;     /* the array: seed, shape, dtype, distribution, value spec */
    unsigned char *done;   /* shape[0] bytes: 1 = slice complete and synced */
    uint64_t *digest;      /* shape[0] digests; meaningful where done */
} sf_progress;

/* Contract: the record's name for a partial path, into buf; -1 if it does not fit. */
int sf_progress_name(const char *partial, char *buf, size_t len);

/* Contract: replaces the record at path atomically: a temporary file beside it, created
 * exclusively (a leftover one, or a link planted there, is removed first, never followed),
 * written, fsynced, renamed over path, and the directory fsynced. Dies on failure. */
void sf_progress_write(const char *path, const sf_progress *p);

/* Contract: reads the record at path strictly: format 2, every line in order, each word
 * through sf_meta_set, a shape whose Z is at most max_z (checked before anything is
 * allocated), a done flag and a digest per complete slice. The record must be a regular file,
 * not a link or FIFO. Returns 0 (free with sf_progress_free), 1 when there is none, or -1 with
 * a reason in err. */
int sf_progress_read(const char *path, uint64_t max_z, sf_progress *p, char *err,
                     size_t errlen);

/* Contract: as sf_progress_read, for a record already in memory (text[len], NUL-terminated);
 * path only names it in messages. */
int sf_progress_parse(const char *text, size_t len, const char *path, uint64_t max_z,
                      sf_progress *p, char *err, size_t errlen);

void sf_progress_free(sf_progress *p);

#endif
