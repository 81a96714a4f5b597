#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "relay7/config/config.h"
#include "relay7/resolver/host_resolver.h"

namespace relay7 {

// Either a complete, validated Config or every error found, each a full line such as
// `relay7.json:3:7: syntax error: ...` or
// `relay7.json: servers[0].locations[3]: unknown key "retirn" (did you mean "return"?)`.
struct ConfigLoadResult {
  std::optional<Config> config;
  std::vector<std::string> errors;
  // Lines of the same form for what loads but will likely hurt, e.g. `relay7.json:
  // servers[0].tls.certificates[0].cert: tls/shop.pem expires in 3 days (...)`.
  std::vector<std::string> warnings;

  bool ok() const { return config.has_value(); }
};

// Relative file paths in the config (TLS certificates and keys) are taken from the folder of
// `source_name`, whose files a "tls" object makes the loader read.
// Host names are resolved through c-ares with the config's "resolver" settings
// (make_dns_resolver), or through `resolvers` (a test or fuzzer that must not send DNS queries).
ConfigLoadResult load_config_file(const std::string& path);
ConfigLoadResult parse_config_text(std::string_view text, const std::string& source_name);
ConfigLoadResult parse_config_text(std::string_view text, const std::string& source_name,
                                   const HostResolverFactory& resolvers);

}  // namespace relay7
