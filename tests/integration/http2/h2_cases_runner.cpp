#include "integration/http2/h2_cases_runner.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <optional>
#include <sstream>

#include "support/child_process.h"
#include "support/paths.h"

namespace relay7::testing {
namespace {

std::string script_path() {
  return source_dir() + "/tests/integration/http2/h2_cases.py";
}

// Runs the script to completion; nullopt (and `error` set) if it hangs or cannot start.
std::optional<std::string> script_output(const std::vector<std::string>& args,
                                         std::chrono::milliseconds timeout, std::string& error) {
  std::vector<std::string> argv = {kSystemPython, script_path()};
  argv.insert(argv.end(), args.begin(), args.end());
  try {
    ChildProcess script(argv);
    const std::optional<int> status = script.wait_exit(timeout);
    if (!status) {
      script.stop();
      error = "h2_cases.py did not finish within " + std::to_string(timeout.count()) +
              " ms; stderr:\n" + script.stderr_text() + "\nstdout so far:\n" + script.stdout_text();
      return std::nullopt;
    }
    // Exit status 1 only says a case failed; anything else is a broken run.
    if (!WIFEXITED(*status) || WEXITSTATUS(*status) > 1) {
      error = "h2_cases.py " + describe_wait_status(*status) + "; stderr:\n" + script.stderr_text();
      return std::nullopt;
    }
    return script.stdout_text();
  } catch (const std::exception& e) {
    error = std::string("cannot run h2_cases.py: ") + e.what();
    return std::nullopt;
  }
}

std::vector<nlohmann::json> json_lines(const std::string& text, std::string& error) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    nlohmann::json parsed = nlohmann::json::parse(line, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) {
      error = "h2_cases.py printed a line that is not a JSON object: " + line;
      return {};
    }
    lines.push_back(std::move(parsed));
  }
  return lines;
}

}  // namespace

bool h2_cases_runnable() {
  if (::access(kSystemPython, X_OK) != 0)
    return false;
  ChildProcess probe({kSystemPython, "-c", "import hpack"});
  const std::optional<int> status = probe.wait_exit(std::chrono::seconds(10));
  return status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0;
}

std::vector<std::string> h2_case_names(const std::vector<std::string>& prefixes) {
  std::vector<std::string> args = {"--list"};
  for (const std::string& prefix : prefixes) {
    args.push_back("--section");
    args.push_back(prefix);
  }
  std::string error;
  const std::optional<std::string> output = script_output(args, std::chrono::seconds(30), error);
  std::vector<std::string> names;
  if (!output)
    return names;
  for (const nlohmann::json& line : json_lines(*output, error))
    names.push_back(line.value("name", ""));
  return names;
}

H2Run run_h2_cases(const H2RunOptions& options, const std::vector<std::string>& cases) {
  std::vector<std::string> args = {"--port", std::to_string(options.port)};
  if (options.tls)
    args.push_back("--tls");
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  for (const std::string& name : cases) {
    args.push_back("--case");
    args.push_back(name);
  }
  H2Run run;
  const std::optional<std::string> output = script_output(args, options.timeout, run.error);
  if (!output)
    return run;
  for (const nlohmann::json& line : json_lines(*output, run.error)) {
    H2CaseResult result;
    result.name = line.value("name", "");
    result.section = line.value("section", "");
    result.expected = line.value("expected", std::vector<std::string>{});
    result.got = line.value("got", "");
    result.passed = line.value("passed", false);
    result.detail = line.value("detail", nlohmann::json::object());
    run.results.push_back(std::move(result));
  }
  if (run.error.empty() && run.results.size() != cases.size()) {
    run.error = "h2_cases.py reported " + std::to_string(run.results.size()) + " results for " +
                std::to_string(cases.size()) + " cases";
  }
  return run;
}

std::string h2_case_test_name(const std::string& case_name) {
  std::string name = "s";
  for (char c : case_name)
    name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

std::string describe(const H2CaseResult& result) {
  return result.name + ": expected " + nlohmann::json(result.expected).dump() + ", got \"" +
         result.got + "\" " + result.detail.dump();
}

}  // namespace relay7::testing
