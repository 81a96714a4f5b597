#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

namespace relay7::testing {

// Samples the resident set size (VmRSS) of a changing set of processes on a background thread
// until stopped, keeping the peaks; for tests that assert a server's memory stays bounded while
// it moves a large body.
class RssSampler {
 public:
  using PidsFn = std::function<std::vector<pid_t>()>;

  explicit RssSampler(PidsFn pids,
                      std::chrono::milliseconds interval = std::chrono::milliseconds(10));
  RssSampler(const RssSampler&) = delete;
  RssSampler& operator=(const RssSampler&) = delete;
  ~RssSampler();

  // Takes a last sample and stops the thread; the peaks below are final afterwards.
  void stop();

  // The largest VmRSS any single process had.
  uint64_t max_process_bytes() const { return max_process_.load(); }
  // The largest sum over all the processes at one moment.
  uint64_t max_total_bytes() const { return max_total_.load(); }
  // How many samples saw at least one live process.
  uint64_t samples() const { return samples_.load(); }

 private:
  void sample();
  void run();

  PidsFn pids_;
  std::chrono::milliseconds interval_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> max_process_{0};
  std::atomic<uint64_t> max_total_{0};
  std::atomic<uint64_t> samples_{0};
  std::thread thread_;
};

}  // namespace relay7::testing
