#pragma once

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include <memory>

namespace relay7::demo {

struct EventBaseDeleter {
  void operator()(event_base* base) const noexcept { event_base_free(base); }
};
struct EventDeleter {
  void operator()(event* ev) const noexcept { event_free(ev); }
};
struct BufferEventDeleter {
  void operator()(bufferevent* bev) const noexcept { bufferevent_free(bev); }
};
struct ListenerDeleter {
  void operator()(evconnlistener* listener) const noexcept { evconnlistener_free(listener); }
};

using EventBasePtr = std::unique_ptr<event_base, EventBaseDeleter>;
using EventPtr = std::unique_ptr<event, EventDeleter>;
using BufferEventPtr = std::unique_ptr<bufferevent, BufferEventDeleter>;
using ListenerPtr = std::unique_ptr<evconnlistener, ListenerDeleter>;

}  // namespace relay7::demo
