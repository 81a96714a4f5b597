#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace relay7::testing {

// The name of the upstream in single_upstream_config.
inline constexpr const char* kTestUpstream = "backends";

// A config with one upstream (`ports` on 127.0.0.1, round robin) and one server block that
// proxies "/" to it unchanged. One worker, so per-worker state (the connection pool, the
// rotation) is what the test observes. The listen port is filled in by Relay7Process.
nlohmann::json single_upstream_config(const std::vector<uint16_t>& ports);
// The same with `workers` worker processes: to see what is shared between workers, or how
// connections spread over them.
nlohmann::json single_upstream_config(const std::vector<uint16_t>& ports, unsigned workers);

// "127.0.0.1:PORT".
std::string loopback_address(uint16_t port);

}  // namespace relay7::testing
