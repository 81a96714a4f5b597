#pragma once

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include <cstddef>

#include "relay7/event/handles.h"

namespace relay7 {

// Reads a bufferevent's socket into the bufferevent's input buffer in its place. libevent 2.1
// asks the kernel how much is readable (ioctl FIONREAD) before every read a bufferevent makes:
// one system call per message for nothing, as a read of a fixed size tells as much. The owner
// keeps the bufferevent for writing (with EV_READ disabled on it) and drives reading through
// this, which behaves as the bufferevent's reading did: enable/disable, a read timeout that runs
// while reading is enabled and restarts with every read, no reading while the input holds
// `limit` bytes (resumed by itself once it has drained below), and the bufferevent's callback
// signatures, with BEV_EVENT_READING and EOF, ERROR or TIMEOUT for the event callback. Reading
// is disabled before EOF, an error or a timeout is reported, as libevent does.
//
// Callbacks are called last, so an owner may destroy the reader from inside one. The reader
// must not outlive the bufferevent.
class SocketReader {
 public:
  SocketReader(bufferevent* bev, size_t limit);
  ~SocketReader();
  SocketReader(const SocketReader&) = delete;
  SocketReader& operator=(const SocketReader&) = delete;

  // False when libevent could not allocate the reader's event or buffer callback.
  bool valid() const { return event_ != nullptr && watermark_cb_ != nullptr; }

  void set_callbacks(bufferevent_data_cb read_cb, bufferevent_event_cb event_cb, void* context);
  void set_limit(size_t limit) { limit_ = limit; }
  // nullptr: no read timeout. Applies at once when reading is enabled.
  void set_timeout(const timeval* timeout);
  void enable();
  void disable();
  bool enabled() const { return enabled_; }

 private:
  static void on_ready(evutil_socket_t fd, short what, void* context);
  static void on_input_changed(evbuffer* buffer, const evbuffer_cb_info* info, void* context);
  void arm();
  void suspend();
  void report(short events);

  bufferevent* bev_;
  evbuffer* input_;
  size_t limit_;
  EventPtr event_;
  evbuffer_cb_entry* watermark_cb_ = nullptr;
  bufferevent_data_cb read_cb_ = nullptr;
  bufferevent_event_cb event_cb_ = nullptr;
  void* context_ = nullptr;
  timeval timeout_{};
  bool has_timeout_ = false;
  bool enabled_ = false;
  bool suspended_ = false;  // enabled, but the input holds `limit_` bytes
};

}  // namespace relay7
