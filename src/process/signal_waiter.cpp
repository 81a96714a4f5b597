#include "relay7/process/signal_waiter.h"

#include <cerrno>
#include <csignal>
#include <ctime>

namespace relay7 {
namespace {

volatile sig_atomic_t g_pending[NSIG];

void record_signal(int signal_number) {
  if (signal_number > 0 && signal_number < NSIG) {
    g_pending[signal_number] = 1;
  }
}

}  // namespace

SignalWaiter::SignalWaiter(std::initializer_list<int> signals) : signals_(signals) {
  sigemptyset(&handled_);
  for (int signal_number : signals_) {
    sigaddset(&handled_, signal_number);
  }
  sigprocmask(SIG_BLOCK, &handled_, &previous_mask_);
  struct sigaction action {};
  action.sa_handler = &record_signal;
  sigemptyset(&action.sa_mask);
  for (int signal_number : signals_) {
    sigaction(signal_number, &action, nullptr);
  }
}

SignalWaiter::~SignalWaiter() {
  reset_in_child();
  unblock();
}

bool SignalWaiter::wait(std::vector<pollfd>& fds,
                        std::optional<std::chrono::milliseconds> timeout) {
  timespec limit{};
  if (timeout) {
    const auto milliseconds = std::max<int64_t>(0, timeout->count());
    limit.tv_sec = static_cast<time_t>(milliseconds / 1000);
    limit.tv_nsec = static_cast<long>((milliseconds % 1000) * 1000000);
  }
  // ppoll swaps in the unblocked mask atomically: a signal that came while blocked is delivered
  // right here and interrupts the wait, so none is missed between a check and a sleep.
  sigset_t waiting_mask = previous_mask_;
  for (int signal_number : signals_) {
    sigdelset(&waiting_mask, signal_number);
  }
  const int result = ::ppoll(fds.data(), fds.size(), timeout ? &limit : nullptr, &waiting_mask);
  return result >= 0 || errno == EINTR;
}

std::vector<int> SignalWaiter::take_pending() {
  std::vector<int> received;
  for (int signal_number = 1; signal_number < NSIG; ++signal_number) {
    if (g_pending[signal_number] != 0) {
      g_pending[signal_number] = 0;
      received.push_back(signal_number);
    }
  }
  return received;
}

void SignalWaiter::reset_in_child() const {
  struct sigaction action {};
  action.sa_handler = SIG_DFL;
  sigemptyset(&action.sa_mask);
  for (int signal_number : signals_) {
    sigaction(signal_number, &action, nullptr);
    g_pending[signal_number] = 0;
  }
}

void SignalWaiter::unblock() const {
  sigprocmask(SIG_SETMASK, &previous_mask_, nullptr);
}

}  // namespace relay7
