#!/usr/bin/env bash
# Runs each GoogleTest binary given, shows its output, and ends with one line that sums every
# suite ("N passed, M failed") so CI can count what ran. Exits non-zero when anything failed or a
# suite crashed before reporting.
set -u
passed=0
failed=0
crashed=0
for suite in "$@"; do
  log=$(mktemp)
  "$suite" --gtest_color=no 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  ok=$(grep -c '^\[       OK \]' "$log")
  # A parameterised test's line reads "[  FAILED  ] Suite/Test.Name/Param, where GetParam() = ... (N ms)".
  bad=$(grep -cE '^\[  FAILED  \] [A-Za-z0-9_/]+\.[A-Za-z0-9_/]+(, where GetParam\(\) = .*)? \(' "$log")
  passed=$((passed + ok))
  failed=$((failed + bad))
  if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then
    echo "suite $suite exited with status $status without reporting a failed test"
    crashed=$((crashed + 1))
    failed=$((failed + 1))
  fi
  rm -f "$log"
done
echo
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ] && [ "$crashed" -eq 0 ]
