# libFuzzer harnesses (issue 5). Built with clang into build/fuzz/, from their own objects: the
# relay7 library and llhttp are compiled again with clang, coverage instrumentation and
# AddressSanitizer + UndefinedBehaviorSanitizer, never mixed with the g++ objects.
#
#   make fuzz-build                    builds build/fuzz/fuzz_{request,response,config}
#   make fuzz                          installs clang if missing (deps-fuzz), builds, then runs
#                                      each harness for FUZZ_TIME (60) seconds
#   make fuzz FUZZ_TIME=300 FUZZ_TARGETS=request
#
# Each harness runs on build/fuzz/corpus/TARGET, which starts as a copy of the checked-in seeds
# (fuzz/corpus/TARGET, never written to) and keeps what earlier runs found. `make fuzz` fails on
# any crash, sanitizer report, leak, timeout (an input taking FUZZ_TIMEOUT seconds) or
# out-of-memory; the input that caused it is left in build/fuzz/artifacts/. See fuzz/README.md.

FUZZ_CXX     ?= clang++
FUZZ_CC      ?= clang
FUZZ_TIME    ?= 60
FUZZ_TIMEOUT ?= 10
FUZZ_TARGETS ?= request response config exchange http2 nginx_import proxy_protocol
FUZZ_ARGS    ?=
# Extra compiler flags for every fuzz object, e.g. FUZZ_EXTRA_CFLAGS=-DSOMETHING with
# FUZZ_BUILD=build/fuzz-try to try a variant in a tree of its own.
FUZZ_EXTRA_CFLAGS ?=
FUZZ_BUILD ?= build/fuzz

# UB is fatal (-fno-sanitize-recover), so libFuzzer sees every report as a crash.
FUZZ_SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CPPFLAGS := -Iinclude -Isrc -I$(LLHTTP_INC_DIR) $(SPDLOG_CFLAGS) -MMD -MP
FUZZ_CXXFLAGS := -std=c++20 -g -O1 $(WARNINGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
                 $(FUZZ_EXTRA_CFLAGS)
FUZZ_CFLAGS   := -g -O1 -w $(LLHTTP_DEFS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(FUZZ_EXTRA_CFLAGS)
# The config harness answers host-name lookups itself (fuzz/fake_resolver.cpp, handed to the
# loader): no DNS traffic, and the same input always gives the same result.
FUZZ_LDFLAGS  := $(FUZZ_SAN) -fsanitize=fuzzer

FUZZ_LIB_OBJS    := $(LIB_SRCS:%.cpp=$(FUZZ_BUILD)/obj/%.o)
FUZZ_LLHTTP_OBJS := $(patsubst $(LLHTTP_SRC_DIR)/%.c,$(FUZZ_BUILD)/obj/llhttp/%.o,$(LLHTTP_SRCS))
FUZZ_COMMON_OBJS := $(FUZZ_BUILD)/obj/fuzz/fake_resolver.o $(FUZZ_BUILD)/obj/fuzz/pipeline_harness.o
FUZZ_MAIN_OBJS   := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/obj/fuzz/%_fuzzer.o)
FUZZ_LIB         := $(FUZZ_BUILD)/librelay7.a
FUZZ_BINARIES    := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)

# Built only through the pattern rule below: keep them, or every build would compile them again.
.SECONDARY: $(FUZZ_COMMON_OBJS) $(FUZZ_MAIN_OBJS)

# clang with its libFuzzer and sanitizer runtimes, on top of `make deps`.
FUZZ_DEB_PACKAGES := clang libclang-rt-14-dev

.PHONY: fuzz fuzz-build deps-fuzz run-fuzz

deps-fuzz:
	@$(call apt_install_missing,$(FUZZ_DEB_PACKAGES),fuzzing dependencies)

fuzz-build: $(FUZZ_BINARIES)

# Like `make test`: packages first, then the work in a second make that sees them.
fuzz:
	@$(MAKE) --no-print-directory deps deps-fuzz
	@$(MAKE) --no-print-directory -j$(NPROC) run-fuzz

run-fuzz: fuzz-build
	@fuzz/run_fuzzers.sh $(FUZZ_BUILD) $(FUZZ_TIME) $(FUZZ_TIMEOUT) "$(FUZZ_ARGS)" $(FUZZ_TARGETS)

$(FUZZ_BUILD)/obj/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(FUZZ_CXX) $(FUZZ_CPPFLAGS) $(FUZZ_CXXFLAGS) -c $< -o $@

$(FUZZ_BUILD)/obj/llhttp/%.o: $(LLHTTP_SRC_DIR)/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -I$(LLHTTP_INC_DIR) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_LIB): $(FUZZ_LIB_OBJS) $(FUZZ_LLHTTP_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/obj/fuzz/%_fuzzer.o $(FUZZ_COMMON_OBJS) $(FUZZ_LIB)
	$(FUZZ_CXX) $(FUZZ_LDFLAGS) $^ $(DEP_LIBS) -o $@

-include $(FUZZ_LIB_OBJS:.o=.d) $(FUZZ_COMMON_OBJS:.o=.d) $(FUZZ_MAIN_OBJS:.o=.d)
