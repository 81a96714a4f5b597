#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "relay7/config/config.h"

namespace relay7 {

// What a balancer may look at to choose a server for one request.
struct BalanceRequest {
  std::string_view client_address;  // raw address bytes: 4 for IPv4, 16 for IPv6
};

// Chooses a server index (into UpstreamConfig::servers) for each request. One instance per
// upstream per worker, built at config load; pick() must not allocate.
class Balancer {
 public:
  virtual ~Balancer() = default;
  virtual size_t pick(const BalanceRequest& request) = 0;
};

std::unique_ptr<Balancer> make_balancer(const UpstreamConfig& upstream);

}  // namespace relay7
