#include <algorithm>
#include <cctype>

#include "config/cookie_name.h"
#include "config/json_path.h"
#include "config/suggest.h"
#include "config/upstream_options.h"
#include "relay7/http/ascii.h"

namespace relay7::config {
namespace {

constexpr std::string_view kHeaderPrefix = "$http_";
constexpr std::string_view kCookiePrefix = "$cookie_";

struct NginxName {
  std::string_view name;
  std::string_view ours;
};

// nginx variables a ported config is likely to hold, and the key that hashes the same thing.
constexpr NginxName kNginxNames[] = {
    {"$binary_remote_addr", "$remote_addr"}, {"$request_uri", "$uri"}, {"$document_uri", "$uri"}};

bool is_header_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

// As in nginx, "$http_x_user" means the header X-User: '_' stands for '-', which a variable name
// cannot hold. Header names are compared in lower case.
std::string header_field_name(std::string_view name) {
  std::string field;
  for (const char c : name) {
    field += c == '_' ? '-' : ascii_lower(c);
  }
  return field;
}

std::optional<HashKeyConfig> header_key(const Node& node, const std::string& text,
                                        Diagnostics& diagnostics) {
  const std::string_view name = std::string_view(text).substr(kHeaderPrefix.size());
  if (name.empty()) {
    diagnostics.error(node.path, quote_json(text) + " names no header (e.g. \"$http_x_user\")");
    return std::nullopt;
  }
  if (!is_header_name(name)) {
    diagnostics.error(node.path, quote_json(text) + ": " + quote_json(name) +
                                     " is not a header name (use letters, digits, '_' and '-')");
    return std::nullopt;
  }
  return HashKeyConfig{HashKeySource::header, header_field_name(name), text};
}

std::optional<HashKeyConfig> cookie_key(const Node& node, const std::string& text,
                                        Diagnostics& diagnostics) {
  const std::string_view name = std::string_view(text).substr(kCookiePrefix.size());
  if (name.empty()) {
    diagnostics.error(node.path, quote_json(text) + " names no cookie (e.g. \"$cookie_session\")");
    return std::nullopt;
  }
  if (!is_cookie_name(name)) {
    diagnostics.error(node.path, quote_json(text) + ": " + cookie_name_error(name));
    return std::nullopt;
  }
  return HashKeyConfig{HashKeySource::cookie, std::string(name), text};
}

// The key a mistaken text most likely meant: the nginx equivalent, a fixed key, or the header or
// cookie key with the name the text already carries ("$htp_x_user" -> "$http_x_user").
std::string suggestion(std::string_view text) {
  for (const auto& nginx : kNginxNames) {
    if (text == nginx.name) {
      return " (did you mean \"" + std::string(nginx.ours) + "\"?)";
    }
  }
  std::vector<std::string> candidates{"$remote_addr", "$uri"};
  if (const size_t underscore = text.find('_'); underscore != std::string_view::npos) {
    const std::string_view name = text.substr(underscore + 1);
    candidates.push_back(std::string(kHeaderPrefix).append(name));
    candidates.push_back(std::string(kCookiePrefix).append(name));
  }
  return did_you_mean(text, std::vector<std::string_view>(candidates.begin(), candidates.end()));
}

}  // namespace

std::optional<HashKeyConfig> read_hash_key(const Node& node, Diagnostics& diagnostics) {
  if (!node.value.is_string()) {
    diagnostics.error(node.path,
                      "expected a string such as \"$remote_addr\", got " + type_name(node.value));
    return std::nullopt;
  }
  const auto& text = node.value.get_ref<const std::string&>();
  if (text == "$remote_addr") {
    return HashKeyConfig{HashKeySource::remote_addr, {}, text};
  }
  if (text == "$uri") {
    return HashKeyConfig{HashKeySource::uri, {}, text};
  }
  if (text.starts_with(kHeaderPrefix)) {
    return header_key(node, text, diagnostics);
  }
  if (text.starts_with(kCookiePrefix)) {
    return cookie_key(node, text, diagnostics);
  }
  const std::string hint = suggestion(text);
  diagnostics.error(node.path, quote_json(text) + " is not a hash key" +
                                   (hint.empty() ? " (expected \"$remote_addr\", \"$uri\", "
                                                   "\"$http_NAME\" or \"$cookie_NAME\")"
                                                 : hint));
  return std::nullopt;
}

}  // namespace relay7::config
