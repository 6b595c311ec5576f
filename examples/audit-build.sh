#!/bin/bash
# audit-build.sh: audit what a build creates. A small make-driven C project
# builds its tree under libnotif.so (make, sh, mkdir, install and the
# compiler all run supervised by one private tracerd); then the audit log
# tells what the build tried to create, grouped by directory. Its output
# tree lies under /tmp (allowed); the cache it tries to make under
# /var/cache is refused, and make goes on without it.
#
# Usage: examples/audit-build.sh        (after `make`)
# shellcheck source=examples/lib.sh
. "$(dirname "$0")/lib.sh"
ex_init audit-build

proj=$EX/project
out=$EX/out
cache=/var/cache/notif-ex-hello-$$
mkdir -p "$proj/src"
cat >"$proj/src/hello.c" <<'EOF'
void greet(const char *who);
int main(void) { greet("world"); return 0; }
EOF
cat >"$proj/src/greet.c" <<'EOF'
#include <stdio.h>
void greet(const char *who) { printf("hello, %s\n", who); }
EOF
cat >"$proj/Makefile" <<'EOF'
OUT ?= out
CACHE ?= /var/cache/hello-build
OBJS := $(OUT)/obj/hello.o $(OUT)/obj/greet.o

all: cache $(OUT)/bin/hello $(OUT)/share/doc/hello/README

cache:
	@mkdir -p $(CACHE) || echo "make: no cache at $(CACHE), building without it"

$(OUT)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) -O2 -c -o $@ $<

$(OUT)/bin/hello: $(OBJS)
	@mkdir -p $(@D)
	$(CC) -o $@ $(OBJS)

$(OUT)/share/doc/hello/README:
	install -d $(@D) $(OUT)/share/man/man1
	echo "hello: says hello" >$@

.PHONY: all cache
EOF

ex_start
ex_say "make, supervised (OUT=$out, CACHE=$cache)"
(cd "$proj" && ex_run make --no-print-directory OUT="$out" CACHE="$cache" CC=cc 2>&1) ||
	ex_die "the build failed"
ex_stop

ex_say "what the build tried to create, by directory (from the audit log)"
"$PY" "$EX_TOP/examples/audit-view.py" "$EX_LOG" group

ex_say "the tree it built"
(cd "$out" && find . -mindepth 1 -printf '  %y %m %P\n' | sort -k3)
ex_say "running the result"
"$out/bin/hello"
if [ -e "$cache" ]; then
	rmdir "$cache"
	ex_die "$cache exists: the denied cache was created"
fi
echo "  $cache was not created (denied)"
