# examples/: the seed's experiments (build/seed-demo), a fork-and-exec
# program for the walkthroughs (build/fork-tree) and the walkthrough
# scripts. `make examples-test` builds everything, runs each example and
# checks its output (ok / not ok lines, then `N passed, N failed`).

EXAMPLES_SEED_SRC := examples/seed-demo.c examples/seed-target.c examples/seed-tracer.c \
		     shim/filter.c common/syscalls.c common/wire.c
EXAMPLES_BINS := $(B)/seed-demo $(B)/fork-tree

$(B)/seed-demo: $(EXAMPLES_SEED_SRC) examples/seed-demo.h $(HDRS) | $(B)
	$(CC) $(CFLAGS) -o $@ $(EXAMPLES_SEED_SRC) $(LDFLAGS)

$(B)/fork-tree: examples/fork-tree.c | $(B)
	$(CC) $(CFLAGS) -o $@ examples/fork-tree.c $(LDFLAGS)

.PHONY: examples
examples: $(EXAMPLES_BINS)

examples-test: all $(EXAMPLES_BINS)
	@examples/test-examples.sh $(B)
