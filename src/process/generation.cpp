#include "relay7/process/generation.h"

#include <signal.h>

#include <algorithm>

namespace relay7 {

void WorkerSlot::started_process(pid_t new_pid, UniqueFd report_pipe,
                                 ProcessClock::time_point now) {
  pid = new_pid;
  reports = WorkerReportReader(std::move(report_pipe));
  ready_reported = false;
  served_reported = false;
  drain_reported = false;
  started = now;
  respawn_at.reset();
}

void Generation::fail(const std::string& why) {
  if (failure.empty()) {
    failure = why;
  }
}

void Generation::record(WorkerSlot& slot, const WorkerReport& report) {
  switch (report.kind) {
    case WorkerReportKind::ready:
      slot.ready_reported = true;
      return;
    case WorkerReportKind::serving:
      slot.served_reported = true;
      return;
    case WorkerReportKind::draining:
      slot.drain_reported = true;
      return;
    case WorkerReportKind::failed:
      if (state == GenerationState::starting) {
        fail(report.detail);
      }
      return;
  }
}

void Generation::report_pipe_closed(WorkerSlot& slot) {
  if (!slot.ready_reported && state == GenerationState::starting) {
    fail("worker process " + std::to_string(slot.pid) + " exited before it was ready");
  }
}

void Generation::end(GenerationState ending, ProcessClock::time_point until) {
  state = ending;
  deadline = until;
}

bool Generation::all_ready() const {
  return std::all_of(slots.begin(), slots.end(),
                     [](const WorkerSlot& slot) { return slot.ready_reported; });
}

bool Generation::has_running_workers() const {
  return std::any_of(slots.begin(), slots.end(),
                     [](const WorkerSlot& slot) { return slot.running(); });
}

bool Generation::all_stopped_accepting() const {
  return std::all_of(slots.begin(), slots.end(),
                     [](const WorkerSlot& slot) { return !slot.running() || slot.drain_reported; });
}

std::vector<size_t> Generation::accepting_slots() const {
  std::vector<size_t> accepting;
  for (size_t i = 0; i < slots.size(); ++i) {
    if (slots[i].running() && slots[i].ready_reported) {
      accepting.push_back(i);
    }
  }
  return accepting;
}

WorkerSlot* Generation::slot_with_pid(pid_t pid) {
  const auto found = std::find_if(slots.begin(), slots.end(),
                                  [pid](const WorkerSlot& slot) { return slot.pid == pid; });
  return found == slots.end() ? nullptr : &*found;
}

WorkerSlot* Generation::slot_reading(int fd) {
  const auto found = std::find_if(slots.begin(), slots.end(), [fd](const WorkerSlot& slot) {
    return slot.reports.open() && slot.reports.fd() == fd;
  });
  return found == slots.end() ? nullptr : &*found;
}

void Generation::append_report_fds(std::vector<pollfd>& fds) const {
  for (const WorkerSlot& slot : slots) {
    if (slot.reports.open()) {
      fds.push_back(pollfd{slot.reports.fd(), POLLIN, 0});
    }
  }
}

void Generation::append_report_descriptors(std::vector<int>& fds) const {
  for (const WorkerSlot& slot : slots) {
    if (slot.reports.open()) {
      fds.push_back(slot.reports.fd());
    }
  }
}

void Generation::signal(int signal_number) const {
  for (const WorkerSlot& slot : slots) {
    if (slot.running()) {
      ::kill(slot.pid, signal_number);
    }
  }
}

}  // namespace relay7
