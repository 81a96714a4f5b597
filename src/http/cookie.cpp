#include "relay7/http/cookie.h"

#include "relay7/http/ascii.h"

namespace relay7 {
namespace {

std::string_view unquote(std::string_view value) {
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    return value.substr(1, value.size() - 2);
  }
  return value;
}

std::optional<std::string_view> find_in_list(std::string_view list, std::string_view name) {
  while (!list.empty()) {
    const size_t end = list.find(';');
    const std::string_view pair = list.substr(0, end);
    list.remove_prefix(end == std::string_view::npos ? list.size() : end + 1);
    const size_t equals = pair.find('=');
    // A pair without '=' names no cookie a server can have set.
    if (equals != std::string_view::npos && trim_ows(pair.substr(0, equals)) == name) {
      return unquote(trim_ows(pair.substr(equals + 1)));
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string_view> find_cookie(const HeaderList& headers, std::string_view name) {
  if (name.empty()) {
    return std::nullopt;
  }
  for (const Header& header : headers) {
    if (header.known != FieldName::cookie) {
      continue;
    }
    if (const auto value = find_in_list(header.value, name)) {
      return value;
    }
  }
  return std::nullopt;
}

}  // namespace relay7
