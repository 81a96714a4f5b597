// The man pages are the reference: every key the config loader accepts and every option --help
// lists must be documented there, and both pages must render without warnings.
#include <gtest/gtest.h>

#include <set>

#include "relay7/cli/options.h"
#include "relay7/config/dump.h"
#include "relay7/config/loader.h"
#include "support/child_process.h"
#include "support/paths.h"
#include "support/temp_dir.h"
#include "support/test_certificates.h"

namespace relay7::testing {
namespace {

std::string man_source(const std::string& name) {
  return read_file(std::filesystem::path(source_dir()) / "man" / (name + ".scd"));
}

// A config that sets every optional key, so its dump names every key the loader knows.
const char* kEveryKey = R"({
  "workers": 2, "pid_file": "/run/x.pid", "user": "nobody", "group": "nogroup",
  "shutdown_timeout": "5s",
  "error_log": {"path": "stderr", "level": "warn"},
  "access_log": {"path": "off", "format": "combined"},
  "request_id": {"header": "X-Request-ID", "trust": true, "return": true},
  "timeouts": {"client_header": "1s"},
  "resolver": {"hosts_file": "/etc/hosts", "nameservers": ["127.0.0.1"]},
  "real_ip": {"from": ["10.0.0.0/8"], "header": "X-Forwarded-For"},
  "upstreams": {"app": {"balance": "round_robin", "keepalive": 4,
                        "servers": [{"address": "127.0.0.1:2222", "weight": 2}]}},
  "servers": [{"listen": [{"address": "127.0.0.1:8080", "proxy_protocol": true, "backlog": 1024}],
    "server_names": ["a.example"],
    "header_rules": {"request": {"set": {"X-A": "a"}, "add": [["X-B", "b"]], "remove": ["X-C"]},
                     "response": {"remove": ["Server"]}},
    "locations": [
    {"path": "/", "match": "prefix", "proxy_pass": "http://app"},
    {"path": "/old", "return": {"status": 301, "location": "https://a.example/", "body": "moved"}}
  ]}]
})";

void collect_keys(const nlohmann::ordered_json& value, std::set<std::string>& keys,
                  bool names_are_keys = true) {
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      if (names_are_keys) {
        keys.insert(key);
      }
      // The names under "upstreams" and a header rule's "set" are the user's, not keys of the
      // format.
      collect_keys(child, keys, key != "upstreams" && key != "set");
    }
  } else if (value.is_array()) {
    for (const auto& child : value) {
      collect_keys(child, keys);
    }
  }
}

TEST(ManPagesTest, EveryConfigKeyIsDocumented) {
  // "tls" (of a server block and of an upstream) reads its files at load: they are made for the
  // test.
  const TempDir dir("relay7-man-keys");
  const CertificateFiles pair = make_certificate(dir.path(), "a", {"a.example"});
  nlohmann::ordered_json every = nlohmann::ordered_json::parse(kEveryKey);
  every["servers"][0]["tls"] = {
      {"certificates", {{{"cert", pair.cert.string()}, {"key", pair.key.string()}}}},
      {"protocols", {"TLSv1.3"}},
      {"handshake_timeout", "5s"}};
  every["servers"][0]["locations"][0]["proxy_pass"] = "https://app";
  every["upstreams"]["app"]["tls"] = {{"ca", pair.cert.string()},
                                      {"server_name", "a.example"},
                                      {"verify", true},
                                      {"cert", pair.cert.string()},
                                      {"key", pair.key.string()}};
  const ConfigLoadResult loaded = parse_config_text(every.dump(), "every-key.json");
  ASSERT_TRUE(loaded.ok()) << loaded.errors.front();
  std::set<std::string> keys;
  collect_keys(dump_config(*loaded.config), keys);
  ASSERT_GT(keys.size(), 25u);
  const std::string page = man_source("relay7.json.5");
  for (const std::string& key : keys) {
    EXPECT_NE(page.find("*" + key + "*"), std::string::npos)
        << "relay7.json(5) does not document \"" << key << "\"";
  }
}

TEST(ManPagesTest, EveryOptionIsDocumented) {
  const std::string help = usage_text();
  const std::string page = man_source("relay7.8");
  size_t found = 0;
  for (size_t at = help.find("--"); at != std::string::npos; at = help.find("--", at + 2)) {
    const size_t end = help.find_first_of(" ,\n", at);
    const std::string option = help.substr(at, end - at);
    ++found;
    EXPECT_NE(page.find(option), std::string::npos) << "relay7(8) does not document " << option;
  }
  EXPECT_GE(found, 6u);
  for (const char* signal : {"reload", "quit", "stop", "reopen"}) {
    EXPECT_NE(page.find(signal), std::string::npos) << signal;
  }
}

TEST(ManPagesTest, RenderWithoutWarnings) {
  for (const char* page : {"relay7.8", "relay7.json.5"}) {
    const std::filesystem::path rendered = std::filesystem::path(build_dir()) / "man" / page;
    ASSERT_TRUE(std::filesystem::exists(rendered)) << rendered;
    ChildOptions options;
    options.env = {{"MANWIDTH", "80"}, {"MANPAGER", "cat"}, {"PAGER", "cat"}};
    ChildProcess man({"/usr/bin/man", "--warnings", "-E", "UTF-8", "-l", rendered.string()},
                     options);
    const auto status = man.wait_exit(std::chrono::seconds(30));
    ASSERT_TRUE(status);
    EXPECT_EQ(*status, 0) << page;
    EXPECT_EQ(man.stderr_text(), "") << page;
    EXPECT_GT(man.stdout_text().size(), 2000u) << page;
  }
}

}  // namespace
}  // namespace relay7::testing
