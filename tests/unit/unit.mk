# cmocka unit tests: one binary per module in $(B)/unit/, each linked with
# the module's own sources and run under valgrind. `make unit`.
#
# A module test is tests/unit/test_<m>.c plus any tests/unit/test_<m>_*.c
# parts; UNIT_SRC_<m> names the module sources it links, UNIT_LDFLAGS_<m>
# any -Wl,--wrap= fakes it needs. One binary: make build/unit/test_<m>.

# Every module listed is built: a missing source is make's error ("No
# rule to make target"), never a test that quietly vanishes.
UNIT_TESTS := wire sockname syscalls filter handoff json policy options audit target resolve \
	      sdnotify activation rejects procparse
UNIT_TESTS += predict
UNIT_TESTS += review_status
UNIT_TESTS += policyfile
UNIT_TESTS += statusread
UNIT_TESTS += progparse
UNIT_TESTS += logcmd
UNIT_TESTS += jread
UNIT_TESTS += rules
UNIT_TESTS += journal

UNIT_SRC_wire     := common/wire.c
UNIT_SRC_predict  := tracerd/predict.c
UNIT_SRC_statusread := tracerd/statusread.c tracerd/procstat.c tracerd/jread.c tracerd/json.c \
			tracerd/policyshow.c tracerd/statuscmd.c tracerd/statusprint.c \
			tracerd/policyfile.c tracerd/policyset.c tracerd/ident.c \
			common/wire.c common/sockname.c
UNIT_SRC_review_status := $(UNIT_SRC_statusread)
UNIT_SRC_sockname := common/sockname.c
UNIT_SRC_syscalls := common/syscalls.c
UNIT_SRC_filter   := shim/filter.c common/syscalls.c common/wire.c
UNIT_SRC_handoff  := shim/handoff.c common/sockname.c common/wire.c
UNIT_LDFLAGS_handoff := -Wl,--wrap=prctl -pthread
UNIT_SRC_procparse := shim/procparse.c
UNIT_SRC_progparse := tracerd/progparse.c
UNIT_SRC_logcmd := tracerd/logtime.c tracerd/logrec.c tracerd/logfilter.c tracerd/logcmd_opts.c \
		   tracerd/logesc.c tracerd/logtable.c tracerd/logsummary.c tracerd/logcount.c \
		   tracerd/jread.c tracerd/json.c
UNIT_SRC_journal := tracerd/journal.c tracerd/journal_fmt.c tracerd/syslogout.c \
		    tracerd/jread.c tracerd/json.c tracerd/log.c tracerd/hooks.c
UNIT_LDFLAGS_journal := -pthread

# tracerd's parts
# the audit log's outputs (journal, syslog) and its file work (rotation)
AUDIT_OUT_SRC  := tracerd/journal.c tracerd/journal_fmt.c tracerd/syslogout.c tracerd/jread.c \
		  tracerd/json.c tracerd/log.c tracerd/hooks.c
AUDIT_FILE_SRC := tracerd/audit_event.c tracerd/outputs.c tracerd/rotate.c tracerd/logfile.c \
		  tracerd/journal.c tracerd/journal_fmt.c tracerd/syslogout.c tracerd/jread.c \
		  tracerd/json.c tracerd/hooks.c
UNIT_SRC_json    := tracerd/json.c tests/unit/jsoncheck.c
UNIT_SRC_jread   := tracerd/jread.c tracerd/json.c
UNIT_SRC_policy  := tracerd/policy.c
UNIT_SRC_policyfile := tracerd/policyfile.c tracerd/policyset.c tracerd/ident.c tracerd/whatif.c \
		       tracerd/suggest.c tracerd/policylog.c tracerd/policypath.c tracerd/jread.c \
		       tracerd/json.c
UNIT_SRC_options := tracerd/options.c tracerd/statepath.c $(AUDIT_OUT_SRC)
UNIT_LDFLAGS_options := -pthread
UNIT_SRC_audit   := tracerd/audit.c tracerd/audit_line.c tracerd/log.c tracerd/policy.c \
		    tracerd/stats.c common/syscalls.c tests/unit/jsoncheck.c $(AUDIT_FILE_SRC)
UNIT_LDFLAGS_audit := -pthread -Wl,--wrap=write -Wl,--wrap=fallocate
UNIT_SRC_target  := tracerd/target.c tracerd/canon.c tracerd/creds.c tracerd/ident.c \
		    tracerd/log.c
UNIT_SRC_resolve := $(RESOLVE_SRC) tracerd/emulate.c
UNIT_SRC_rules   := tracerd/rules.c tracerd/policyset.c tracerd/policyfile.c $(RESOLVE_SRC)
UNIT_LDFLAGS_rules := -pthread
UNIT_SRC_rejects := tracerd/rejects.c tracerd/pool.c tracerd/audit.c tracerd/audit_line.c \
		    $(AUDIT_FILE_SRC) \
		    tracerd/log.c tracerd/policy.c tracerd/stats.c common/syscalls.c \
		    tests/unit/jsoncheck.c
UNIT_LDFLAGS_rejects := -pthread
UNIT_SRC_sdnotify   := tracerd/sdnotify.c
UNIT_SRC_activation := tracerd/activation.c tracerd/canon.c tracerd/fdstore.c tracerd/inflight.c \
		       tracerd/sdnotify.c
UNIT_LDFLAGS_resolve := -pthread

# valgrind 3.19 lacks openat2(2), which the resolver needs: those tests
# run under ASan+UBSan instead (leak detection on).
UNIT_ASAN := resolve
UNIT_ASAN_FLAGS := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all

UNIT_BINS := $(addprefix $(B)/unit/test_,$(UNIT_TESTS))
UNIT_CFLAGS = $(CFLAGS) -I. -Icommon -Ishim -Itracerd
UNIT_VALGRIND ?= valgrind --quiet --error-exitcode=1 --leak-check=full \
	--errors-for-leak-kinds=definite,indirect,possible --child-silent-after-fork=yes

define unit_rule
UNIT_PARTS_$(1) := tests/unit/test_$(1).c $$(wildcard tests/unit/test_$(1)_*.c)
$(B)/unit/test_$(1): $$(UNIT_PARTS_$(1)) $$(UNIT_SRC_$(1)) $$(HDRS) \
		$$(wildcard tests/unit/*.h) tests/unit/unit.mk
	@mkdir -p $$(@D)
	$$(CC) $$(UNIT_CFLAGS) $$(if $$(filter $(1),$$(UNIT_ASAN)),$$(UNIT_ASAN_FLAGS)) \
		-o $$@ $$(UNIT_PARTS_$(1)) $$(UNIT_SRC_$(1)) \
		$$(UNIT_LDFLAGS_$(1)) $$(LDFLAGS) -lcmocka
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))

.PHONY: unit unit-build
unit-build: $(UNIT_BINS)

# Every binary runs even when an earlier one fails; the target fails if any
# did. cmocka prints each binary's own summary.
unit: $(UNIT_BINS)
	@fail=0; \
	for m in $(UNIT_TESTS); do \
		t=$(B)/unit/test_$$m; run="$(UNIT_VALGRIND)"; \
		case " $(UNIT_ASAN) " in *" $$m "*) run="env ASAN_OPTIONS=detect_leaks=1";; esac; \
		echo "== $$t"; \
		$$run $$t || { echo "FAILED: $$t"; fail=1; }; \
	done; \
	if [ $$fail -ne 0 ]; then echo "unit: some tests FAILED"; exit 1; fi; \
	echo "unit: all $(words $(UNIT_BINS)) binaries passed"
