// The config harness loads configs with these resolvers instead of c-ares (parse_config_text's
// factory argument), so fuzzing sends no DNS queries and each input always gives the same result:
//
//   "localhost"               127.0.0.1
//   NAME.test (RFC 6761)      10.0.X.Y and 10.1.X.Y, X.Y derived from NAME: distinct names,
//                             distinct addresses, and a name of several addresses
//   anything else             not found, as a name that does not exist
#include "fake_resolver.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace relay7::fuzz {
namespace {

SocketAddress ipv4(const std::string& text) {
  return *parse_numeric_address(text + ":0");
}

class FakeResolver final : public HostResolver {
 public:
  LookupResult resolve(const std::string& host) override {
    const std::string_view name(host);
    if (name == "localhost") {
      return LookupResult{{ipv4("127.0.0.1")}, std::nullopt, {}};
    }
    if (name.size() > 5 && name.ends_with(".test")) {
      uint32_t hash = 2166136261u;  // FNV-1a
      for (const char c : name) {
        hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
      }
      const std::string low =
          std::to_string((hash >> 8) & 0xFF) + "." + std::to_string(hash & 0xFF);
      return LookupResult{{ipv4("10.0." + low), ipv4("10.1." + low)}, std::nullopt, {}};
    }
    return LookupResult{{}, std::nullopt, "Domain name not found"};
  }
};

}  // namespace

HostResolverFactory fake_resolvers() {
  return [](const ResolverConfig&, std::string&) -> std::unique_ptr<HostResolver> {
    return std::make_unique<FakeResolver>();
  };
}

}  // namespace relay7::fuzz
