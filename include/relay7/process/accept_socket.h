#pragma once

#include <cstddef>

namespace relay7 {

// A listening socket a worker accepts on, and the listener (index in RouteTable::listeners())
// whose routes serve the connections accepted from it. A listener has several: one per worker
// slot, and sockets left over from a reload to fewer workers.
struct AcceptSocket {
  size_t listener = 0;
  int fd = -1;  // owned by the master; the worker holds an inherited copy
};

}  // namespace relay7
