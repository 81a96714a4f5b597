#include "relay7/event/direct_write.h"

#include <event2/buffer.h>
#include <event2/event.h>

namespace relay7 {

void flush_output(bufferevent* bev) {
  evbuffer* output = bufferevent_get_output(bev);
  if (evbuffer_get_length(output) == 0 || (bufferevent_get_enabled(bev) & EV_WRITE) != 0) {
    return;  // nothing to write, or libevent is already writing
  }
  const evutil_socket_t fd = bufferevent_getfd(bev);
  int written = -1;
  if (fd >= 0) {
    // A bufferevent keeps the start of its output frozen except while it writes itself; this is
    // such a write.
    evbuffer_unfreeze(output, 1);
    written = evbuffer_write(output, fd);
    evbuffer_freeze(output, 1);
  }
  if (written < 0 || evbuffer_get_length(output) != 0) {
    bufferevent_enable(bev, EV_WRITE);
  }
}

void stop_write_events_if_drained(bufferevent* bev) {
  if (evbuffer_get_length(bufferevent_get_output(bev)) == 0) {
    bufferevent_disable(bev, EV_WRITE);
  }
}

}  // namespace relay7
