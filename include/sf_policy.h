/* sf_policy.h - the run's two performance decisions, each made once and explained in words for
 * the summary: whether a generator thread runs ahead of the I/O, and whether each unit is
 * streamed out of the page cache as soon as it is written. */
#ifndef SF_POLICY_H
#define SF_POLICY_H

#include <stddef.h>

#include "sf_backend.h"
#include "sf_options.h"

/* Contract: collective over MPI_COMM_WORLD. --overlap on/off as given; auto: on only when
 * every rank on every node has a spare core (from the CPU affinity mask where the OS has one).
 * Returns 1 for on; says how it was decided in why. */
int sf_policy_overlap(const sf_options *opt, char *why, size_t len);

/* Contract: how many threads fill each unit: 1 when the producer is not splittable (a user's,
 * called from one thread); --threads N as given; auto: the cores this rank may use (its
 * affinity mask when bound; unbound, the node's cores shared among its ranks), at least 1.
 * Says how it was decided in why. Collective over sf_comm(): every rank must call it with
 * the same options (auto counts the ranks on each node). */
int sf_policy_threads(const sf_options *opt, int splittable, char *why, size_t len);

/* Contract: --page-cache keep: 0; drop, or auto without --no-sync: 1 when the backend can
 * report one data range to stream (its data_offset); says how it was decided in why. */
int sf_policy_stream(const sf_options *opt, const sf_backend *be, char *why, size_t len);

#endif
