#pragma once

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
