#pragma once

#include <event2/bufferevent.h>

namespace relay7 {

// Direct writes. libevent adds a socket to epoll each time output is queued on a bufferevent
// with EV_WRITE enabled, and removes it once the output is written: two epoll_ctl calls and a
// turn of the loop per message, although a socket can almost always take a small message at
// once. A bufferevent written this way keeps EV_WRITE disabled while its output is empty; its
// owner queues output as usual and calls flush_output() once a message (or a part of a stream)
// is queued. What the socket takes is written there and then; only a remainder (or an error) is
// left to libevent, with EV_WRITE enabled until the output has drained, when the write callback
// calls stop_write_events_if_drained().
void flush_output(bufferevent* bev);
void stop_write_events_if_drained(bufferevent* bev);

}  // namespace relay7
