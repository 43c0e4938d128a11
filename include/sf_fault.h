/* sf_fault.h - fault injection for tests/faults_test.sh: a SIGKILL (or a pause) at an exact
 * step of a run, so a test creates the real condition (a process killed right there) instead
 * of guessing with a sleep. Only the test build (tests/slabfill-faults, compiled with
 * -DSF_FAULT_INJECTION=1) has it; in slabfill itself every point compiles to nothing.
 *
 * The test build reads SLABFILL_FAULT=STEP:N[:pause] and, optionally, SLABFILL_FAULT_RANK=R
 * (a rank of MPI_COMM_WORLD; default every rank). At the N-th time this process passes STEP it
 * raises SIGKILL, or with :pause waits until the file named by SLABFILL_FAULT_GO exists (for a
 * test that must change the world at that step, e.g. fill the disk). The steps:
 *   create     the backend has created (or reopened) the partial, nothing recorded yet
 *   record     the N-th progress record has been written (1: right after create)
 *   unit       this rank's N-th write unit has been written, not yet recorded
 *   commit     the partial is complete, closed and checked, just before the rename
 *   committed  just after the rename, before the record is removed
 *   readback   a resume has checked the N-th unit of the slices its record claims
 *   repeat     --repeat: before the N+1-th write removes the file the N-th left */
#ifndef SF_FAULT_H
#define SF_FAULT_H

#if defined(SF_FAULT_INJECTION) && SF_FAULT_INJECTION
/* Contract: counts one pass of step on this process and acts when SLABFILL_FAULT names it. */
void sf_fault_point(const char *step);
#else
static inline void sf_fault_point(const char *step) { (void)step; }
#endif

#endif
