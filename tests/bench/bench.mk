# `make bench`: the side-by-side benchmark of issue 7 (tests/bench/run.sh).
# Programs in $(B)/bench/: bench-loop (the measured loops), bench-sup (the
# launcher and the floor/seed-style supervisors), bench-start (process start).

BENCH_DIR := $(B)/bench
BENCH_BINS := $(BENCH_DIR)/bench-loop $(BENCH_DIR)/bench-sup $(BENCH_DIR)/bench-start
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

bench-bins: $(BENCH_BINS)

bench: all $(BENCH_BINS)
	B=$(B) BENCH_THREADS=$(BENCH_THREADS) \
		BENCH_CMD='make bench' bash tests/bench/run.sh

.PHONY: bench-bins
