# libnotif + tracerd. `make` builds build/libnotif.so and build/tracerd.
CC      ?= cc
B       := build
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wmissing-declarations -Wpointer-arith -Wcast-qual -Wformat=2 -Wswitch-enum \
           -Wno-missing-field-initializers
CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 $(WARN) -D_GNU_SOURCE -D_FORTIFY_SOURCE=2
LDFLAGS ?=

COMMON_SRC  := common/sockname.c common/syscalls.c common/wire.c
SHIM_SRC    := shim/shim.c shim/filter.c shim/handoff.c shim/autostart.c shim/procparse.c $(COMMON_SRC)
TRACERD_SRC := $(wildcard tracerd/*.c) $(COMMON_SRC)
HDRS        := $(wildcard common/*.h shim/*.h tracerd/*.h)
# the resolver and what it stands on, for the unit tests and the fuzzer
RESOLVE_SRC := tracerd/resolve.c tracerd/walk.c tracerd/canon.c tracerd/ident.c \
	       tracerd/procid.c tracerd/creds.c tracerd/target.c tracerd/log.c

.PHONY: all clean test check-long demo bench fuzz examples-test unit integration asan multilib cross-check clang-check lint \
	install uninstall man-lint
all: $(B)/libnotif.so $(B)/tracerd $(B)/lib/x86_64-linux-gnu/libnotif.so $(B)/notif-run

$(B)/libnotif.so: $(SHIM_SRC) $(HDRS) shim/libnotif.lds | $(B)
	$(CC) $(CFLAGS) -fPIC -fvisibility=hidden -shared -Wl,-z,defs \
		-Wl,--version-script=shim/libnotif.lds -o $@ $(SHIM_SRC) $(LDFLAGS)

# A test build of the library, without WAIT_KILLABLE_RECV (the tests of
# that fallback): no production process reads a switch for it.
$(B)/test/libnotif.so: $(SHIM_SRC) $(HDRS) shim/libnotif.lds
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -DNOTIF_TEST_NO_KILLABLE -fPIC -fvisibility=hidden -shared -Wl,-z,defs \
		-Wl,--version-script=shim/libnotif.lds -o $@ $(SHIM_SRC) $(LDFLAGS)

# LD_PRELOAD='$(B)/$$LIB/libnotif.so' loads the library matching each program:
# ld.so expands $$LIB to lib/x86_64-linux-gnu, and to lib32 (Debian's
# multilib) or lib/i386-linux-gnu (multiarch) in 32-bit programs.
$(B)/lib/x86_64-linux-gnu/libnotif.so: $(B)/libnotif.so
	@mkdir -p $(@D)
	cp $< $@

# Debian's gcc-multilib provides /usr/include/asm for -m32, but conflicts
# with the cross compilers; a private link does the same job.
multilib: $(B)/lib32/libnotif.so
$(B)/lib32/libnotif.so: $(SHIM_SRC) $(HDRS) shim/libnotif.lds
	@mkdir -p $(@D) $(B)/lib/i386-linux-gnu $(B)/inc32
	ln -sfn /usr/include/x86_64-linux-gnu/asm $(B)/inc32/asm
	$(CC) -m32 -isystem $(B)/inc32 $(CFLAGS) -fPIC -fvisibility=hidden -shared -Wl,-z,defs \
		-Wl,--version-script=shim/libnotif.lds -o $@ $(SHIM_SRC) $(LDFLAGS)
	ln -sf ../../lib32/libnotif.so $(B)/lib/i386-linux-gnu/libnotif.so

# The aarch64 row of the table must at least build (filter and library).
AARCH64_CC ?= $(firstword $(shell command -v aarch64-linux-gnu-gcc aarch64-linux-gnu-gcc-12 2>/dev/null))
cross-check:
	@if [ -z "$(AARCH64_CC)" ]; then echo "cross-check: no aarch64 cross compiler, skipped"; \
	else mkdir -p $(B)/aarch64 && \
	$(AARCH64_CC) $(CFLAGS) -fPIC -fvisibility=hidden -shared -Wl,-z,defs \
		-Wl,--version-script=shim/libnotif.lds -o $(B)/aarch64/libnotif.so $(SHIM_SRC) && \
	$(AARCH64_CC) $(CFLAGS) -pthread -o $(B)/aarch64/tracerd $(TRACERD_SRC) && \
	echo "cross-check: aarch64 libnotif.so and tracerd build"; fi

$(B)/tracerd: $(TRACERD_SRC) $(HDRS) | $(B)
	$(CC) $(CFLAGS) -pthread -Wl,--export-dynamic-symbol=tracerd_marker -o $@ \
		$(TRACERD_SRC) $(LDFLAGS)

# The daemon again with ASan+UBSan (leak detection on) for the test run.
$(B)/asan/tracerd: $(TRACERD_SRC) $(HDRS)
	@mkdir -p $(B)/asan
	$(CC) -std=gnu11 $(WARN) -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer \
		-fsanitize=address,undefined -fno-sanitize-recover=all -pthread \
		-Wl,--export-dynamic-symbol=tracerd_marker -o $@ $(TRACERD_SRC)

# The daemon with the per-stage clock of issue 20 (tracerd/stages.h) for
# make bench's stage table; the marks are nothing in every other build.
$(B)/stages/tracerd: $(TRACERD_SRC) $(HDRS) tests/bench/stagesdump.c
	@mkdir -p $(B)/stages
	$(CC) $(CFLAGS) -DTRACERD_STAGES -pthread -Wl,--export-dynamic-symbol=tracerd_marker \
		-o $@ $(TRACERD_SRC) tests/bench/stagesdump.c $(LDFLAGS)

$(B):
	@mkdir -p $(B)

# the 32-bit library is part of what the integration suite checks
integration integration-asan: multilib

-include run/run.mk
-include tests/unit/unit.mk
-include tests/integration/integration.mk
-include tests/bench/bench.mk
-include tests/fuzz/fuzz.mk
-include examples/examples.mk
-include install.mk

# Both compilers must build the sources cleanly with the warning set.
clang-check:
	@if command -v clang >/dev/null; then $(MAKE) --no-print-directory CC=clang B=$(B)/clang all; \
	else echo "clang-check: clang is not installed" >&2; exit 1; fi

lint: man-lint
	tools/lint.sh cppcheck
	tools/lint.sh shape

# The README's commands.
demo: all
	tools/demo.sh

test: all
	tools/ensure-deps.sh
	$(MAKE) multilib cross-check clang-check lint
	$(MAKE) unit
	$(MAKE) integration
	$(MAKE) integration-asan
	$(MAKE) examples-test

check-long: all
	$(MAKE) integration-long
	$(MAKE) fuzz-long

clean:
	rm -rf $(B)
