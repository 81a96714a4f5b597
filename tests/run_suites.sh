#!/usr/bin/env bash
# Runs each GoogleTest binary given, shows its output, and ends with one line that sums every
# suite ("N passed, M failed, K skipped") so CI can count what ran. Exits non-zero when anything
# failed, a suite crashed before reporting, or a suite hung: each suite gets SUITE_TIMEOUT
# seconds (default 1200), after which it is stopped and counted as a failure.
set -u
suite_timeout=${SUITE_TIMEOUT:-1200}
passed=0
failed=0
skipped=0
broken=0
for suite in "$@"; do
  log=$(mktemp)
  # --kill-after: a suite that ignores SIGTERM is killed 30 s later.
  timeout --kill-after=30 "$suite_timeout" "$suite" --gtest_color=no 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  # Per-test result lines end in "(N ms)"; gtest's closing lists repeat the names without it.
  ok=$(grep -cE '^\[       OK \] .* \([0-9]+ ms\)$' "$log")
  # A parameterised test's line reads "[  FAILED  ] Suite/Test.Name/Param, where GetParam() = ... (N ms)".
  bad=$(grep -cE '^\[  FAILED  \] [A-Za-z0-9_/]+\.[A-Za-z0-9_/]+(, where GetParam\(\) = .*)? \(' "$log")
  skip=$(grep -cE '^\[  SKIPPED \] [A-Za-z0-9_/]+\.[A-Za-z0-9_/]+.* \([0-9]+ ms\)$' "$log")
  passed=$((passed + ok))
  failed=$((failed + bad))
  skipped=$((skipped + skip))
  if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "suite $suite did not finish within ${suite_timeout}s: stopped, counted as a failure"
    broken=$((broken + 1))
    failed=$((failed + 1))
  elif [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then
    echo "suite $suite exited with status $status without reporting a failed test"
    broken=$((broken + 1))
    failed=$((failed + 1))
  fi
  rm -f "$log"
done
echo
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ] && [ "$broken" -eq 0 ]
