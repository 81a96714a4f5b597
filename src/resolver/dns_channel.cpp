#include "relay7/resolver/dns_channel.h"

#include <ares.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <mutex>

namespace relay7 {
namespace {

// A channel is only ever asked from one thread; c-ares' global state wants one init per process.
bool library_ready(std::string& error) {
  static std::once_flag once;
  static int status = ARES_SUCCESS;
  std::call_once(once, [] { status = ares_library_init(ARES_LIB_INIT_ALL); });
  if (status != ARES_SUCCESS) {
    error = std::string("cannot initialise c-ares: ") + ares_strerror(status);
    return false;
  }
  return true;
}

// "127.0.0.1:53,[::1]:5353": the form ares_set_servers_ports_csv reads.
std::string nameserver_list(const std::vector<SocketAddress>& nameservers) {
  std::string list;
  for (const SocketAddress& nameserver : nameservers) {
    if (!list.empty()) {
      list += ',';
    }
    list += nameserver.to_string();
  }
  return list;
}

struct AddrinfoDeleter {
  void operator()(ares_addrinfo* answer) const { ares_freeaddrinfo(answer); }
};

}  // namespace

// What one lookup needs back in on_result; c-ares holds it (as its `arg`) until then.
struct DnsChannel::Request {
  DnsChannel* channel;
  Callback callback;
};

std::unique_ptr<DnsChannel> DnsChannel::create(const ResolverConfig& config, std::string& error) {
  if (!library_ready(error)) {
    return nullptr;
  }
  auto channel = std::make_unique<DnsChannel>(ConstructionKey{}, config);
  if (!channel->init(error)) {
    return nullptr;
  }
  return channel;
}

DnsChannel::DnsChannel(ConstructionKey, const ResolverConfig& config) : config_(config) {}

bool DnsChannel::init(std::string& error) {
  const bool hosts_file_only = config_.nameservers && config_.nameservers->empty();
  // Files first, then DNS, as nsswitch's usual "files dns" says; c-ares would otherwise take the
  // order from the system's files, which a config cannot see.
  std::string lookups = hosts_file_only ? "f" : "fb";
  ares_options options{};
  options.lookups = lookups.data();
  options.timeout = kQueryTimeoutMs;
  options.tries = kTries;
  options.sock_state_cb = &DnsChannel::on_socket_state;
  options.sock_state_cb_data = this;
  const int mask = ARES_OPT_LOOKUPS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB;
  ares_channel channel = nullptr;
  const int status = ares_init_options(&channel, &options, mask);
  if (status != ARES_SUCCESS) {
    error = std::string("cannot set up the resolver: ") + ares_strerror(status);
    return false;
  }
  channel_ = channel;
  if (config_.nameservers && !config_.nameservers->empty()) {
    const std::string list = nameserver_list(*config_.nameservers);
    const int set = ares_set_servers_ports_csv(channel_, list.c_str());
    if (set != ARES_SUCCESS) {
      error = "cannot use nameservers " + list + ": " + ares_strerror(set);
      return false;
    }
  }
  return true;
}

DnsChannel::~DnsChannel() {
  if (channel_ != nullptr) {
    closing_ = true;  // ares_destroy ends every lookup through on_result
    ares_destroy(channel_);
  }
}

void DnsChannel::lookup(const std::string& host, Callback callback) {
  auto request = std::make_unique<Request>(Request{this, std::move(callback)});
  ares_addrinfo_hints hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  // c-ares has no option for the hosts file's path: with ARES_AI_ENVHOSTS it reads it from
  // CARES_HOSTS. Lookups start with the file ("f" first), which c-ares reads before
  // ares_getaddrinfo returns, so setting it here, each time, gives each channel its own file.
  hints.ai_flags = ARES_AI_ENVHOSTS;
  ::setenv("CARES_HOSTS", config_.hosts_file.c_str(), 1);
  ++pending_;
  ares_getaddrinfo(channel_, host.c_str(), nullptr, &hints, &DnsChannel::on_result,
                   request.release());
}

void DnsChannel::cancel_all() {
  ares_cancel(channel_);
}

void DnsChannel::on_socket_state(void* context, int fd, int readable, int writable) {
  auto* self = static_cast<DnsChannel*>(context);
  if (readable == 0 && writable == 0) {
    self->sockets_.erase(fd);
  } else {
    self->sockets_[fd] = Interest{readable != 0, writable != 0};
  }
}

void DnsChannel::on_result(void* context, int status, int, ares_addrinfo* result) {
  const std::unique_ptr<ares_addrinfo, AddrinfoDeleter> answer(result);
  const std::unique_ptr<Request> request(static_cast<Request*>(context));
  DnsChannel* self = request->channel;
  --self->pending_;
  if (self->closing_) {
    return;
  }
  try {
    request->callback(self->result_of(status, answer.get()));
  } catch (...) {
    // Running inside c-ares: nothing may escape. Only an allocation can have failed; the
    // lookup's owner sees no answer and asks again later.
  }
}

LookupResult DnsChannel::result_of(int status, const ares_addrinfo* answer) const {
  LookupResult result;
  if (status != ARES_SUCCESS || answer == nullptr) {
    const bool hosts_file_only = config_.nameservers && config_.nameservers->empty();
    // With the hosts file alone c-ares reports a missing name as a DNS failure.
    result.error = hosts_file_only ? "not in " + config_.hosts_file : ares_strerror(status);
    return result;
  }
  int lowest_ttl = std::numeric_limits<int>::max();
  for (const ares_addrinfo_node* node = answer->nodes; node != nullptr; node = node->ai_next) {
    if (node->ai_family != AF_INET && node->ai_family != AF_INET6) {
      continue;
    }
    // The port is the config's; the answer's is whatever the service lookup left there.
    result.addresses.push_back(with_port(socket_address_from(node->ai_addr, node->ai_addrlen), 0));
    lowest_ttl = std::min(lowest_ttl, node->ai_ttl);
  }
  if (result.addresses.empty()) {
    result.error = "no IPv4 or IPv6 address";
    return result;
  }
  result.addresses = sorted_unique(std::move(result.addresses));
  if (lowest_ttl > 0 && lowest_ttl != std::numeric_limits<int>::max()) {
    result.ttl = std::chrono::seconds(lowest_ttl);
  }
  return result;
}

void DnsChannel::add_poll_fds(std::vector<pollfd>& fds) const {
  for (const auto& [fd, interest] : sockets_) {
    const short events =
        static_cast<short>((interest.read ? POLLIN : 0) | (interest.write ? POLLOUT : 0));
    fds.push_back(pollfd{fd, events, 0});
  }
}

std::optional<std::chrono::milliseconds> DnsChannel::timeout() const {
  if (pending_ == 0) {
    return std::nullopt;
  }
  timeval wait{};
  const timeval* next = ares_timeout(channel_, nullptr, &wait);
  if (next == nullptr) {
    return std::nullopt;
  }
  // Rounded up: waking a little early would only find nothing to do and wait again.
  return std::chrono::milliseconds(next->tv_sec * 1000 + (next->tv_usec + 999) / 1000);
}

void DnsChannel::process(const std::vector<pollfd>& fds) {
  for (const pollfd& polled : fds) {
    if (polled.revents == 0 || !sockets_.contains(polled.fd)) {
      continue;
    }
    const bool readable = (polled.revents & (POLLIN | POLLERR | POLLHUP)) != 0;
    const bool writable = (polled.revents & POLLOUT) != 0;
    ares_process_fd(channel_, readable ? polled.fd : ARES_SOCKET_BAD,
                    writable ? polled.fd : ARES_SOCKET_BAD);
  }
  // With no socket named, c-ares only handles the queries whose time is up.
  ares_process_fd(channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
}

std::vector<int> DnsChannel::open_descriptors() const {
  std::vector<int> fds;
  for (const auto& entry : sockets_) {
    fds.push_back(entry.first);
  }
  return fds;
}

}  // namespace relay7
