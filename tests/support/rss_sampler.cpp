#include "rss_sampler.h"

#include <algorithm>
#include <optional>

#include "relay7_process.h"

namespace relay7::testing {

RssSampler::RssSampler(PidsFn pids, std::chrono::milliseconds interval)
    : pids_(std::move(pids)), interval_(interval) {
  sample();
  thread_ = std::thread([this] { run(); });
}

RssSampler::~RssSampler() {
  stop();
}

void RssSampler::stop() {
  if (!thread_.joinable())
    return;
  stopping_ = true;
  thread_.join();
  sample();
}

void RssSampler::run() {
  while (!stopping_) {
    sample();
    std::this_thread::sleep_for(interval_);
  }
}

void RssSampler::sample() {
  uint64_t total = 0;
  bool any = false;
  for (pid_t pid : pids_()) {
    const std::optional<uint64_t> rss = rss_bytes(pid);
    if (!rss)
      continue;
    any = true;
    total += *rss;
    max_process_ = std::max(max_process_.load(), *rss);
  }
  max_total_ = std::max(max_total_.load(), total);
  if (any)
    ++samples_;
}

}  // namespace relay7::testing
