# Integration tests: real tracerd, real programs under the real library.
#   make integration        against $(B)/tracerd
#   make integration-asan   against the ASan+UBSan $(B)/asan/tracerd (leak
#                           detection on; a sanitizer report fails the run)
# Test programs are built into $(B)/progs/.
IT_DIR      := tests/integration
IT_PROG_SRC := $(filter-out %_so.c,$(wildcard $(IT_DIR)/progs/*.c))
IT_SO_SRC   := $(wildcard $(IT_DIR)/progs/*_so.c)
IT_PROGS    := $(patsubst $(IT_DIR)/progs/%.c,$(B)/progs/%,$(IT_PROG_SRC)) \
	       $(patsubst $(IT_DIR)/progs/%_so.c,$(B)/progs/%.so,$(IT_SO_SRC)) \
	       $(B)/progs/mk-static $(B)/progs/mk32
IT_ASAN_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:verify_asan_link_order=0 \
	       UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

.PHONY: integration integration-asan integration-long integration-progs
integration-progs: $(IT_PROGS) $(B)/test/libnotif.so

$(B)/progs/%: $(IT_DIR)/progs/%.c | $(B)/progs
	$(CC) $(CFLAGS) -pthread -o $@ $< $(LDFLAGS)

$(B)/progs/%.so: $(IT_DIR)/progs/%_so.c | $(B)/progs
	$(CC) $(CFLAGS) -fPIC -shared -pthread -o $@ $< $(LDFLAGS)

# the same one-call tool, static: a static child of a supervised program
$(B)/progs/mk-static: $(IT_DIR)/progs/mk.c | $(B)/progs
	$(CC) $(CFLAGS) -static -pthread -o $@ $< $(LDFLAGS)

# a 32-bit build of it (gcc-multilib); without a -m32 toolchain the 32-bit
# tests say so and skip
$(B)/progs/mk32: $(IT_DIR)/progs/mk.c | $(B)/progs
	$(CC) -m32 $(CFLAGS) -idirafter /usr/include/x86_64-linux-gnu -pthread -o $@ $< \
		$(LDFLAGS) || \
		{ echo "integration: no -m32 toolchain, the 32-bit tests will skip"; rm -f $@; }

$(B)/progs:
	@mkdir -p $@

integration: all integration-progs
	TRACERD=$(B)/tracerd bash $(IT_DIR)/run.sh

integration-asan: all $(B)/asan/tracerd integration-progs
	$(IT_ASAN_ENV) TRACERD=$(B)/asan/tracerd bash $(IT_DIR)/run.sh

# make check-long: the race cases again with more rounds, against the ASan
# daemon (issue 3: thousands of rounds; issue 6: long suites)
integration-long: all $(B)/asan/tracerd integration-progs
	$(IT_ASAN_ENV) NOTIF_RACE_ROUNDS=100000 NOTIF_TEST_TIMEOUT=900 TRACERD=$(B)/asan/tracerd \
		bash $(IT_DIR)/run.sh $(IT_DIR)/t-paths.sh
# issue 5 at full size (load, storms): the plain daemon for the figures,
# then the ASan one
	NOTIF_TEST_TIMEOUT=900 TRACERD=$(B)/tracerd bash $(IT_DIR)/run.sh $(IT_DIR)/long/t-*.sh
	$(IT_ASAN_ENV) NOTIF_TEST_TIMEOUT=900 TRACERD=$(B)/asan/tracerd \
		bash $(IT_DIR)/run.sh $(IT_DIR)/long/t-*.sh
# issue 18's review: the exe= races with more tries (make test: 80);
# issue 19: policy reloads under load, 300 of them (make test: 60)
	$(IT_ASAN_ENV) NOTIF_REVIEW_TRIES=300 NOTIF_RELOADS=300 TRACERD=$(B)/asan/tracerd \
		bash $(IT_DIR)/run.sh $(IT_DIR)/t-review.sh $(IT_DIR)/t-policy.sh
# issue 13: no wake-up of an idle tracerd in 10 s, also with 1 000 programs
	NOTIF_IDLE="10 1000" TRACERD=$(B)/tracerd bash $(IT_DIR)/run.sh $(IT_DIR)/t-idle.sh
