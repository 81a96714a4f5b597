# Benchmarks against nginx and HAProxy (issue 7). `make bench` builds relay7 and the demo
# backend, installs the benchmark tools when missing and runs bench/run.py.
#   make bench                                  every scenario, ROUNDS=3 rounds of DURATION=5 s
#   make bench SCENARIOS="keepalive newconn"    only these scenarios
#   make bench SCENARIOS="h2-c10-m10 h2-c1-m100" HTTP/2 only (h2load, from nghttp2-client)
#   make bench QUICK=1                          smoke test: one 1 s round, 1,000 idle connections
#   make bench ROUNDS=5 DURATION=10 OUT=bench/results.md
# See bench/README.md for what each scenario measures.

BENCH_DEB_PACKAGES := nginx-light haproxy wrk python3 openssl nghttp2-client

ROUNDS    ?=
DURATION  ?=
SCENARIOS ?=
QUICK     ?=
OUT       ?=

BENCH_ARGS := $(if $(strip $(ROUNDS)),--rounds $(ROUNDS)) \
              $(if $(strip $(DURATION)),--duration $(DURATION)) \
              $(if $(strip $(SCENARIOS)),--scenarios "$(SCENARIOS)") \
              $(if $(filter-out 0 no false,$(strip $(QUICK))),--quick) \
              $(if $(strip $(OUT)),--out $(OUT))

.PHONY: bench deps-bench run-bench

bench:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory deps-bench
	@$(MAKE) --no-print-directory -j$(NPROC) $(RELAY7) $(DEMO_BACKEND)
	@$(MAKE) --no-print-directory run-bench

# Runs the harness on whatever is built, without installing or building anything.
run-bench:
	python3 bench/run.py --relay7 $(RELAY7) --demo-backend $(DEMO_BACKEND) $(BENCH_ARGS)

# Installs only what is missing, so a second run changes nothing. The Debian nginx and HAProxy
# packages start system services on install; the harness never uses them (it runs its own
# instances on high loopback ports with configs in a temporary directory), so they are stopped
# again when this target installed them.
deps-bench:
	@$(call apt_install_missing,$(BENCH_DEB_PACKAGES),benchmark dependencies); \
	$(call stop_services_installed,nginx haproxy)
