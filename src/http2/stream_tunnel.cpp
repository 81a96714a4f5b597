#include "relay7/http2/stream_tunnel.h"

#include "relay7/transport/flow_limits.h"

namespace relay7 {

Http2StreamTunnel::Http2StreamTunnel(StreamTunnelOwner& owner, std::unique_ptr<Transport> upstream,
                                     IoBuffer& to_client, IoBuffer upstream_input,
                                     BlockPool& blocks)
    : owner_(owner), upstream_(std::move(upstream)), to_client_(to_client), to_upstream_(blocks) {
  upstream_input.move_to(to_client_, upstream_input.size());
}

Http2StreamTunnel::~Http2StreamTunnel() {
  upstream_->set_owner(nullptr);
  upstream_->watch_read(false);
  upstream_->watch_write(false);
}

void Http2StreamTunnel::start() {
  upstream_->set_owner(this);
  upstream_->watch_read(true);
  if (!to_client_.empty()) {
    owner_.on_tunnel_data();
  }
}

void Http2StreamTunnel::send(std::string_view bytes) {
  if (ended_) {
    owner_.on_tunnel_written(bytes.size());
    return;
  }
  to_upstream_.append(bytes);
  unacknowledged_ += bytes.size();
  write_upstream();
}

void Http2StreamTunnel::end_from_client() {
  client_ended_ = true;
  if (to_upstream_.empty() && !ended_) {
    upstream_->shutdown_write();
  }
}

void Http2StreamTunnel::resume_reading() {
  if (!ended_ && !upstream_->watching_read()) {
    upstream_->watch_read(true);
  }
}

void Http2StreamTunnel::on_transport_event(Transport&, TransportEvent event) {
  switch (event) {
    case TransportEvent::readable:
      read_upstream();
      return;
    case TransportEvent::writable:
      write_upstream();
      return;
    case TransportEvent::read_timeout:
    case TransportEvent::write_timeout:
      fail();
      return;
  }
}

void Http2StreamTunnel::read_upstream() {
  if (ended_) {
    return;
  }
  if (to_client_.size() >= kBufferHighWatermark) {
    upstream_->watch_read(false);  // resume_reading, once the client has taken some
    return;
  }
  const ReadResult result = upstream_->read(to_client_, kBufferHighWatermark - to_client_.size());
  switch (result.status) {
    case ReadResult::Status::data:
      owner_.on_tunnel_data();
      return;
    case ReadResult::Status::would_block:
      return;
    case ReadResult::Status::end_of_stream:
      ended_ = true;
      upstream_->watch_read(false);
      owner_.on_tunnel_end(true);
      return;
    case ReadResult::Status::error:
      fail();
      return;
  }
}

// Client bytes are acknowledged while what waits for the backend's socket stays below the
// watermark: a backend that stops reading stops the client once that much is held.
void Http2StreamTunnel::write_upstream() {
  if (ended_) {
    return;
  }
  if (!to_upstream_.empty()) {
    const WriteResult result = upstream_->write(to_upstream_);
    if (result.status == WriteResult::Status::error) {
      fail();
      return;
    }
  }
  upstream_->watch_write(!to_upstream_.empty());
  if (to_upstream_.size() < kBufferHighWatermark && unacknowledged_ > 0) {
    const size_t taken = unacknowledged_;
    unacknowledged_ = 0;
    owner_.on_tunnel_written(taken);
  }
  if (to_upstream_.empty() && client_ended_) {
    upstream_->shutdown_write();
  }
}

void Http2StreamTunnel::fail() {
  if (ended_) {
    return;
  }
  ended_ = true;
  upstream_->watch_read(false);
  upstream_->watch_write(false);
  owner_.on_tunnel_end(false);
}

}  // namespace relay7
