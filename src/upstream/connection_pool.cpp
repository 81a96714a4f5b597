#include "relay7/upstream/connection_pool.h"

#include "relay7/transport/transport.h"
#include "relay7/upstream/shared_state.h"

namespace relay7 {

ConnectionPool::ConnectionPool(const PoolResources& resources, SocketAddress address,
                               size_t max_idle)
    : resources_(resources),
      address_(address),
      address_text_(address.to_string()),
      max_idle_(max_idle) {}

ConnectionPool::~ConnectionPool() = default;

std::unique_ptr<Http1ClientSession> ConnectionPool::acquire() {
  if (idle_.empty()) {
    return connect_new();
  }
  std::unique_ptr<Http1ClientSession> session = std::move(idle_.front());
  idle_.pop_front();
  return session;
}

std::unique_ptr<Http1ClientSession> ConnectionPool::connect_new() {
  std::unique_ptr<Transport> transport = Transport::connect(resources_.base, address_);
  if (!transport) {
    return nullptr;
  }
  return std::make_unique<Http1ClientSession>(*this, std::move(transport), *resources_.blocks,
                                              *resources_.limits, true);
}

void ConnectionPool::release(std::unique_ptr<Http1ClientSession> session) {
  if (max_idle_ == 0) {
    return;  // unique_ptr closes it
  }
  session->idle();
  session->idle_since_ms_ = monotonic_ms();
  idle_.push_front(std::move(session));
  idle_.front()->idle_position_ = idle_.begin();
}

void ConnectionPool::trim_idle(int64_t now_ms, int64_t idle_timeout_ms) {
  while (!idle_.empty()) {
    const int64_t idle_for = now_ms - idle_.back()->idle_since_ms_;
    const bool excess = idle_.size() > max_idle_ && idle_for >= kExcessIdleMs;
    if (!excess && idle_for < idle_timeout_ms) {
      return;
    }
    idle_.pop_back();
  }
}

void ConnectionPool::close_idle() {
  idle_.clear();
}

void ConnectionPool::discard_idle(Http1ClientSession* session) {
  idle_.erase(session->idle_position_);
}

}  // namespace relay7
