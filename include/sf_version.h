/* sf_version.h - the one place the version lives; stored in every file slabfill writes. */
#ifndef SF_VERSION_H
#define SF_VERSION_H
#include "slabfill.h" /* SLABFILL_VERSION: the public header holds the number */
#define SF_VERSION SLABFILL_VERSION
/* Bumped whenever any value could change for the same (seed, shape, dtype, dist). */
#define SF_VALUE_SPEC "slabfill-values-3"
#define SF_GENERATOR "philox4x32-10"
#endif
