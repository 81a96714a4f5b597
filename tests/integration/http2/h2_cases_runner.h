#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace relay7::testing {

// The frame-level client of the HTTP/2 tests: tests/integration/http2/h2_cases.py, run with
// Debian's python3 (python3-h2's hpack, not whatever python a shell finds first).
inline constexpr const char* kSystemPython = "/usr/bin/python3";

struct H2CaseResult {
  std::string name;
  std::string section;
  // The outcomes the case accepts (one, except where the contract allows two).
  std::vector<std::string> expected;
  std::string got;
  bool passed = false;
  // Case-specific numbers (frames sent, seconds, ...) and "case_seconds".
  nlohmann::json detail;
};

struct H2RunOptions {
  uint16_t port = 0;
  bool tls = false;
  // --max-concurrent-streams, --count, ... as h2_cases.py takes them.
  std::vector<std::string> extra_args;
  // The whole run; the script is killed past it and the run reported as hung.
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
};

struct H2Run {
  std::vector<H2CaseResult> results;
  // Empty when the script ran and printed one result per case; otherwise what went wrong
  // (a hang, a crash, output that is not JSON), with the script's stderr.
  std::string error;
};

// Whether the system python has the hpack module h2_cases.py needs.
bool h2_cases_runnable();

// Case names in the script's order (its --list), optionally only those starting with one of
// `prefixes`; empty if the script cannot run.
std::vector<std::string> h2_case_names(const std::vector<std::string>& prefixes = {});

// Runs the named cases (each "--case NAME") against 127.0.0.1:options.port.
H2Run run_h2_cases(const H2RunOptions& options, const std::vector<std::string>& cases);

// "5.1.1/even-stream-id" -> "s5_1_1_even_stream_id": a gtest parameter name.
std::string h2_case_test_name(const std::string& case_name);

// One line for an assertion message: expected, got, detail.
std::string describe(const H2CaseResult& result);

}  // namespace relay7::testing
