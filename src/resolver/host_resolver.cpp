#include "relay7/resolver/host_resolver.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <optional>
#include <vector>

#include "relay7/resolver/dns_channel.h"

namespace relay7 {
namespace {

// c-ares gives up on its own (tries x nameservers x timeout); this only bounds a nameserver list
// long enough to make that take minutes.
constexpr std::chrono::seconds kLongestLookup{30};

class WaitingDnsResolver final : public HostResolver {
 public:
  explicit WaitingDnsResolver(std::unique_ptr<DnsChannel> channel) : channel_(std::move(channel)) {}

  LookupResult resolve(const std::string& host) override {
    std::optional<LookupResult> answer;
    channel_->lookup(host, [&answer](LookupResult result) { answer = std::move(result); });
    const auto deadline = std::chrono::steady_clock::now() + kLongestLookup;
    std::vector<pollfd> fds;
    while (!answer) {
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline) {
        channel_->cancel_all();  // completes the lookup, with an error
        break;
      }
      auto wait = std::chrono::ceil<std::chrono::milliseconds>(deadline - now);
      if (const auto timeout = channel_->timeout()) {
        wait = std::min(wait, *timeout);
      }
      fds.clear();
      channel_->add_poll_fds(fds);
      if (::poll(fds.data(), fds.size(), static_cast<int>(wait.count())) < 0 && errno != EINTR) {
        channel_->cancel_all();
        break;
      }
      channel_->process(fds);
    }
    if (!answer) {
      return LookupResult{
          {}, std::nullopt, "no answer within " + std::to_string(kLongestLookup.count()) + "s"};
    }
    return std::move(*answer);
  }

 private:
  std::unique_ptr<DnsChannel> channel_;
};

}  // namespace

std::unique_ptr<HostResolver> make_dns_resolver(const ResolverConfig& config, std::string& error) {
  std::unique_ptr<DnsChannel> channel = DnsChannel::create(config, error);
  if (!channel) {
    return nullptr;
  }
  return std::make_unique<WaitingDnsResolver>(std::move(channel));
}

}  // namespace relay7
