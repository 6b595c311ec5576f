# make install / make uninstall (issue 15), included from the Makefile.
#
#   make install   [PREFIX=/usr/local] [DESTDIR=] [USERUNITDIR=$(PREFIX)/lib/systemd/user]
#   make uninstall (the same variables): removes exactly the files install put
#
# The library goes where ld.so's $LIB finds it, so that
# LD_PRELOAD='$(PREFIX)/$LIB/libnotif.so' serves 64- and 32-bit programs:
# lib/x86_64-linux-gnu, and, when the 32-bit build exists (make multilib),
# lib/i386-linux-gnu and lib32 (this machine's multilib ld.so says lib32).
# With DESTDIR nothing outside it is touched: no ldconfig, no systemctl.
# Without DESTDIR, as root, ldconfig runs, so that a prefix whose library
# directory is in ld.so's cache serves the bare LD_PRELOAD=libnotif.so.
# A user installing into ~/.local sets USERUNITDIR=~/.config/systemd/user
# (systemd 252 does not search ~/.local/lib/systemd/user).
PREFIX      ?= /usr/local
DESTDIR     ?=
BINDIR      ?= $(PREFIX)/bin
MANDIR      ?= $(PREFIX)/share/man
USERUNITDIR ?= $(PREFIX)/lib/systemd/user
LDCONFIG    ?= ldconfig

# What is installed. A later program or page is one more word here.
INSTALL_BINS  := tracerd notif-run
INSTALL_MAN1  := tracerd.1 notif-run.1
INSTALL_MAN5  := tracerd-audit.5
INSTALL_MAN7  := libnotif.7
INSTALL_UNITS := tracerd.socket tracerd.service
# $LIB directories (under PREFIX) of the 64-bit and of the 32-bit library
INSTALL_LIB64 := lib/x86_64-linux-gnu
INSTALL_LIB32 := lib/i386-linux-gnu lib32

# the 32-bit library is installed when it has been built (rebuilt if stale)
LIB32_BUILT := $(wildcard $(B)/lib32/libnotif.so)

# what the units say: the installed paths, as the unit files will read them
UNIT_SED := -e 's|@bindir@|$(BINDIR)|g' -e 's|@prefix@|$(PREFIX)|g'

.PHONY: install uninstall man-lint
install: $(addprefix $(B)/,$(INSTALL_BINS) libnotif.so) $(LIB32_BUILT) \
		$(addprefix units/,$(addsuffix .in,$(INSTALL_UNITS)))
	install -d -m 0755 $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(USERUNITDIR) $(DESTDIR)$(PREFIX)/$(INSTALL_LIB64)
	install -m 0755 $(addprefix $(B)/,$(INSTALL_BINS)) $(DESTDIR)$(BINDIR)/
	install -m 0644 $(B)/libnotif.so $(DESTDIR)$(PREFIX)/$(INSTALL_LIB64)/libnotif.so
	@set -e; if [ -f $(B)/lib32/libnotif.so ]; then \
		for d in $(INSTALL_LIB32); do \
			echo "install -m 0644 $(B)/lib32/libnotif.so $(DESTDIR)$(PREFIX)/$$d/libnotif.so"; \
			install -d -m 0755 $(DESTDIR)$(PREFIX)/$$d; \
			install -m 0644 $(B)/lib32/libnotif.so $(DESTDIR)$(PREFIX)/$$d/libnotif.so; \
		done; \
	else echo "install: no 32-bit library ($(B)/lib32/libnotif.so; make multilib builds it)"; fi
	install -m 0644 $(addprefix man/,$(INSTALL_MAN1)) $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 $(addprefix man/,$(INSTALL_MAN5)) $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 $(addprefix man/,$(INSTALL_MAN7)) $(DESTDIR)$(MANDIR)/man7/
	@set -e; for u in $(INSTALL_UNITS); do \
		echo "sed units/$$u.in > $(DESTDIR)$(USERUNITDIR)/$$u"; \
		sed $(UNIT_SED) units/$$u.in >$(DESTDIR)$(USERUNITDIR)/$$u.tmp; \
		chmod 0644 $(DESTDIR)$(USERUNITDIR)/$$u.tmp; \
		mv -f $(DESTDIR)$(USERUNITDIR)/$$u.tmp $(DESTDIR)$(USERUNITDIR)/$$u; \
	done
	@$(RUN_LDCONFIG)

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(INSTALL_BINS)) \
		$(addprefix $(DESTDIR)$(MANDIR)/man1/,$(INSTALL_MAN1)) \
		$(addprefix $(DESTDIR)$(MANDIR)/man5/,$(INSTALL_MAN5)) \
		$(addprefix $(DESTDIR)$(MANDIR)/man7/,$(INSTALL_MAN7)) \
		$(addprefix $(DESTDIR)$(USERUNITDIR)/,$(INSTALL_UNITS)) \
		$(addprefix $(DESTDIR)$(PREFIX)/,$(addsuffix /libnotif.so,$(INSTALL_LIB64) $(INSTALL_LIB32)))
	@$(RUN_LDCONFIG)

# ldconfig only for the real thing (no DESTDIR, as root) and only when
# ld.so's configuration names the library directory (compared by inode:
# with a merged /usr, /usr/lib/x86_64-linux-gnu is listed as /lib/...).
LIB64_DIR := $(PREFIX)/$(INSTALL_LIB64)
RUN_LDCONFIG = \
	[ -z "$(DESTDIR)" ] || exit 0; \
	in_cache=0; \
	if [ "$$(id -u)" = 0 ] && [ -d $(LIB64_DIR) ]; then \
		for d in $$($(LDCONFIG) -N -v 2>/dev/null | sed -n 's|^\(/[^:]*\):.*|\1|p'); do \
			[ $$d -ef $(LIB64_DIR) ] && in_cache=1; \
		done; fi; \
	if [ $$in_cache = 1 ]; then echo "$(LDCONFIG)"; $(LDCONFIG) || exit 1; fi; \
	[ -e $(LIB64_DIR)/libnotif.so ] || exit 0; \
	if [ $$in_cache = 1 ]; then \
		echo "install: LD_PRELOAD=libnotif.so works in 64-bit programs (ld.so's cache);" \
			"for all: LD_PRELOAD='$(PREFIX)/\$$LIB/libnotif.so'"; \
	else \
		echo "install: no ldconfig ($(LIB64_DIR) is not in ld.so's cache, or not root):" \
			"preload with LD_PRELOAD='$(PREFIX)/\$$LIB/libnotif.so'"; fi

# The man pages: no warning from groff (every warning class), and from
# mandoc -Tlint where it is installed.
man-lint:
	tools/man-lint.sh $(addprefix man/,$(INSTALL_MAN1) $(INSTALL_MAN5) $(INSTALL_MAN7))
