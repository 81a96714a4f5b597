#!/usr/bin/env bash
# Runs libFuzzer harnesses for `make fuzz` (mk/fuzz.mk):
#
#   fuzz/run_fuzzers.sh BUILD_DIR SECONDS TIMEOUT "EXTRA_ARGS" TARGET...
#
# Each BUILD_DIR/fuzz_TARGET runs for SECONDS on BUILD_DIR/corpus/TARGET, refreshed first with a
# copy of the checked-in seeds in fuzz/corpus/TARGET (which libFuzzer never writes to), with the
# dictionary fuzz/dict/TARGET.dict. A crash, sanitizer report, leak, an input taking TIMEOUT
# seconds or running out of memory stops that harness and leaves the input in
# BUILD_DIR/artifacts/; every harness still runs, and the script exits non-zero at the end when
# any of them failed. Full logs: BUILD_DIR/logs/TARGET.log.
set -u
cd "$(dirname "$0")/.."

if [ $# -lt 5 ]; then
  echo "usage: $0 BUILD_DIR SECONDS TIMEOUT EXTRA_ARGS TARGET..." >&2
  exit 2
fi
build=$1
seconds=$2
timeout=$3
extra_args=$4
shift 4

mkdir -p "$build/artifacts" "$build/logs"
# Leaks are errors; UB is fatal already (-fno-sanitize-recover), the options add stack traces.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1:symbolize=1"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:print_stacktrace=1"

failed=()
summary=()
for target in "$@"; do
  binary="$build/fuzz_$target"
  corpus="$build/corpus/$target"
  log="$build/logs/$target.log"
  mkdir -p "$corpus"
  cp -p "fuzz/corpus/$target"/* "$corpus"/
  echo "== fuzz_$target: ${seconds}s on $corpus ($(ls "$corpus" | wc -l) inputs)"
  # shellcheck disable=SC2086  # EXTRA_ARGS is a list of libFuzzer flags
  "$binary" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb=2048 \
    -dict="fuzz/dict/$target.dict" -artifact_prefix="$build/artifacts/$target-" \
    -print_final_stats=1 $extra_args "$corpus" >"$log" 2>&1
  status=$?
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  cov=$(echo "$done_line" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
  ft=$(echo "$done_line" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
  corpus_size=$(ls "$corpus" | wc -l)
  if [ "$status" -eq 0 ]; then
    echo "$done_line"
    summary+=("fuzz_$target: ok, ${execs:-?} runs, ${rate:-?} exec/s, cov ${cov:-?}, ft ${ft:-?}, corpus $corpus_size files")
  else
    tail -n 80 "$log"
    artifact=$(grep -o "Test unit written to [^ ]*" "$log" | tail -n 1 | sed 's/Test unit written to //')
    summary+=("fuzz_$target: FAILED (exit $status)${artifact:+, input in $artifact}; log $log")
    failed+=("$target")
  fi
done

echo
printf '%s\n' "${summary[@]}"
[ ${#failed[@]} -eq 0 ]
