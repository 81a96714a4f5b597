#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace relay7::config {

struct ProxyPassUrl {
  std::string authority;  // an upstream name, or HOST:PORT when `direct`
  bool direct = false;
  bool tls = false;                       // "https://": the upstream is spoken to over TLS
  std::optional<std::string> uri_prefix;  // nullopt when nothing follows the authority
};

struct ProxyPassUrlResult {
  std::optional<ProxyPassUrl> url;
  std::string error;  // empty on success
};

// Splits "http://NAME[/PREFIX]" or "http://HOST:PORT[/PREFIX]" (or the same with "https://")
// without looking anything up.
ProxyPassUrlResult parse_proxy_pass_url(std::string_view text);

}  // namespace relay7::config
