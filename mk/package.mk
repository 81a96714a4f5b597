# The Debian package.
#
#   make deps-package  installs what building and checking the package needs, when missing
#   make deb           builds $(BUILD)/relay7_VERSION_ARCH.deb from packaging/debian/
#   make lintian       runs lintian on it (fails on errors)
#   make test-package  builds, lints, installs, runs, reloads, stops and purges it
#                      (tests/package/package_test.sh; needs root)
#
# The package is built from a copy of the tree in $(BUILD)/deb/, so it never shares objects
# with the working build.

RELAY7_VERSION  := $(shell sed -n 's/.*kVersion = "\([^"]*\)".*/\1/p' include/relay7/version.h)
DEB_ARCH := $(shell dpkg --print-architecture 2>/dev/null)
DEB_FILE := $(BUILD)/relay7_$(RELAY7_VERSION)_$(DEB_ARCH).deb
DEB_STAGE := $(BUILD)/deb
DEB_TREE  := $(DEB_STAGE)/relay7-$(RELAY7_VERSION)

# Build-Depends of packaging/debian/control plus the tools that build and check a package.
# man-db, curl and logrotate are for the package test (man --warnings, a request through
# relay7, a forced rotation of the package's logs).
PACKAGE_DEB_PACKAGES := debhelper dpkg-dev fakeroot lintian scdoc g++ make pkg-config \
                        libevent-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libssl-dev node-llhttp \
                        libc-ares-dev libnghttp2-dev \
                        man-db curl logrotate

.PHONY: deb deps-package lintian test-package

deps-package:
	@$(call apt_install_missing,$(PACKAGE_DEB_PACKAGES),packaging dependencies)

# The copy holds everything but the build tree and git metadata: the Makefile includes mk/*.mk
# and lists tests/, so the tree must be whole. debian/changelog must name version.h's version.
deb:
	@changelog=$$(dpkg-parsechangelog -l packaging/debian/changelog -S Version); \
	if [ "$$changelog" != "$(RELAY7_VERSION)" ]; then \
	  echo "packaging/debian/changelog is at $$changelog but include/relay7/version.h says $(RELAY7_VERSION):" \
	       "add a changelog entry (dch -v $(RELAY7_VERSION))" >&2; exit 1; fi
	rm -rf $(DEB_STAGE)
	mkdir -p $(DEB_TREE)
	tar -cf - --exclude=./build --exclude=./.git --exclude='./$(BUILD)' . | tar -xf - -C $(DEB_TREE)
	rm -rf $(DEB_TREE)/debian && cp -a packaging/debian $(DEB_TREE)/debian
	cd $(DEB_TREE) && DEB_BUILD_OPTIONS="parallel=$(NPROC) $(DEB_BUILD_OPTIONS)" \
	  dpkg-buildpackage -us -uc -b
	mv $(DEB_STAGE)/relay7_$(RELAY7_VERSION)_$(DEB_ARCH).deb $(DEB_FILE)
	@echo "built $(DEB_FILE)"

lintian: $(if $(wildcard $(DEB_FILE)),,deb)
	lintian --fail-on error --info $(DEB_FILE)

test-package:
	@$(MAKE) --no-print-directory deps deps-package
	@tests/package/package_test.sh
