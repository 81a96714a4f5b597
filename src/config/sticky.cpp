#include "config/cookie_name.h"
#include "config/json_path.h"
#include "config/upstream_options.h"

namespace relay7::config {
namespace {

// Browsers keep a cookie at most 400 days whatever Max-Age says (RFC 6265bis); a longer one is
// most likely a unit mistake.
constexpr Duration kMaxCookieAge = std::chrono::hours(400 * 24);

std::optional<std::string> read_cookie_name(const Node& node, Diagnostics& diagnostics) {
  auto name = read_non_empty_string(node, diagnostics);
  if (name && !is_cookie_name(*name)) {
    diagnostics.error(node.path, cookie_name_error(*name));
    return std::nullopt;
  }
  return name;
}

// RFC 6265 path-value: any CHAR but controls and ';', which would end the Set-Cookie attribute.
std::optional<std::string> cookie_path_problem(std::string_view path) {
  if (path.empty() || path.front() != '/') {
    return "must start with '/'";
  }
  for (const char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == ';') {
      return "must not contain ';'";
    }
    if (byte < 0x20 || byte == 0x7f) {
      return "must not contain control characters";
    }
    if (byte > 0x7f) {
      return "must not contain bytes above 0x7E";
    }
  }
  return std::nullopt;
}

std::optional<std::string> read_cookie_path(const Node& node, Diagnostics& diagnostics) {
  auto path = read_string(node, diagnostics);
  if (!path) {
    return std::nullopt;
  }
  if (const auto problem = cookie_path_problem(*path)) {
    diagnostics.error(node.path, quote_json(*path) + " " + *problem);
    return std::nullopt;
  }
  return path;
}

// Max-Age counts whole seconds; rounding "1500ms" either way would not be what was written.
std::optional<Duration> read_max_age(const Node& node, Diagnostics& diagnostics) {
  const auto age = read_duration(node, std::chrono::seconds(1), kMaxCookieAge, diagnostics);
  if (age && age->count() % 1000 != 0) {
    diagnostics.error(node.path, quote_json(node.value.get<std::string>()) +
                                     " is not a whole number of seconds (Max-Age counts seconds)");
    return std::nullopt;
  }
  return age;
}

}  // namespace

std::optional<StickyConfig> read_sticky(const Node& node, Diagnostics& diagnostics) {
  const auto object = ObjectReader::open(node, {"cookie", "path", "max_age"}, diagnostics);
  if (!object) {
    return std::nullopt;
  }
  const size_t errors_before = diagnostics.size();
  StickyConfig sticky;
  if (const auto cookie = object->require("cookie", diagnostics)) {
    assign_if(sticky.cookie, read_cookie_name(*cookie, diagnostics));
  }
  if (const auto path = object->find("path")) {
    assign_if(sticky.path, read_cookie_path(*path, diagnostics));
  }
  if (const auto max_age = object->find("max_age")) {
    sticky.max_age = read_max_age(*max_age, diagnostics);
  }
  if (diagnostics.size() != errors_before) {
    return std::nullopt;
  }
  return sticky;
}

}  // namespace relay7::config
