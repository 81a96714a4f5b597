#include "config/location_actions.h"

#include <algorithm>

namespace relay7::config {
namespace {

constexpr int kMinStatus = 200;
constexpr int kMaxStatus = 599;

bool needs_location(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

bool is_redirect(int status) {
  return status >= 300 && status < 400;
}

// The location becomes a response header, where CR or LF would let the config inject headers.
// Its variables are split out here, so a request only fills them in.
std::optional<TextTemplate> read_location(const Node& node, Diagnostics& diagnostics) {
  const auto location = read_non_empty_string(node, diagnostics);
  if (!location) {
    return std::nullopt;
  }
  if (std::any_of(location->begin(), location->end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    diagnostics.error(node.path, "must not contain control characters");
    return std::nullopt;
  }
  std::string error;
  auto parsed = parse_text_template(*location, error);
  if (!parsed) {
    diagnostics.error(node.path, error);
  }
  return parsed;
}

std::optional<ReturnConfig> read_return_object(const Node& node, Diagnostics& diagnostics) {
  const auto object = ObjectReader::open(node, {"status", "location", "body"}, diagnostics);
  if (!object) {
    return std::nullopt;
  }
  const auto status_node = object->require("status", diagnostics);
  const auto location_node = object->find("location");
  const auto body_node = object->find("body");
  const auto status =
      status_node ? read_integer(*status_node, kMinStatus, kMaxStatus, diagnostics) : std::nullopt;
  const auto location = location_node ? read_location(*location_node, diagnostics) : std::nullopt;
  const auto body = body_node ? read_string(*body_node, diagnostics) : std::nullopt;
  if (!status || (location_node && !location) || (body_node && !body)) {
    return std::nullopt;
  }
  const ReturnConfig result{static_cast<int>(*status), location.value_or(TextTemplate{}),
                            body.value_or("")};
  if (location_node && !is_redirect(result.status)) {
    diagnostics.error(location_node->path,
                      "only allowed with a 3xx status, not " + std::to_string(result.status));
    return std::nullopt;
  }
  if (!location_node && needs_location(result.status)) {
    diagnostics.error(node.path,
                      "status " + std::to_string(result.status) + " needs a \"location\"");
    return std::nullopt;
  }
  return result;
}

}  // namespace

std::optional<ReturnConfig> read_return(const Node& node, Diagnostics& diagnostics) {
  if (node.value.is_object()) {
    return read_return_object(node, diagnostics);
  }
  if (!node.value.is_number()) {
    diagnostics.error(node.path, "expected a status code or an object with \"status\", got " +
                                     type_name(node.value));
    return std::nullopt;
  }
  const auto status = read_integer(node, kMinStatus, kMaxStatus, diagnostics);
  if (!status) {
    return std::nullopt;
  }
  if (needs_location(static_cast<int>(*status))) {
    diagnostics.error(node.path, "status " + std::to_string(*status) +
                                     " needs a \"location\"; use {\"status\": " +
                                     std::to_string(*status) + ", \"location\": \"...\"}");
    return std::nullopt;
  }
  return ReturnConfig{static_cast<int>(*status), {}, {}};
}

}  // namespace relay7::config
