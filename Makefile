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
SHIM_SRC    := shim/shim.c shim/filter.c shim/handoff.c $(COMMON_SRC)
TRACERD_SRC := $(wildcard tracerd/*.c) $(COMMON_SRC)
HDRS        := $(wildcard common/*.h shim/*.h tracerd/*.h)

.PHONY: all clean test check-long demo bench fuzz examples-test unit integration asan
all: $(B)/libnotif.so $(B)/tracerd

$(B)/libnotif.so: $(SHIM_SRC) $(HDRS) shim/libnotif.lds | $(B)
	$(CC) $(CFLAGS) -fPIC -fvisibility=hidden -shared -Wl,-z,defs \
		-Wl,--version-script=shim/libnotif.lds -o $@ $(SHIM_SRC) $(LDFLAGS)

$(B)/tracerd: $(TRACERD_SRC) $(HDRS) | $(B)
	$(CC) $(CFLAGS) -pthread -Wl,--export-dynamic-symbol=tracerd_marker -o $@ \
		$(TRACERD_SRC) $(LDFLAGS)

# The daemon again with ASan+UBSan (leak detection on) for the test run.
$(B)/asan/tracerd: $(TRACERD_SRC) $(HDRS)
	@mkdir -p $(B)/asan
	$(CC) -std=gnu11 $(WARN) -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer \
		-fsanitize=address,undefined -fno-sanitize-recover=all -pthread \
		-Wl,--export-dynamic-symbol=tracerd_marker -o $@ $(TRACERD_SRC)

$(B):
	@mkdir -p $(B)

-include tests/unit/unit.mk
-include tests/integration/integration.mk
-include tests/bench/bench.mk
-include tests/fuzz/fuzz.mk
-include examples/examples.mk

# The README's commands.
demo: all
	tools/demo.sh

test: all
	tools/ensure-deps.sh
	$(MAKE) unit
	$(MAKE) integration
	$(MAKE) integration-asan
	$(MAKE) examples-test

check-long: all
	$(MAKE) integration-long
	$(MAKE) fuzz-long

clean:
	rm -rf $(B)
