#include "relay7/transport/connection_set.h"

namespace relay7 {

ConnectionSet::ConnectionSet(event_base* base)
    : reaper_(event_new(base, -1, 0, &ConnectionSet::on_reap, this)) {}

ConnectionSet::~ConnectionSet() {
  close_all();
}

ManagedConnection& ConnectionSet::add(std::unique_ptr<ManagedConnection> connection) {
  ManagedConnection* added = connection.release();
  added->next_ = first_;
  if (first_ != nullptr) {
    first_->previous_ = added;
  }
  first_ = added;
  added->live_ = true;
  ++live_count_;
  return *added;
}

std::unique_ptr<ManagedConnection> ConnectionSet::unlink(ManagedConnection* connection) {
  if (connection->previous_ != nullptr) {
    connection->previous_->next_ = connection->next_;
  } else {
    first_ = connection->next_;
  }
  if (connection->next_ != nullptr) {
    connection->next_->previous_ = connection->previous_;
  }
  connection->previous_ = nullptr;
  connection->next_ = nullptr;
  connection->live_ = false;
  --live_count_;
  return std::unique_ptr<ManagedConnection>(connection);
}

void ConnectionSet::retire(ManagedConnection* connection) {
  if (connection == nullptr || !connection->live_) {
    return;
  }
  retired_.push_back(unlink(connection));
  schedule_reap();
}

void ConnectionSet::retire_later(std::unique_ptr<Retirable> object) {
  if (object) {
    retired_.push_back(std::move(object));
    schedule_reap();
  }
}

void ConnectionSet::drain_all() {
  // begin_drain may retire connections (and a retired one is only destroyed at the next reap):
  // iterate over a snapshot, skipping those no longer live.
  std::vector<ManagedConnection*> snapshot;
  snapshot.reserve(live_count_);
  for (ManagedConnection* connection = first_; connection != nullptr;
       connection = connection->next_) {
    snapshot.push_back(connection);
  }
  for (ManagedConnection* connection : snapshot) {
    if (connection->live_) {
      connection->begin_drain();
    }
  }
}

void ConnectionSet::close_all() {
  while (first_ != nullptr) {
    retired_.push_back(unlink(first_));
  }
  // Destructors may retire more (an exchange of a session): clear until nothing is left.
  while (!retired_.empty()) {
    std::vector<std::unique_ptr<Retirable>> closing;
    closing.swap(retired_);
    closing.clear();
  }
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
