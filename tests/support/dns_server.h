#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>

#include "support/child_process.h"

namespace relay7::testing {

// dnsmasq (Debian's dnsmasq-base) on 127.0.0.1, answering the names of `hosts_file` with a TTL
// of `ttl` and nothing else (no upstream servers, no /etc/hosts): a real DNS server that never
// sends a query off the machine. Stopped by pid when this goes away.
class DnsServer {
 public:
  DnsServer(const std::filesystem::path& hosts_file, std::chrono::seconds ttl);

  uint16_t port() const { return port_; }
  // Makes dnsmasq read the hosts file again (it does on SIGHUP).
  void reread_hosts();

 private:
  std::unique_ptr<ChildProcess> process_;
  uint16_t port_ = 0;
};

}  // namespace relay7::testing
