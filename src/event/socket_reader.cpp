#include "relay7/event/socket_reader.h"

#include <algorithm>
#include <cerrno>

#include "relay7/event/bulk_read.h"

namespace relay7 {
namespace {

// What libevent 2.1 reads per call (EVBUFFER_MAX_READ in its buffer.c): small messages cost one
// readv into a small chain, as before.
constexpr size_t kFirstReadSize = 4096;

}  // namespace

SocketReader::SocketReader(bufferevent* bev, size_t limit)
    : bev_(bev),
      input_(bufferevent_get_input(bev)),
      limit_(limit),
      event_(event_new(bufferevent_get_base(bev), bufferevent_getfd(bev), EV_READ | EV_PERSIST,
                       &SocketReader::on_ready, this)) {
  // Watches the input only while reading waits for it to drain; registered once, switched on and
  // off with its flags.
  watermark_cb_ = evbuffer_add_cb(input_, &SocketReader::on_input_changed, this);
  if (watermark_cb_ != nullptr) {
    evbuffer_cb_clear_flags(input_, watermark_cb_, EVBUFFER_CB_ENABLED);
  }
}

SocketReader::~SocketReader() {
  if (watermark_cb_ != nullptr) {
    evbuffer_remove_cb_entry(input_, watermark_cb_);
  }
}

void SocketReader::set_callbacks(bufferevent_data_cb read_cb, bufferevent_event_cb event_cb,
                                 void* context) {
  read_cb_ = read_cb;
  event_cb_ = event_cb;
  context_ = context;
}

void SocketReader::set_timeout(const timeval* timeout) {
  has_timeout_ = timeout != nullptr;
  timeout_ = has_timeout_ ? *timeout : timeval{};
  if (!event_ || !event_pending(event_.get(), EV_READ, nullptr)) {
    return;
  }
  // As bufferevent_set_timeouts does for a read in progress: the new timeout counts from now.
  if (has_timeout_) {
    event_add(event_.get(), &timeout_);
  } else {
    event_remove_timer(event_.get());
  }
}

void SocketReader::enable() {
  enabled_ = true;
  if (evbuffer_get_length(input_) >= limit_) {
    suspend();  // on_input_changed resumes once the input drains
    return;
  }
  suspended_ = false;
  if (watermark_cb_ != nullptr) {
    evbuffer_cb_clear_flags(input_, watermark_cb_, EVBUFFER_CB_ENABLED);
  }
  arm();
}

void SocketReader::disable() {
  enabled_ = false;
  suspended_ = false;
  if (watermark_cb_ != nullptr) {
    evbuffer_cb_clear_flags(input_, watermark_cb_, EVBUFFER_CB_ENABLED);
  }
  if (event_) {
    event_del(event_.get());
  }
}

void SocketReader::arm() {
  if (event_) {
    // Re-adding a pending event only restarts its timeout, as bufferevent_enable does.
    event_add(event_.get(), has_timeout_ ? &timeout_ : nullptr);
  }
}

void SocketReader::suspend() {
  suspended_ = true;
  if (event_) {
    event_del(event_.get());
  }
  if (watermark_cb_ != nullptr) {
    evbuffer_cb_set_flags(input_, watermark_cb_, EVBUFFER_CB_ENABLED);
  }
}

void SocketReader::on_input_changed(evbuffer*, const evbuffer_cb_info*, void* context) {
  auto* self = static_cast<SocketReader*>(context);
  if (self->suspended_ && evbuffer_get_length(self->input_) < self->limit_) {
    self->enable();
  }
}

void SocketReader::on_ready(evutil_socket_t fd, short what, void* context) {
  auto* self = static_cast<SocketReader*>(context);
  if (what == EV_TIMEOUT) {
    self->report(BEV_EVENT_READING | BEV_EVENT_TIMEOUT);
    return;
  }
  const size_t buffered = evbuffer_get_length(self->input_);
  if (buffered >= self->limit_) {
    self->suspend();
    return;
  }
  const size_t room = self->limit_ - buffered;
  const size_t first = std::min(room, kFirstReadSize);
  const ssize_t received = read_into_input(self->input_, fd, first);
  if (received == 0) {
    self->report(BEV_EVENT_READING | BEV_EVENT_EOF);
    return;
  }
  if (received < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      self->report(BEV_EVENT_READING | BEV_EVENT_ERROR);
    }
    return;
  }
  if (static_cast<size_t>(received) == first && room > first) {
    // A full read: the kernel may hold much more (a large body); take it with one more readv.
    // End of stream or an error there is left for the next read to report.
    read_into_input(self->input_, fd, room - first);
  }
  if (evbuffer_get_length(self->input_) >= self->limit_) {
    self->suspend();
  }
  if (self->read_cb_ != nullptr) {
    self->read_cb_(self->bev_, self->context_);  // last: it may destroy the reader
  }
}

void SocketReader::report(short events) {
  const int error = errno;  // the owner may log it
  disable();
  errno = error;
  if (event_cb_ != nullptr) {
    event_cb_(bev_, events, context_);  // last: it may destroy the reader
  }
}

}  // namespace relay7
