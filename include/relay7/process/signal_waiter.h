#pragma once

#include <poll.h>
#include <signal.h>

#include <chrono>
#include <initializer_list>
#include <optional>
#include <vector>

namespace relay7 {

// The master's signals. They stay blocked except while the master waits, so a handler never
// runs in the middle of a reload or a fork; the handler only records that the signal came.
class SignalWaiter {
 public:
  explicit SignalWaiter(std::initializer_list<int> signals);
  ~SignalWaiter();
  SignalWaiter(const SignalWaiter&) = delete;
  SignalWaiter& operator=(const SignalWaiter&) = delete;

  // Waits until one of the signals arrives, one of `fds` is readable, or `timeout` passes
  // (nullopt: no limit). Returns false on an unexpected ppoll error.
  bool wait(std::vector<pollfd>& fds, std::optional<std::chrono::milliseconds> timeout);

  // The signals received since the last call, each once, in ascending number.
  std::vector<int> take_pending();

  // In a forked child: back to default dispositions, but still blocked, so a signal that
  // arrives before the child installs its own handling waits instead of killing it.
  void reset_in_child() const;
  // Restores the signal mask from before this waiter was created.
  void unblock() const;

 private:
  std::vector<int> signals_;
  sigset_t handled_{};
  sigset_t previous_mask_{};
};

}  // namespace relay7
