#include <algorithm>

#include "config/global_settings.h"
#include "config/json_path.h"
#include "config/upstream_options.h"

namespace relay7::config {
namespace {

constexpr int64_t kMaxTries = 100;

// Only a server error can say something about the server; a 4xx is the client's own fault and
// another server would answer it the same way.
std::optional<int> read_failure_status(const Node& node, Diagnostics& diagnostics) {
  if (node.value.is_number_integer() && node.value.get<int64_t>() >= 400 &&
      node.value.get<int64_t>() <= 499) {
    diagnostics.error(node.path, node.value.dump() +
                                     " is not a server failure: a 4xx status is the client's "
                                     "fault (expected 500..599)");
    return std::nullopt;
  }
  const auto status = read_integer(node, 500, 599, diagnostics);
  return status ? std::optional<int>(static_cast<int>(*status)) : std::nullopt;
}

void read_fail_on_status(const Node& node, std::vector<int>& statuses, Diagnostics& diagnostics) {
  const auto entries = read_array(node, "5xx statuses", diagnostics);
  if (!entries) {
    return;
  }
  std::vector<size_t> indices;  // JSON index of each entry in `statuses`
  for (size_t i = 0; i < entries->size(); ++i) {
    const auto status = read_failure_status((*entries)[i], diagnostics);
    if (!status) {
      continue;
    }
    const auto earlier = std::find(statuses.begin(), statuses.end(), *status);
    if (earlier != statuses.end()) {
      diagnostics.error((*entries)[i].path,
                        std::to_string(*status) + " is listed twice (same as fail_on_status[" +
                            std::to_string(indices[earlier - statuses.begin()]) + "])");
      continue;
    }
    statuses.push_back(*status);
    indices.push_back(i);
  }
}

}  // namespace

void read_retry_policy(const ObjectReader& upstream_object, UpstreamConfig& upstream,
                       Diagnostics& diagnostics) {
  if (const auto tries = upstream_object.find("next_upstream_tries")) {
    assign_if(upstream.next_upstream_tries, read_integer(*tries, 0, kMaxTries, diagnostics));
  }
  if (const auto timeout = upstream_object.find("next_upstream_timeout")) {
    assign_if(upstream.next_upstream_timeout,
              read_duration(*timeout, Duration(0), kMaxTimeout, diagnostics));
  }
  if (const auto statuses = upstream_object.find("fail_on_status")) {
    read_fail_on_status(*statuses, upstream.fail_on_status, diagnostics);
  }
}

}  // namespace relay7::config
