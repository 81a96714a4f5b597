#include "relay7/upstream/connection_pool.h"

#include <algorithm>

#include "relay7/transport/transport.h"
#include "relay7/transport/upstream_connect.h"
#include "relay7/upstream/shared_state.h"

namespace relay7 {

ConnectionPool::ConnectionPool(const PoolResources& resources, SocketAddress address,
                               size_t max_idle, std::shared_ptr<TlsPeer> tls)
    : resources_(resources),
      address_(address),
      address_text_(address.to_string()),
      max_idle_(max_idle),
      tls_(std::move(tls)) {}

// The idle connections go first, while the counter they update still exists.
ConnectionPool::~ConnectionPool() {
  idle_.clear();
}

std::unique_ptr<Http1ClientSession> ConnectionPool::acquire() {
  if (idle_.empty()) {
    return connect_new();
  }
  std::unique_ptr<Http1ClientSession> session = std::move(idle_.back());
  idle_.pop_back();
  return session;
}

std::unique_ptr<Http1ClientSession> ConnectionPool::connect_new() {
  std::unique_ptr<Transport> transport = connect_upstream(resources_.base, address_, tls_);
  if (!transport) {
    return nullptr;
  }
  return std::make_unique<Http1ClientSession>(*this, std::move(transport), *resources_.blocks,
                                              *resources_.limits, true);
}

void ConnectionPool::release(std::unique_ptr<Http1ClientSession> session) {
  if (retired_ || max_idle_ == 0) {
    return;  // unique_ptr closes it
  }
  session->idle();
  session->idle_since_ms_ = monotonic_ms();
  idle_.push_back(std::move(session));
}

void ConnectionPool::trim_idle(int64_t now_ms, int64_t idle_timeout_ms) {
  size_t closing = 0;
  while (closing < idle_.size()) {
    const int64_t idle_for = now_ms - idle_[closing]->idle_since_ms_;
    const bool excess = idle_.size() - closing > max_idle_ && idle_for >= kExcessIdleMs;
    if (!excess && idle_for < idle_timeout_ms) {
      break;
    }
    ++closing;
  }
  idle_.erase(idle_.begin(), idle_.begin() + static_cast<ptrdiff_t>(closing));
}

void ConnectionPool::close_idle() {
  idle_.clear();
}

void ConnectionPool::retire() {
  retired_ = true;
  idle_.clear();
}

void ConnectionPool::discard_idle(Http1ClientSession* session) {
  const auto found = std::find_if(idle_.begin(), idle_.end(),
                                  [session](const auto& idle) { return idle.get() == session; });
  if (found != idle_.end()) {
    idle_.erase(found);
  }
}

}  // namespace relay7
