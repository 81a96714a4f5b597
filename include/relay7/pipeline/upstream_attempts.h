#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "relay7/upstream/upstream_runtime.h"

namespace relay7 {

// The servers one request tries: never the same one twice, at most next_upstream_tries of them,
// none after next_upstream_timeout. One per client connection, reset for each request, so its
// list of tried servers stops allocating after the first request.
class UpstreamAttempts {
 public:
  // `key` (a hash balancer's key) is copied: the bytes it was read from (the request head, the
  // client's address) may change or go before the request's last attempt. `preferred` is a
  // sticky cookie's server.
  void reset(UpstreamRuntime& upstream, std::string_view key, std::optional<size_t> preferred);
  // The first server; nullopt when no server of the upstream is available.
  std::optional<size_t> first(int64_t now_ms);
  // Another server after a failed attempt; nullopt when the bounds or the servers ran out.
  std::optional<size_t> next(int64_t now_ms);

  UpstreamRuntime& upstream() const { return *upstream_; }
  std::optional<size_t> preferred() const { return preferred_; }

 private:
  std::optional<size_t> choose(int64_t now_ms);

  UpstreamRuntime* upstream_ = nullptr;
  // Owned: reused from request to request, so it stops allocating once long enough.
  std::string key_;
  std::optional<size_t> preferred_;
  std::vector<uint32_t> tried_;
  uint32_t attempts_ = 0;
  int64_t started_ms_ = 0;
};

}  // namespace relay7
