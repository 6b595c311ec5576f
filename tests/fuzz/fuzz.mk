# libFuzzer targets (clang; Debian: clang libclang-rt-14-dev), built into
# $(B)/fuzz/ with ASan+UBSan:
#   make fuzz        each target for FUZZ_SECONDS (60), its corpus kept in
#                    $(B)/fuzz/corpus/<t>/ (seeded from tests/fuzz/corpus/)
#   make fuzz-long   each target for FUZZ_LONG_SECONDS (30) on a temp copy of
#                    its committed corpus (make check-long)
# Both replay tests/fuzz/regress/<t>/ first and fail on any crash; a crash
# input is kept in $(B)/fuzz/crashes/<t>/ (move it to regress/ once fixed).
# FUZZ_TARGETS=json picks targets; one fuzzer runs at a time.
# By hand: libFuzzer writes new inputs into the first directory it is
# given, so give it a scratch copy, never tests/fuzz/corpus/<t>; and give
# fuzz_resolve absolute paths (it chdirs into its scratch tree), e.g.
#   cp -r tests/fuzz/corpus/resolve /tmp/c && build/fuzz/fuzz_resolve \
#	-dict=$PWD/tests/fuzz/resolve.dict /tmp/c
#   build/fuzz/fuzz_resolve $PWD/tests/fuzz/regress/resolve/*   (replay)

FUZZ_CC           ?= clang
FUZZ_SECONDS      ?= 60
FUZZ_LONG_SECONDS ?= 30
FUZZ_ALL          := wire path resolve json status sdenv jsonl procparse
FUZZ_ALL          += statusread
FUZZ_ALL          += journal
FUZZ_ALL          += progparse
FUZZ_ALL          += policyfile
FUZZ_ALL          += logread
FUZZ_TARGETS      ?= $(FUZZ_ALL)
FUZZ_CFLAGS        = -std=gnu11 $(WARN) -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer \
		     -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		     -I. -Icommon -Itracerd -Irun -Itests/fuzz -Itests/unit

# Each target links only the real sources it exercises.
FUZZ_SRC_wire    := common/wire.c
FUZZ_SRC_statusread := tracerd/statusread.c tracerd/procstat.c tracerd/jread.c tracerd/json.c \
		       tracerd/policyshow.c tracerd/statuscmd.c tracerd/statusprint.c \
		       tracerd/policyfile.c tracerd/policyset.c tracerd/ident.c \
		       common/wire.c common/sockname.c
FUZZ_SRC_path    := tracerd/target.c tracerd/canon.c tracerd/creds.c tracerd/ident.c \
		    tracerd/log.c
FUZZ_SRC_resolve := tests/fuzz/fuzz_tree.c $(RESOLVE_SRC)
FUZZ_SRC_json    := tracerd/json.c tests/unit/jsoncheck.c
FUZZ_SRC_status  := tracerd/target.c tracerd/canon.c tracerd/creds.c tracerd/ident.c \
		    tracerd/log.c
FUZZ_SRC_jsonl   := run/jsonl.c run/summary.c tracerd/statepath.c tracerd/json.c tracerd/jread.c tests/unit/jsoncheck.c
FUZZ_SRC_procparse := shim/procparse.c
FUZZ_SRC_logread := tracerd/logrec.c tracerd/logfilter.c tracerd/logtable.c tracerd/logesc.c \
		    tracerd/logsummary.c tracerd/logcount.c tracerd/logtime.c tracerd/jread.c \
		    tracerd/json.c tests/unit/jsoncheck.c
FUZZ_SRC_policyfile := tracerd/policyfile.c tracerd/policyset.c tracerd/ident.c
FUZZ_SRC_journal := tracerd/journal_fmt.c tracerd/syslogout.c tracerd/jread.c tracerd/json.c
FUZZ_SRC_progparse := tracerd/progparse.c
FUZZ_SRC_sdenv   := tracerd/sdnotify.c tracerd/activation.c tracerd/canon.c tracerd/fdstore.c \
		    tracerd/inflight.c

define fuzz_rule
$(B)/fuzz/fuzz_$(1): tests/fuzz/fuzz_$(1).c $$(FUZZ_SRC_$(1)) $$(HDRS) \
		$$(wildcard tests/fuzz/*.h run/*.h) tests/unit/jsoncheck.h tests/fuzz/fuzz.mk
	@command -v $$(FUZZ_CC) >/dev/null || { echo "fuzz: $$(FUZZ_CC) not found;" \
		"install it: apt-get install -y clang libclang-rt-14-dev"; exit 1; }
	@mkdir -p $$(@D)
	$$(FUZZ_CC) $$(FUZZ_CFLAGS) -o $$@ tests/fuzz/fuzz_$(1).c $$(FUZZ_SRC_$(1))
endef
$(foreach t,$(FUZZ_ALL),$(eval $(call fuzz_rule,$(t))))

FUZZ_BINS := $(addprefix $(B)/fuzz/fuzz_,$(FUZZ_TARGETS))

.PHONY: fuzz fuzz-long fuzz-build
fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	tests/fuzz/run.sh fuzz $(B)/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-long: $(FUZZ_BINS)
	tests/fuzz/run.sh long $(B)/fuzz $(FUZZ_LONG_SECONDS) $(FUZZ_TARGETS)
