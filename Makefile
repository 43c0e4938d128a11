# slabfill - see README.md. `make run` and `make check` install what is missing, then build.
ifeq ($(origin CC),default)
CC = mpicc
endif
PREFIX ?= /usr/local
DESTDIR ?=
# HDF5=0 or PNETCDF=0 builds without that library; its backend then says it is not built in.
HDF5 ?= 1
PNETCDF ?= 1
HDF5_PKG ?= hdf5-openmpi
PNETCDF_PKG ?= pnetcdf
PKGS ?= $(if $(filter 1,$(HDF5)),$(HDF5_PKG)) $(if $(filter 1,$(PNETCDF)),$(PNETCDF_PKG)) libxxhash
PYTHON ?= /usr/bin/python3
NP ?= $(shell nproc 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo 2)
# Open MPI refuses root without these; harmless for other users and other MPIs ignore them.
MPIRUN ?= mpirun --allow-run-as-root --oversubscribe
RUN_ARGS ?=
BENCH ?= quick
BENCH_NP ?= 2
# An IOR binary of your own for make bench; without one bench/run builds IOR (see bench/run).
IOR ?=

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# H5DS (dimension scales) lives in HDF5's high-level library, which pkg-config's hdf5 does not
# list. It sits beside libhdf5 (Debian: hdf5/openmpi/libhdf5_hl.so -> libhdf5_openmpi_hl.so).
HDF5_HL ?= -lhdf5_hl
SIMD ?= 1
SANITIZE ?= 0
FUZZ_SECONDS ?= 60
# CFLAGS, LDFLAGS and LDLIBS are the user's: a value on the command line replaces them whole.
CFLAGS ?= -O2 -g -Wall -Wextra -Wshadow
# What the build cannot do without, kept out of the user's variables (override: not even a
# command-line SF_CFLAGS replaces it) and placed after them on every compile line, so it wins.
# The values' bits must not depend on the compiler's options: C11 (in which GCC does not fuse
# multiply-adds by default, unlike in gnu11), -ffp-contract=off said outright, and
# -fno-fast-math, which undoes a user's -ffast-math, -Ofast or -funsafe-math-optimizations
# (reassociation, finite-only and reciprocal math would all change the values).
override SF_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -ffp-contract=off -fno-fast-math -fPIC \
          -DSF_HAVE_HDF5=$(HDF5) -DSF_HAVE_PNETCDF=$(PNETCDF) -Iinclude $(PKG_CFLAGS)
override SF_LDFLAGS =
override SF_LDLIBS = $(if $(filter 1,$(HDF5)),$(HDF5_HL)) $(PKG_LIBS) -lm -lpthread
# The value kernels: vectorised (or, with SIMD=0, deliberately not) and without errno from sqrt.
# Every build of the value files gets them, the pair functions of values.c (the kernels'
# reference) as well as the kernels.
VALUES_SRC = src/values.c src/kernels.c src/kernel_avx2.c
VALUES_OBJ = $(VALUES_SRC:.c=.o)
VALUES_CFLAGS_1 = -O3 -fno-math-errno -fno-trapping-math
VALUES_CFLAGS_0 = -O2 -fno-math-errno -fno-trapping-math -fno-tree-vectorize -DSF_SIMD=0
ifeq ($(SANITIZE),1)
override SF_CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=undefined \
          -fno-omit-frame-pointer
override SF_LDFLAGS += -fsanitize=address,undefined
endif

LIB_SRC = src/error.c $(VALUES_SRC) src/cli.c src/parse.c src/plan.c src/measure.c src/output.c \
          src/files.c src/meta.c src/json.c src/lock.c src/digest.c \
          src/summary.c src/pipeline.c src/pool.c src/progress.c src/writeback.c src/job.c src/run.c \
          src/comm.c src/control.c src/policy.c \
          src/verify.c src/cache.c src/compare.c src/write.c src/slabfill.c \
          src/report.c \
          src/backends.c src/backend_mpiio.c src/backend_zarr.c src/backend_memory.c \
          src/backend_null.c src/backend_hdf5.c src/backend_pnetcdf.c
LIB_OBJ = $(LIB_SRC:.c=.o)
TESTS = tests/philox_test tests/values_test tests/plan_test tests/options_test \
        tests/report_test tests/cache_test \
        tests/readers_test tests/output_test tests/slabfill-scalar tests/slabfill-faults tests/fill_dump \
        tests/fill_dump-aarch64

# The version, from the one place it is written (the public header).
VERSION := $(shell sed -n 's/^\#define SLABFILL_VERSION "\(.*\)"/\1/p' include/slabfill.h)
# A shared library where the platform has the GNU/ELF way of making one (Linux, BSDs); on
# macOS the static library alone.
SHARED ?= $(if $(filter Darwin,$(shell uname -s)),0,1)
SHLIB = libslabfill.so.$(VERSION)
EXAMPLES = examples/seed_loop examples/diffusion

all: slabfill libslabfill.a $(if $(filter 1,$(SHARED)),$(SHLIB))

slabfill: src/main.o libslabfill.a
	$(CC) $(LDFLAGS) $(SF_LDFLAGS) -o $@ src/main.o libslabfill.a $(LDLIBS) $(SF_LDLIBS)

# Made afresh each time, so that a source file gone from LIB_SRC leaves no object behind in it.
libslabfill.a: $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

# Every library object is position-independent, so that one set makes both libraries.
$(SHLIB): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,libslabfill.so.$(firstword $(subst ., ,$(VERSION))) \
	    $(LDFLAGS) $(SF_LDFLAGS) -o $@ $(LIB_OBJ) $(LDLIBS) $(SF_LDLIBS)

# What the library's layer and its digests cost (bench/run's section 6).
bench/lib_bench: bench/lib_bench.c libslabfill.a include/slabfill.h
	$(CC) $(CFLAGS) $(SF_CFLAGS) $(LDFLAGS) $(SF_LDFLAGS) -o $@ $< libslabfill.a $(LDLIBS) \
	    $(SF_LDLIBS)

# The examples of docs/library.md, built against this tree's library.
examples: $(EXAMPLES)
examples/%: examples/%.c examples/example_args.h libslabfill.a include/*.h
	$(CC) $(CFLAGS) $(SF_CFLAGS) $(LDFLAGS) $(SF_LDFLAGS) -o $@ $< libslabfill.a $(LDLIBS) \
	    $(SF_LDLIBS)

# Everything is rebuilt when the flags change (SIMD, SANITIZE, CFLAGS, ...), never mixed.
FLAGS_ID = $(CC) $(CFLAGS) $(SF_CFLAGS) $(LDFLAGS) $(SF_LDFLAGS) $(LDLIBS) SIMD=$(SIMD)
.flags: FORCE
	@echo '$(FLAGS_ID)' | cmp -s - $@ || echo '$(FLAGS_ID)' > $@

src/%.o: src/%.c include/*.h .flags
	$(CC) $(CFLAGS) $(SF_CFLAGS) -c -o $@ $<

$(VALUES_OBJ): src/%.o: src/%.c include/*.h .flags
	$(CC) $(CFLAGS) $(SF_CFLAGS) $(VALUES_CFLAGS_$(SIMD)) -c -o $@ $<

tests/%_test: tests/%_test.c libslabfill.a include/*.h
	$(CC) $(CFLAGS) $(SF_CFLAGS) $(LDFLAGS) $(SF_LDFLAGS) -o $@ $< libslabfill.a $(LDLIBS) \
	    $(SF_LDLIBS)

# The same program with the value kernels built for no SIMD at all: its files must be identical.
VALUES_SCALAR_OBJ = $(VALUES_SRC:src/%.c=tests/scalar-%.o)
tests/scalar-%.o: src/%.c include/*.h .flags
	$(CC) $(CFLAGS) $(SF_CFLAGS) $(VALUES_CFLAGS_0) -c -o $@ $<
tests/slabfill-scalar: src/main.o $(filter-out $(VALUES_OBJ),$(LIB_OBJ)) $(VALUES_SCALAR_OBJ)
	$(CC) $(LDFLAGS) $(SF_LDFLAGS) -o $@ src/main.o $(filter-out $(VALUES_OBJ),$(LIB_OBJ)) \
	    $(VALUES_SCALAR_OBJ) $(LDLIBS) $(SF_LDLIBS)

# The same program with fault injection points (src/fault.c, include/sf_fault.h) compiled in:
# tests/faults_test.sh kills it at exact steps. slabfill itself has none.
FAULT_OBJ = $(patsubst src/%.c,tests/faults/%.o,$(LIB_SRC) src/main.c src/fault.c)
tests/faults/%.o: src/%.c include/*.h .flags
	@mkdir -p tests/faults
	$(CC) $(CFLAGS) $(SF_CFLAGS) $(if $(filter $(VALUES_SRC),$<),$(VALUES_CFLAGS_$(SIMD))) \
	    -DSF_FAULT_INJECTION=1 -c -o $@ $<
tests/slabfill-faults: $(FAULT_OBJ)
	$(CC) $(LDFLAGS) $(SF_LDFLAGS) -o $@ $(FAULT_OBJ) $(LDLIBS) $(SF_LDLIBS)
# The examples with them: tests/examples_test.sh kills them at an exact unit.
LIB_FAULT_OBJ = $(filter-out tests/faults/main.o,$(FAULT_OBJ))
EXAMPLE_FAULTS = $(EXAMPLES:examples/%=tests/%-faults)
$(EXAMPLE_FAULTS): tests/%-faults: examples/%.c examples/example_args.h $(LIB_FAULT_OBJ)
	$(CC) $(CFLAGS) $(SF_CFLAGS) $(LDFLAGS) $(SF_LDFLAGS) -o $@ $< $(LIB_FAULT_OBJ) $(LDLIBS) \
	    $(SF_LDLIBS)

# The value kernels alone, without MPI: tests/fill_dump prints sf_fill's bytes for a few ranges.
# tests/cross_test.sh compares this build's (slabfill's own value objects, each kernel) with an
# arm64 build's, made with the value kernels' flags and run under qemu-aarch64.
# Without the cross compiler (scripts/install-deps installs it) there is no arm64 build, and
# tests/cross_test.sh says it skips.
CROSS_CC ?= aarch64-linux-gnu-gcc
FILL_DUMP_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -ffp-contract=off \
                   -fno-fast-math -Iinclude
tests/fill_dump: tests/fill_dump.c $(VALUES_OBJ) include/*.h
	$(CC) -O2 $(FILL_DUMP_CFLAGS) $(SF_LDFLAGS) -o $@ tests/fill_dump.c $(VALUES_OBJ) -lm
tests/fill_dump-aarch64: tests/fill_dump.c $(VALUES_SRC) include/*.h
	if command -v $(CROSS_CC) >/dev/null; then $(CROSS_CC) -static $(FILL_DUMP_CFLAGS) \
	    $(VALUES_CFLAGS_1) -o $@ tests/fill_dump.c $(VALUES_SRC) -lm; fi

# The targets a user types first install what they need (scripts/install-deps, quick when all
# is there), then do their work in a sub-make, which runs pkg-config afresh after the install,
# so one `make check` works on a fresh machine. Command-line variables (CFLAGS=, CC=, HDF5=0,
# SANITIZE=1, PKG_CFLAGS=...) reach the sub-make through MAKEFLAGS.
ENTRY_TARGETS = run check check-slurm bench lint fuzz
DEPS_check-slurm = slurm
DEPS_bench = bench
DEPS_lint = dev
DEPS_fuzz = dev
ifneq ($(SF_DEPS_DONE),1)
# One target at a time here: two sub-makes must not build in the same tree at once.
.NOTPARALLEL:
$(ENTRY_TARGETS):
	@scripts/install-deps $(DEPS_$@)
	@$(MAKE) --no-print-directory SF_DEPS_DONE=1 $@
else
run: slabfill
	$(MPIRUN) -n $(NP) ./slabfill $(RUN_ARGS)

check: slabfill $(TESTS) $(EXAMPLES) $(EXAMPLE_FAULTS) tests/library_test
	@MPIRUN="$(MPIRUN)" PYTHON="$(PYTHON)" SANITIZE="$(SANITIZE)" tests/run

# The jobs/ scripts on a real single-host Slurm (tests/slurm_test.sh); SLURM_TESTS=skip skips.
check-slurm: slabfill
	@MPIRUN="$(MPIRUN)" PYTHON="$(PYTHON)" tests/run slurm

# BENCH=quick (default, 2-3 minutes) or BENCH=full (the seed's 500x2000x2000); see bench/run.
bench: slabfill bench/lib_bench
	@BENCH="$(BENCH)" MPIRUN="$(MPIRUN)" PYTHON="$(PYTHON)" NP="$(BENCH_NP)" IOR="$(IOR)" bench/run

# Static analysis, configured in .clang-tidy and tests/cppcheck.supp; both must be silent.
lint:
	cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,performance,portability \
	    --inline-suppr --library=tests/slabfill.cfg --suppressions-list=tests/cppcheck.supp \
	    -Iinclude src tests/*.c
	clang-tidy --quiet --warnings-as-errors='*' src/*.c -- $(SF_CFLAGS)

fuzz: tests/fuzz_options tests/fuzz_readers
	rm -rf tests/fuzz-corpus && mkdir -p tests/fuzz-corpus/options tests/fuzz-corpus/readers
	tests/fuzz_options -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    -artifact_prefix=tests/fuzz-corpus/ tests/fuzz-corpus/options tests/fuzz-seeds
	tests/fuzz_readers -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -timeout=10 \
	    -artifact_prefix=tests/fuzz-corpus/ tests/fuzz-corpus/readers tests/fuzz-readers-seeds
endif

# What `make run` and `make check` install (scripts/install-deps tells the sets apart).
deps:
	@scripts/install-deps

# libFuzzer over the command-line, shape, size and hint parsers, and over everything read back
# from a file (progress record, .npy header, Zarr metadata, JSON), for FUZZ_SECONDS each.
FUZZ_CFLAGS = -g -O1 $(SF_CFLAGS) -fsanitize=fuzzer,address,undefined
# The command line reads the backend table (--help, --compare's files), so the whole library.
tests/fuzz_options: tests/fuzz_options.c $(LIB_SRC) include/*.h
	clang $(FUZZ_CFLAGS) -o $@ tests/fuzz_options.c $(LIB_SRC) $(SF_LDLIBS)

tests/fuzz_readers: tests/fuzz_readers.c $(LIB_SRC) include/*.h
	clang $(FUZZ_CFLAGS) -o $@ tests/fuzz_readers.c $(LIB_SRC) $(SF_LDLIBS)

# The program, and the library as a user's build finds it: the header, the libraries and
# pkg-config's slabfill.pc (tests/install_test.sh builds an example against a DESTDIR install).
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/include \
	    $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 755 slabfill $(DESTDIR)$(PREFIX)/bin/slabfill
	install -m 644 include/slabfill.h $(DESTDIR)$(PREFIX)/include/slabfill.h
	install -m 644 libslabfill.a $(DESTDIR)$(PREFIX)/lib/libslabfill.a
	sed -e 's|@VERSION@|$(VERSION)|' -e 's|@REQUIRES@|$(PKGS)|' \
	    -e 's|@LIBS@|$(if $(filter 1,$(HDF5)),$(HDF5_HL)) -lm -lpthread|' slabfill.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/slabfill.pc
ifeq ($(SHARED),1)
	install -m 755 $(SHLIB) $(DESTDIR)$(PREFIX)/lib/$(SHLIB)
	ln -sf $(SHLIB) $(DESTDIR)$(PREFIX)/lib/libslabfill.so.$(firstword $(subst ., ,$(VERSION)))
	ln -sf $(SHLIB) $(DESTDIR)$(PREFIX)/lib/libslabfill.so
endif

clean:
	rm -f slabfill libslabfill.a libslabfill.so.* src/*.o $(TESTS) tests/*.o \
	    tests/fuzz_options tests/fuzz_readers $(EXAMPLE_FAULTS) $(EXAMPLES) bench/lib_bench .flags
	rm -rf tests/faults

.PHONY: all deps run check check-slurm lint fuzz bench install clean examples FORCE
