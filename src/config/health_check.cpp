#include "config/global_settings.h"
#include "config/json_path.h"
#include "config/upstream_options.h"
#include "config/uri_path.h"
#include "relay7/config/dump.h"

namespace relay7::config {
namespace {

constexpr int64_t kMaxProbeCount = 100;
constexpr int64_t kMinStatus = 100;
constexpr int64_t kMaxStatus = 599;
constexpr std::string_view kProbeFinishes = "a probe must finish before the next one starts";

// The path goes into the probe's request line as written, where whitespace would split it and
// other bytes would make a request that relay7 itself refuses from clients.
std::optional<std::string> probe_path_problem(std::string_view path) {
  if (path.empty() || path.front() != '/') {
    return "must start with '/'";
  }
  for (const char c : path) {
    if (auto problem = request_line_byte_problem(c)) {
      return problem;
    }
    if (static_cast<unsigned char>(c) > 0x7f) {
      return "must not contain bytes above 0x7E (percent-encode them)";
    }
    if (c == '#') {
      return "must not contain '#' (a fragment is never sent)";
    }
  }
  return std::nullopt;
}

std::optional<std::string> read_probe_path(const Node& node, Diagnostics& diagnostics) {
  auto path = read_string(node, diagnostics);
  if (!path) {
    return std::nullopt;
  }
  if (const auto problem = probe_path_problem(*path)) {
    diagnostics.error(node.path, quote_json(*path) + " " + *problem);
    return std::nullopt;
  }
  return path;
}

// [LOW, HIGH]: the statuses that make a probe good, both included.
void read_expect_status(const Node& node, HealthCheckConfig& check, Diagnostics& diagnostics) {
  const auto entries = read_array(node, "two statuses [LOW, HIGH]", diagnostics);
  if (!entries) {
    return;
  }
  if (entries->size() != 2) {
    diagnostics.error(node.path, "expected two statuses [LOW, HIGH], got " +
                                     std::to_string(entries->size()) +
                                     (entries->size() == 1 ? " element" : " elements"));
    return;
  }
  const auto low = read_integer((*entries)[0], kMinStatus, kMaxStatus, diagnostics);
  const auto high = read_integer((*entries)[1], kMinStatus, kMaxStatus, diagnostics);
  if (!low || !high) {
    return;
  }
  if (*low > *high) {
    diagnostics.error(node.path, "[" + std::to_string(*low) + ", " + std::to_string(*high) +
                                     "] is not a range (LOW must not exceed HIGH)");
    return;
  }
  check.expect_status_min = static_cast<int>(*low);
  check.expect_status_max = static_cast<int>(*high);
}

// False when the key is given and invalid; an absent key leaves the default.
bool read_probe_duration(const std::optional<Node>& node, Duration& target,
                         Diagnostics& diagnostics) {
  if (!node) {
    return true;
  }
  const auto value = read_duration(*node, Duration(1), kMaxTimeout, diagnostics);
  assign_if(target, value);
  return value.has_value();
}

// Reported at the key the user wrote, naming the other value (perhaps a default) it clashes with.
void check_timeout_fits(const std::optional<Node>& interval, const std::optional<Node>& timeout,
                        const HealthCheckConfig& check, Diagnostics& diagnostics) {
  if (check.timeout <= check.interval) {
    return;
  }
  if (timeout) {
    diagnostics.error(timeout->path, quote_json(timeout->value.get<std::string>()) +
                                         " exceeds the interval of " +
                                         format_duration(check.interval) + " (" +
                                         std::string(kProbeFinishes) + ")");
    return;
  }
  diagnostics.error(interval->path, quote_json(interval->value.get<std::string>()) +
                                        " is shorter than the timeout of " +
                                        format_duration(check.timeout) + " (" +
                                        std::string(kProbeFinishes) + "; lower \"timeout\" too)");
}

}  // namespace

std::optional<HealthCheckConfig> read_health_check(const Node& node, Diagnostics& diagnostics) {
  const auto object = ObjectReader::open(
      node, {"path", "interval", "timeout", "rise", "fall", "expect_status"}, diagnostics);
  if (!object) {
    return std::nullopt;
  }
  const size_t errors_before = diagnostics.size();
  HealthCheckConfig check;
  if (const auto path = object->find("path")) {
    assign_if(check.path, read_probe_path(*path, diagnostics));
  }
  const auto interval = object->find("interval");
  const auto timeout = object->find("timeout");
  const bool interval_ok = read_probe_duration(interval, check.interval, diagnostics);
  const bool timeout_ok = read_probe_duration(timeout, check.timeout, diagnostics);
  if (interval_ok && timeout_ok) {
    check_timeout_fits(interval, timeout, check, diagnostics);
  }
  if (const auto rise = object->find("rise")) {
    assign_if(check.rise, read_integer(*rise, 1, kMaxProbeCount, diagnostics));
  }
  if (const auto fall = object->find("fall")) {
    assign_if(check.fall, read_integer(*fall, 1, kMaxProbeCount, diagnostics));
  }
  if (const auto expect_status = object->find("expect_status")) {
    read_expect_status(*expect_status, check, diagnostics);
  }
  if (diagnostics.size() != errors_before) {
    return std::nullopt;
  }
  return check;
}

}  // namespace relay7::config
