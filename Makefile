# relay7 build. `make` builds build/relay7; `make test` runs every test suite; `make run` starts
# the demo; `make deps` installs the Debian packages the build and tests need.

CXX      ?= g++
CC       ?= gcc
PREFIX   ?= /usr/local
DESTDIR  ?=

# SANITIZE=address,undefined builds everything (and runs the tests) with those sanitizers in a
# separate tree, so a sanitizer build never mixes objects with the optimised one.
ifeq ($(strip $(SANITIZE)),)
BUILD    ?= build
SAN_FLAGS :=
else
BUILD    ?= build/sanitize
SAN_FLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
# Undefined behaviour stops the process (a test, or the relay7 it started) instead of scrolling
# past in a log, so a sanitizer run fails on it.
export UBSAN_OPTIONS ?= halt_on_error=1:print_stacktrace=1
# A small quarantine keeps the memory bounds of the streaming tests meaningful under ASan.
export ASAN_OPTIONS ?= quarantine_size_mb=16
endif

NPROC := $(shell nproc 2>/dev/null || echo 2)

LLHTTP_SRC_DIR := /usr/share/llhttp
LLHTTP_INC_DIR := /usr/share/include/llhttp
# llhttp.c holds two parsers; the default (loose) one takes CR followed by any byte as CRLF in
# several places and skips the two bytes after chunk data unchecked: request-smuggling primitives.
LLHTTP_DEFS    := -DLLHTTP_STRICT_MODE=1

SPDLOG_CFLAGS := -DSPDLOG_SHARED_LIB -DSPDLOG_COMPILED_LIB -DSPDLOG_FMT_EXTERNAL
DEP_LIBS      := -lspdlog -lfmt -levent -lcares -lnghttp2 -lssl -lcrypto -pthread

WARNINGS := -Wall -Wextra -Werror
CPPFLAGS := -Iinclude -Isrc -I$(LLHTTP_INC_DIR) $(SPDLOG_CFLAGS) -MMD -MP
CXXFLAGS += -std=c++20 -O2 -g $(WARNINGS) $(SAN_FLAGS)
CFLAGS_LLHTTP := -O2 -g -w $(LLHTTP_DEFS) $(SAN_FLAGS)
LDFLAGS  += $(SAN_FLAGS)

LIB_SRCS   := $(shell find src -name '*.cpp' -not -path 'src/cli/main.cpp' -not -path 'src/demo/*' | sort)
DEMO_SRCS  := $(sort $(wildcard src/demo/*.cpp))
# Unit tests that read files (the nginx importer's, TLS certificates) make them in a TempDir of
# tests/support, certificates with the openssl command line.
UNIT_SRCS  := $(shell find tests/unit -name '*.cpp' | sort) tests/support/temp_dir.cpp \
              tests/support/test_certificates.cpp tests/support/child_process.cpp
INTEG_SRCS := $(shell find tests/integration tests/support -name '*.cpp' 2>/dev/null | sort)
LLHTTP_SRCS := $(LLHTTP_SRC_DIR)/api.c $(LLHTTP_SRC_DIR)/http.c $(LLHTTP_SRC_DIR)/llhttp.c

LIB_OBJS    := $(LIB_SRCS:%.cpp=$(BUILD)/obj/%.o)
DEMO_OBJS   := $(DEMO_SRCS:%.cpp=$(BUILD)/obj/%.o)
UNIT_OBJS   := $(UNIT_SRCS:%.cpp=$(BUILD)/obj/%.o)
INTEG_OBJS  := $(INTEG_SRCS:%.cpp=$(BUILD)/obj/%.o)
LLHTTP_OBJS := $(patsubst $(LLHTTP_SRC_DIR)/%.c,$(BUILD)/obj/llhttp/%.o,$(LLHTTP_SRCS))

RELAY7       := $(BUILD)/relay7
DEMO_BACKEND := $(BUILD)/relay7-demo-backend
UNIT_TESTS   := $(BUILD)/tests/unit_tests
INTEG_TESTS  := $(BUILD)/tests/integration_tests
LIBRELAY7    := $(BUILD)/librelay7.a

MAN_SOURCES := $(wildcard man/*.scd)
MAN_PAGES   := $(patsubst man/%.scd,$(BUILD)/man/%,$(MAN_SOURCES))

.PHONY: all man test run-tests unit-test integration-test run deps clean format check-format

all: $(RELAY7) $(DEMO_BACKEND) man

man: $(MAN_PAGES)

# Man pages are written in scdoc (a Debian-packaged tool) and rendered to roff at build time.
$(BUILD)/man/%: man/%.scd
	@mkdir -p $(dir $@)
	scdoc < $< > $@

$(BUILD)/obj/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c $< -o $@

$(BUILD)/obj/tests/%.o: CPPFLAGS += -Itests -DRELAY7_BUILD_DIR='"$(abspath $(BUILD))"' \
                                    -DRELAY7_SOURCE_DIR='"$(abspath .)"'

$(BUILD)/obj/llhttp/%.o: $(LLHTTP_SRC_DIR)/%.c
	@mkdir -p $(dir $@)
	$(CC) -I$(LLHTTP_INC_DIR) $(CFLAGS_LLHTTP) -c $< -o $@

$(LIBRELAY7): $(LIB_OBJS) $(LLHTTP_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(RELAY7): $(BUILD)/obj/src/cli/main.o $(LIBRELAY7)
	$(CXX) $(LDFLAGS) $^ $(DEP_LIBS) -o $@

# The demo backend reads request methods as relay7 does (see method_token_reader.h).
DEMO_SHARED_OBJS := $(BUILD)/obj/src/http/method_token_reader.o

$(DEMO_BACKEND): $(DEMO_OBJS) $(DEMO_SHARED_OBJS) $(LLHTTP_OBJS)
	$(CXX) $(LDFLAGS) $^ -levent -o $@

$(UNIT_TESTS): $(UNIT_OBJS) $(LIBRELAY7)
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) $^ -lgtest -lgtest_main $(DEP_LIBS) -o $@

$(INTEG_TESTS): $(INTEG_OBJS) $(LIBRELAY7)
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) $^ -lgtest -lgtest_main $(DEP_LIBS) -o $@

# `make test` and `make run` first make sure the Debian packages are there, so both work on a
# fresh machine; the work itself happens in a second make, after the install.
test:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory -j$(NPROC) run-tests

# Every suite runs even when an earlier one fails; the last line sums them all for CI.
run-tests: $(RELAY7) $(DEMO_BACKEND) $(MAN_PAGES) $(UNIT_TESTS) $(INTEG_TESTS)
	@tests/run_suites.sh $(UNIT_TESTS) $(INTEG_TESTS)

unit-test: $(UNIT_TESTS)
	@tests/run_suites.sh $(UNIT_TESTS)

integration-test: $(RELAY7) $(DEMO_BACKEND) $(MAN_PAGES) $(INTEG_TESTS)
	@tests/run_suites.sh $(INTEG_TESTS)

run:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory -j$(NPROC) $(RELAY7) $(DEMO_BACKEND)
	@etc/demo/run-demo.sh $(RELAY7) $(DEMO_BACKEND)

# libssl-dev: TLS termination with OpenSSL 3, the library Debian's nginx and HAProxy use (its
# locking costs nothing in relay7's single-threaded workers); openssl: the command line the tests
# make their certificates with. libc-ares-dev: upstream host names are resolved with c-ares (asynchronous, so the master can
# resolve them again while running without blocking its loop). dnsmasq-base: a real DNS server
# the resolver tests start on loopback. nginx is for the tests only: the differential test of
# `relay7 import-nginx` runs Debian's nginx with the tutorial's configs beside relay7 with their
# translation (on its own high ports, in the foreground; a system nginx the package may start is
# never used). sslscan: the TLS scan test checks what relay7 offers the way an auditor would.
# libnghttp2-dev: HTTP/2 framing, HPACK and flow control for clients (a codec relay7 does not
# write itself); nghttp2-client (nghttp, h2load) and python3-h2 drive the HTTP/2 tests.
# haproxy: the L4 balancer (TCP mode, PROXY protocol v2) in front of two relay7 instances in the
# scale-out test. python3-prometheus-client and python3-jsonschema: the metrics tests read
# /metrics with a real exposition-format parser and check /status against its schema.
DEB_PACKAGES := g++ make pkg-config libevent-dev nlohmann-json3-dev libspdlog-dev libfmt-dev \
                libgtest-dev node-llhttp scdoc man-db libc-ares-dev libssl-dev openssl \
                dnsmasq-base nginx sslscan libnghttp2-dev nghttp2-client python3-h2 haproxy \
                python3-prometheus-client python3-jsonschema

# $(call apt_install_missing,PACKAGES,WHAT): installs those of PACKAGES that are missing and
# nothing else, so a second run changes nothing; leaves their names in $$missing for a caller
# that must act on what it installed.
define apt_install_missing
missing=""; for p in $(1); do \
  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
done; \
if [ -n "$$missing" ]; then \
  echo "installing:$$missing"; \
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
else echo "all $(2) are installed"; fi
endef

# $(call stop_services_installed,SERVICES): after apt_install_missing, stops each of SERVICES
# whose package it has just installed. Debian starts a service on install; the tests and the
# benchmarks run their own instances on high ports and never use it, and a system nginx would
# hold port 80, which the package test's relay7.service wants.
define stop_services_installed
for s in $(1); do \
  case "$$missing" in *"$$s"*) \
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet $$s 2>/dev/null; then \
      systemctl stop $$s || true; \
    elif command -v service >/dev/null 2>&1; then service $$s stop >/dev/null 2>&1 || true; fi;; \
  esac; \
done
endef

deps:
	@$(call apt_install_missing,$(DEB_PACKAGES),build and test dependencies); \
	$(call stop_services_installed,nginx haproxy)

FORMAT_FILES = $(shell find include src tests fuzz -name '*.h' -o -name '*.cpp' | sort)

format:
	clang-format -i $(FORMAT_FILES)

check-format:
	clang-format --dry-run --Werror $(FORMAT_FILES)

clean:
	rm -rf build

-include $(LIB_OBJS:.o=.d) $(DEMO_OBJS:.o=.d) $(UNIT_OBJS:.o=.d) $(INTEG_OBJS:.o=.d) \
         $(BUILD)/obj/src/cli/main.d

# Packaging, installation and benchmarks live in their own fragments.
include $(sort $(wildcard mk/*.mk))
