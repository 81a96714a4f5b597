#include "config/location.h"

#include <string>
#include <vector>

#include "config/header_rules.h"
#include "config/json_path.h"
#include "config/location_actions.h"
#include "config/uri_path.h"

namespace relay7::config {
namespace {

std::optional<std::string> read_path(const Node& node, Diagnostics& diagnostics) {
  auto path = read_string(node, diagnostics);
  if (!path) {
    return std::nullopt;
  }
  if (const auto problem = uri_path_problem(*path)) {
    diagnostics.error(node.path, quote_json(*path) + " " + *problem);
    return std::nullopt;
  }
  return path;
}

// Beside "return" the key would silently do nothing, hiding a mistake in the location.
void read_retry_non_idempotent(const Node& node, bool answers_itself, LocationConfig& location,
                               Diagnostics& diagnostics) {
  assign_if(location.retry_non_idempotent, read_bool(node, diagnostics));
  if (answers_itself) {
    diagnostics.error(node.path,
                      "only allowed with \"proxy_pass\" (a \"return\" or \"serve\" location "
                      "sends nothing upstream)");
  }
}

// A location does exactly one thing with a request: a second action would silently lose.
void check_one_action(const Node& node, bool proxy_pass, bool return_action, bool serve,
                      Diagnostics& diagnostics) {
  std::vector<std::string> given;
  if (proxy_pass) {
    given.emplace_back("\"proxy_pass\"");
  }
  if (return_action) {
    given.emplace_back("\"return\"");
  }
  if (serve) {
    given.emplace_back("\"serve\"");
  }
  if (given.empty()) {
    diagnostics.error(node.path, "needs \"proxy_pass\", \"return\" or \"serve\"");
  } else if (given.size() > 1) {
    std::string list = given[0];
    for (size_t i = 1; i < given.size(); ++i) {
      list += (i + 1 == given.size() ? " and " : ", ") + given[i];
    }
    diagnostics.error(node.path,
                      (given.size() == 2 ? "has both " : "has ") + list + "; use only one");
  }
}

}  // namespace

std::optional<LocationConfig> read_location(const Node& node, UpstreamCatalog& upstreams,
                                            Diagnostics& diagnostics) {
  const auto object =
      ObjectReader::open(node,
                         {"path", "match", "ignore_case", "max_body_size", "proxy_pass",
                          "retry_non_idempotent", "return", "serve", "header_rules"},
                         diagnostics);
  if (!object) {
    return std::nullopt;
  }
  std::optional<std::string> path;
  if (const auto path_node = object->require("path", diagnostics)) {
    path = read_path(*path_node, diagnostics);
  }
  LocationConfig location;
  if (const auto match = object->find("match")) {
    // Same order as the MatchKind enumerators.
    if (const auto index = read_choice(*match, {"prefix", "exact"}, diagnostics)) {
      location.match = static_cast<MatchKind>(*index);
    }
  }
  if (const auto limit = object->find("max_body_size")) {
    location.max_body_size = read_size(*limit, diagnostics);
  }
  if (const auto ignore_case = object->find("ignore_case")) {
    location.ignore_case = read_bool(*ignore_case, diagnostics).value_or(false);
  }
  const auto proxy_pass = object->find("proxy_pass");
  const auto return_action = object->find("return");
  const auto serve = object->find("serve");
  check_one_action(node, proxy_pass.has_value(), return_action.has_value(), serve.has_value(),
                   diagnostics);
  // All are still checked when several are given, so that one run shows every mistake.
  if (proxy_pass) {
    location.proxy_pass = read_proxy_pass(*proxy_pass, upstreams, diagnostics);
  }
  if (return_action) {
    location.return_action = read_return(*return_action, diagnostics);
  }
  if (serve) {
    location.serve = read_serve(*serve, diagnostics);
  }
  if (const auto rules = object->find("header_rules")) {
    location.header_rules = read_header_rules(*rules, diagnostics);
  }
  if (const auto retry = object->find("retry_non_idempotent")) {
    read_retry_non_idempotent(*retry, !proxy_pass && (return_action || serve), location,
                              diagnostics);
  }
  if (!path) {
    return std::nullopt;
  }
  location.path = std::move(*path);
  return location;
}

}  // namespace relay7::config
