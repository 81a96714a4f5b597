#include "relay7/transport/connection_set.h"

namespace relay7 {

ConnectionSet::ConnectionSet(event_base* base)
    : reaper_(event_new(base, -1, 0, &ConnectionSet::on_reap, this)) {}

ManagedConnection& ConnectionSet::add(std::unique_ptr<ManagedConnection> connection) {
  ManagedConnection& added = *connection;
  live_.emplace(&added, std::move(connection));
  return added;
}

void ConnectionSet::retire(ManagedConnection* connection) {
  auto found = live_.find(connection);
  if (found == live_.end()) {
    return;
  }
  retired_.push_back(std::move(found->second));
  live_.erase(found);
  schedule_reap();
}

void ConnectionSet::retire_later(std::unique_ptr<Retirable> object) {
  if (object) {
    retired_.push_back(std::move(object));
    schedule_reap();
  }
}

void ConnectionSet::drain_all() {
  // begin_drain may retire connections, which edits live_: iterate over a snapshot.
  std::vector<ManagedConnection*> snapshot;
  snapshot.reserve(live_.size());
  for (auto& [connection, owner] : live_) {
    snapshot.push_back(connection);
  }
  for (ManagedConnection* connection : snapshot) {
    if (live_.contains(connection)) {
      connection->begin_drain();
    }
  }
}

void ConnectionSet::close_all() {
  for (auto& [connection, owner] : live_) {
    retired_.push_back(std::move(owner));
  }
  live_.clear();
  retired_.clear();
}

void ConnectionSet::schedule_reap() {
  if (reaper_ && !event_pending(reaper_.get(), EV_TIMEOUT, nullptr)) {
    event_active(reaper_.get(), EV_TIMEOUT, 0);
  }
}

void ConnectionSet::on_reap(evutil_socket_t, short, void* context) {
  auto* self = static_cast<ConnectionSet*>(context);
  // Destructors may retire more objects; swap first so those wait for the next round. Swapping
  // two members back and forth keeps both vectors' capacity: retiring allocates nothing.
  self->reaping_.swap(self->retired_);
  self->reaping_.clear();
}

}  // namespace relay7
