#pragma once

#include <poll.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "relay7/config/config.h"
#include "relay7/resolver/lookup_result.h"

struct ares_channeldata;
struct ares_addrinfo;

namespace relay7 {

// A c-ares channel set up from a config's "resolver": names are looked up in its hosts file, then
// (unless "nameservers" is empty) asked of its nameservers or the system's. It never blocks: the
// owner polls the channel's sockets along with its own and calls process() after each wait.
class DnsChannel {
  struct ConstructionKey {};

 public:
  // Each query is tried kTries times per nameserver, the first with this timeout (c-ares doubles
  // it for later rounds).
  static constexpr int kQueryTimeoutMs = 2000;
  static constexpr int kTries = 2;

  using Callback = std::function<void(LookupResult)>;

  // nullptr with `error` set when c-ares cannot be set up.
  static std::unique_ptr<DnsChannel> create(const ResolverConfig& config, std::string& error);
  DnsChannel(ConstructionKey, const ResolverConfig& config);
  // Lookups still under way are dropped: their callbacks never run.
  ~DnsChannel();
  DnsChannel(const DnsChannel&) = delete;
  DnsChannel& operator=(const DnsChannel&) = delete;

  // Every address of `host` (a name, not an IP address), reported to `callback` once: maybe
  // before lookup() returns (a hosts file entry), else from process(). `callback` must not throw
  // and must not destroy the channel.
  void lookup(const std::string& host, Callback callback);
  // Ends every lookup under way, each with an error, now.
  void cancel_all();
  size_t pending() const { return pending_; }

  // The sockets c-ares waits on, appended to `fds` for poll().
  void add_poll_fds(std::vector<pollfd>& fds) const;
  // When process() must run again even without socket activity (a query timing out).
  std::optional<std::chrono::milliseconds> timeout() const;
  // After a poll over (at least) what add_poll_fds gave: reads answers, retries timed-out queries.
  void process(const std::vector<pollfd>& fds);
  // The descriptors c-ares has open (a forked worker closes them).
  std::vector<int> open_descriptors() const;

 private:
  struct Request;
  struct Interest {
    bool read = false;
    bool write = false;
  };
  static void on_socket_state(void* context, int fd, int readable, int writable);
  static void on_result(void* context, int status, int timeouts, ares_addrinfo* result);
  LookupResult result_of(int status, const ares_addrinfo* answer) const;
  bool init(std::string& error);

  ResolverConfig config_;
  ares_channeldata* channel_ = nullptr;
  std::map<int, Interest> sockets_;
  size_t pending_ = 0;
  bool closing_ = false;
};

}  // namespace relay7
