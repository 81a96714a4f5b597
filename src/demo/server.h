#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <string>

#include "demo/connection.h"
#include "demo/event_handles.h"
#include "demo/options.h"
#include "demo/request_log.h"

namespace relay7::demo {

class Server {
 public:
  explicit Server(Options options);
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  ~Server();

  // Binds and listens; on failure returns false with a message in `error`.
  bool listen(std::string& error);
  uint16_t port() const { return context_.port; }
  // Serves until SIGTERM or SIGINT.
  void run();

 private:
  using ConnectionList = std::list<std::unique_ptr<Connection>>;

  static void on_accept(evconnlistener* listener, evutil_socket_t fd, sockaddr* address, int length,
                        void* arg);
  static void on_signal(evutil_socket_t signal, short what, void* arg);
  static void on_reap(evutil_socket_t fd, short what, void* arg);

  void accept_connection(evutil_socket_t fd);
  void retire(ConnectionList::iterator connection) noexcept;
  bool add_signal(int signal_number, EventPtr& slot);

  Options options_;
  // Declared first so it is destroyed last: everything below holds events of this base.
  EventBasePtr base_;
  RequestLog log_;
  ServerContext context_;
  ListenerPtr listener_;
  EventPtr sigterm_;
  EventPtr sigint_;
  EventPtr reaper_;
  ConnectionList live_;
  ConnectionList retired_;
};

}  // namespace relay7::demo
