#include "config/proxy_pass_url.h"

#include <algorithm>
#include <cctype>

#include "config/json_path.h"
#include "config/uri_path.h"

namespace relay7::config {
namespace {

constexpr std::string_view kExpected =
    " (expected \"http://UPSTREAM[/PREFIX]\" or \"https://UPSTREAM[/PREFIX]\")";

ProxyPassUrlResult fail(std::string error) {
  return {std::nullopt, std::move(error)};
}

std::string lower(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

// The scheme is case-insensitive (RFC 3986), so "HTTP://" is as good as "http://". Sets
// `tls` for "https".
std::optional<ProxyPassUrlResult> check_scheme(std::string_view text, bool& tls) {
  const auto separator = text.find("://");
  if (separator == std::string_view::npos) {
    return fail(quote_json(text) + " has no scheme" + std::string(kExpected));
  }
  const std::string scheme = lower(text.substr(0, separator));
  if (scheme != "http" && scheme != "https") {
    return fail(quote_json(text) + ": unsupported scheme " + quote_json(scheme) +
                std::string(kExpected));
  }
  tls = scheme == "https";
  return std::nullopt;
}

}  // namespace

ProxyPassUrlResult parse_proxy_pass_url(std::string_view text) {
  bool tls = false;
  if (auto failure = check_scheme(text, tls)) {
    return std::move(*failure);
  }
  if (text.find_first_of("?#") != std::string_view::npos) {
    return fail(quote_json(text) + ": a query or fragment is not allowed");
  }
  const std::string_view rest = text.substr(text.find("://") + 3);
  const size_t slash = std::min(rest.find('/'), rest.size());
  ProxyPassUrl url;
  url.tls = tls;
  url.authority = rest.substr(0, slash);
  if (url.authority.empty()) {
    return fail(quote_json(text) + " has no upstream" + std::string(kExpected));
  }
  url.direct = url.authority.find(':') != std::string::npos || url.authority.front() == '[';
  if (slash < rest.size()) {
    const std::string_view prefix = rest.substr(slash);
    if (const auto problem = uri_path_problem(prefix)) {
      return fail(quote_json(text) + ": the path " + quote_json(prefix) + " " + *problem);
    }
    url.uri_prefix = std::string(prefix);
  }
  return {std::move(url), {}};
}

}  // namespace relay7::config
