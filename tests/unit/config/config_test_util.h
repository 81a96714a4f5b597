#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "relay7/config/loader.h"

namespace relay7::testing {

// The smallest valid config; tests change one thing in it and look at the result.
inline nlohmann::ordered_json minimal_config() {
  return nlohmann::ordered_json::parse(R"({
    "servers": [{"listen": ["8080"], "locations": [{"path": "/", "return": 204}]}]
  })");
}

// A config whose only location proxies to upstream "backend", defined as given.
inline nlohmann::ordered_json with_backend(nlohmann::ordered_json backend) {
  auto document = minimal_config();
  document["upstreams"]["backend"] = std::move(backend);
  document["servers"][0]["locations"][0] = {{"path", "/"}, {"proxy_pass", "http://backend/"}};
  return document;
}

inline ConfigLoadResult load(const nlohmann::ordered_json& document) {
  return parse_config_text(document.dump(), "test.json");
}

inline ConfigLoadResult load(const std::string& text) {
  return parse_config_text(text, "test.json");
}

inline std::vector<std::string> errors_of(const nlohmann::ordered_json& document) {
  const auto result = load(document);
  EXPECT_FALSE(result.ok()) << "expected errors for " << document.dump();
  return result.errors;
}

inline std::vector<std::string> errors_of(const std::string& text) {
  const auto result = load(text);
  EXPECT_FALSE(result.ok()) << "expected errors for " << text;
  return result.errors;
}

// Fails the test (with the errors) when the document does not load.
inline Config config_of(const nlohmann::ordered_json& document) {
  const auto result = load(document);
  EXPECT_TRUE(result.ok()) << ::testing::PrintToString(result.errors);
  EXPECT_TRUE(result.errors.empty());
  return result.config.value_or(Config{});
}

inline Config config_of(const std::string& text) {
  const auto result = load(text);
  EXPECT_TRUE(result.ok()) << ::testing::PrintToString(result.errors);
  return result.config.value_or(Config{});
}

// Answers lookups from a table instead of asking DNS: "name" -> "10.0.0.1 10.0.0.2" (IPv4 or
// IPv6 addresses, space-separated); a name not in it fails as a missing name does. Records every
// name asked for and the resolver settings it was made with.
class FakeResolvers {
 public:
  explicit FakeResolvers(std::map<std::string, std::string> table) : table_(std::move(table)) {}

  HostResolverFactory factory() {
    return [this](const ResolverConfig& settings, std::string&) -> std::unique_ptr<HostResolver> {
      settings_.push_back(settings);
      return std::make_unique<Resolver>(*this);
    };
  }
  ConfigLoadResult load(const nlohmann::ordered_json& document) {
    return parse_config_text(document.dump(), "test.json", factory());
  }

  const std::vector<std::string>& asked() const { return asked_; }
  const std::vector<ResolverConfig>& settings() const { return settings_; }

 private:
  class Resolver final : public HostResolver {
   public:
    explicit Resolver(FakeResolvers& owner) : owner_(owner) {}
    LookupResult resolve(const std::string& host) override {
      owner_.asked_.push_back(host);
      const auto found = owner_.table_.find(host);
      if (found == owner_.table_.end()) {
        return LookupResult{{}, std::nullopt, "Domain name not found"};
      }
      LookupResult result;
      std::string text = found->second;
      for (size_t start = 0; start < text.size();) {
        const size_t end = std::min(text.find(' ', start), text.size());
        const std::string host_text = text.substr(start, end - start);
        const bool ipv6 = host_text.find(':') != std::string::npos;
        result.addresses.push_back(
            *parse_numeric_address(ipv6 ? "[" + host_text + "]:0" : host_text + ":0"));
        start = end + 1;
      }
      result.addresses = sorted_unique(std::move(result.addresses));
      return result;
    }

   private:
    FakeResolvers& owner_;
  };

  std::map<std::string, std::string> table_;
  std::vector<std::string> asked_;
  std::vector<ResolverConfig> settings_;
};

// Raw text converts to both std::string and json; these pick the text meaning.
inline ConfigLoadResult load(const char* text) {
  return load(std::string(text));
}
inline std::vector<std::string> errors_of(const char* text) {
  return errors_of(std::string(text));
}
inline Config config_of(const char* text) {
  return config_of(std::string(text));
}

}  // namespace relay7::testing
