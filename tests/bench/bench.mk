# `make bench`: the side-by-side benchmark of issue 7 (tests/bench/run.sh).
# Programs in $(B)/bench/: bench-loop (the measured loops), bench-sup (the
# launcher and the floor/seed-style/facts supervisors), bench-start (process
# start), minshim.so + bench-minsrv (the start floor: the minimal handoff).
# $(B)/stages/tracerd (Makefile): the daemon with the per-stage clock of
# issue 20, for tests/bench/stages.sh.

BENCH_DIR := $(B)/bench
BENCH_BINS := $(BENCH_DIR)/bench-loop $(BENCH_DIR)/bench-sup $(BENCH_DIR)/bench-start \
	$(BENCH_DIR)/minshim.so $(BENCH_DIR)/bench-minsrv
BENCH_HDRS := tests/bench/bench.h tests/bench/serve.h $(HDRS)

$(BENCH_DIR):
	@mkdir -p $@

$(BENCH_DIR)/bench-loop: tests/bench/loop.c tests/bench/util.c $(BENCH_HDRS) | $(BENCH_DIR)
	$(CC) $(CFLAGS) -o $@ tests/bench/loop.c tests/bench/util.c $(LDFLAGS)

BENCH_SUP_SRC := tests/bench/sup.c tests/bench/serve.c tests/bench/facts.c tests/bench/util.c \
	shim/filter.c $(COMMON_SRC)

$(BENCH_DIR)/bench-sup: $(BENCH_SUP_SRC) $(BENCH_HDRS) | $(BENCH_DIR)
	$(CC) $(CFLAGS) -o $@ $(BENCH_SUP_SRC) $(LDFLAGS)

$(BENCH_DIR)/bench-start: tests/bench/start.c tests/bench/util.c $(BENCH_HDRS) | $(BENCH_DIR)
	$(CC) $(CFLAGS) -o $@ tests/bench/start.c tests/bench/util.c $(LDFLAGS)

$(BENCH_DIR)/minshim.so: tests/bench/minshim.c shim/filter.c $(COMMON_SRC) $(BENCH_HDRS) \
		| $(BENCH_DIR)
	$(CC) $(CFLAGS) -fPIC -fvisibility=hidden -shared -Wl,-z,defs -o $@ \
		tests/bench/minshim.c shim/filter.c $(COMMON_SRC) $(LDFLAGS)

$(BENCH_DIR)/bench-minsrv: tests/bench/minsrv.c $(COMMON_SRC) $(BENCH_HDRS) | $(BENCH_DIR)
	$(CC) $(CFLAGS) -o $@ tests/bench/minsrv.c $(COMMON_SRC) $(LDFLAGS)

bench-bins: $(BENCH_BINS)

bench: all $(BENCH_BINS) $(B)/stages/tracerd
	B=$(B) BENCH_THREADS=$(BENCH_THREADS) \
		BENCH_CMD='make bench' bash tests/bench/run.sh
	B=$(B) bash tests/bench/stages.sh
	B=$(B) bash tests/bench/inflight.sh
	B=$(B) bash tests/bench/spawn.sh
	B=$(B) bash tests/bench/outputs.sh
	B=$(B) bash tests/bench/policy.sh
	B=$(B) bash tests/bench/world.sh

.PHONY: bench-bins
