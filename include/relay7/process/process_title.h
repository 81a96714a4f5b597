#pragma once

#include <string_view>

namespace relay7 {

// Lets `ps` show each process's role ("relay7: master process /etc/relay7/relay7.json",
// "relay7: worker process"). Linux shows a process's command line from the memory that held its
// argv strings (and the environment strings right after them), so the title is written there.
class ProcessTitle {
 public:
  // Call once, first thing in main: moves the environment out of the way so the whole area can
  // hold a title.
  static void init(int argc, char** argv);
  // Truncates a title that does not fit; a no-op before init().
  static void set(std::string_view title);
};

}  // namespace relay7
