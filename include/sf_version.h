/* sf_version.h - the one place the version lives; stored in every file slabfill writes. */
#ifndef SF_VERSION_H
#define SF_VERSION_H
#define SF_VERSION "0.3.0"
/* Bumped whenever any value could change for the same (seed, shape, dtype, dist). */
#define SF_VALUE_SPEC "slabfill-values-3"
#define SF_GENERATOR "philox4x32-10"
#endif
