#include "support/dns_server.h"

#include <unistd.h>

#include <csignal>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/ports.h"

namespace relay7::testing {
namespace {

std::vector<std::string> dnsmasq_argv(const std::filesystem::path& hosts_file,
                                      std::chrono::seconds ttl, uint16_t port) {
  std::vector<std::string> argv = {"/usr/sbin/dnsmasq",
                                   "--no-daemon",
                                   "--conf-file=/dev/null",
                                   "--port=" + std::to_string(port),
                                   "--listen-address=127.0.0.1",
                                   "--bind-interfaces",
                                   "--no-resolv",
                                   "--no-hosts",
                                   "--addn-hosts=" + hosts_file.string(),
                                   "--local-ttl=" + std::to_string(ttl.count()),
                                   "--pid-file="};
  // Started as root, dnsmasq would switch to "nobody", who may not read the test's file.
  if (::getuid() == 0) {
    argv.push_back("--user=root");
  }
  return argv;
}

}  // namespace

DnsServer::DnsServer(const std::filesystem::path& hosts_file, std::chrono::seconds ttl) {
  // free_port() is racy: start again on another port when dnsmasq cannot bind this one.
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = free_port();
    process_ = std::make_unique<ChildProcess>(dnsmasq_argv(hosts_file, ttl, port_));
    if (wait_for_port(port_, std::chrono::seconds(10)) && process_->running()) {
      return;
    }
    process_->stop();
  }
  throw std::runtime_error("dnsmasq did not start: " + process_->stderr_text());
}

void DnsServer::reread_hosts() {
  process_->send_signal(SIGHUP);
}

}  // namespace relay7::testing
