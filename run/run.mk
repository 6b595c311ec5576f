# notif-run (issue 17), included from the Makefile: the library's hand-off
# done before exec. It shares the library's code (shim/handoff.c,
# shim/filter.c, shim/autostart.c, shim/procparse.c, common/) and tracerd's
# UTF-8 check, line reader and default log path (tracerd/json.c, jread.c,
# statepath.c), compiled in, not copied.
RUN_SRC := $(wildcard run/*.c) shim/handoff.c shim/filter.c tracerd/json.c tracerd/jread.c \
	   tracerd/statepath.c \
	   $(wildcard shim/autostart.c shim/procparse.c) $(COMMON_SRC)
RUN_HDRS := $(wildcard run/*.h)

$(B)/notif-run: $(RUN_SRC) $(RUN_HDRS) $(HDRS) run/run.mk | $(B)
	$(CC) $(CFLAGS) -o $@ $(RUN_SRC) $(LDFLAGS)
