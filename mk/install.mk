# `make install` / `make uninstall`. Honour PREFIX (default /usr/local) and DESTDIR:
#
#   $(DESTDIR)$(PREFIX)/sbin/relay7
#   $(DESTDIR)$(PREFIX)/share/man/man5/relay7.json.5, man8/relay7.8 (every page of man/*.scd,
#                                                    by the section its name ends in)
#   $(DESTDIR)$(PREFIX)/share/doc/relay7/examples/*.json (the seed scenarios, etc/examples/)
#   $(DESTDIR)$(SYSCONFDIR)/relay7/relay7.json        (from $(INSTALL_CONFIG))
#
# The config goes under /etc whatever PREFIX is, because that is where `relay7` looks by default.
# A plain `make install` never overwrites an existing config (the one running may be it); with
# DESTDIR set (staging for a package) the tree is new and the config is always written.

SYSCONFDIR     ?= /etc
INSTALL        ?= install
INSTALL_CONFIG ?= etc/relay7.json

BINDIR   := $(PREFIX)/sbin
MANDIR   := $(PREFIX)/share/man
DOCDIR   := $(PREFIX)/share/doc/relay7
CONFDIR  := $(SYSCONFDIR)/relay7
EXAMPLES := $(sort $(wildcard etc/examples/*.json))

.PHONY: install uninstall

install: $(RELAY7) $(MAN_PAGES)
	$(INSTALL) -d $(DESTDIR)$(BINDIR)
	$(INSTALL) -m 0755 $(RELAY7) $(DESTDIR)$(BINDIR)/relay7
	@set -e; for page in $(MAN_PAGES); do \
	  section=$${page##*.}; \
	  echo "$(INSTALL) -D -m 0644 $$page $(DESTDIR)$(MANDIR)/man$$section/$${page##*/}"; \
	  $(INSTALL) -D -m 0644 "$$page" "$(DESTDIR)$(MANDIR)/man$$section/$${page##*/}"; \
	done
	$(INSTALL) -d $(DESTDIR)$(DOCDIR)/examples
	$(INSTALL) -m 0644 $(EXAMPLES) $(DESTDIR)$(DOCDIR)/examples/
	$(INSTALL) -d $(DESTDIR)$(CONFDIR)
	@if [ -n "$(DESTDIR)" ] || [ ! -e "$(CONFDIR)/relay7.json" ]; then \
	  echo "$(INSTALL) -m 0644 $(INSTALL_CONFIG) $(DESTDIR)$(CONFDIR)/relay7.json"; \
	  $(INSTALL) -m 0644 "$(INSTALL_CONFIG)" "$(DESTDIR)$(CONFDIR)/relay7.json"; \
	else \
	  echo "keeping the existing $(CONFDIR)/relay7.json (the new default is $(INSTALL_CONFIG))"; \
	fi

# Leaves the config alone: it may hold the administrator's changes.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/relay7
	@set -e; for page in $(MAN_PAGES); do \
	  section=$${page##*.}; \
	  echo "rm -f $(DESTDIR)$(MANDIR)/man$$section/$${page##*/}"; \
	  rm -f "$(DESTDIR)$(MANDIR)/man$$section/$${page##*/}"; \
	done
	rm -rf $(DESTDIR)$(DOCDIR)
	@if [ -e "$(DESTDIR)$(CONFDIR)/relay7.json" ]; then \
	  echo "kept $(DESTDIR)$(CONFDIR)/relay7.json"; fi
