#include "relay7/process/worker_reports.h"

#include <unistd.h>

#include <cerrno>

namespace relay7 {
namespace {

constexpr std::string_view kReady = "ok";
constexpr std::string_view kFailedPrefix = "error: ";
constexpr std::string_view kServing = "serving";
constexpr std::string_view kDraining = "draining";

}  // namespace

std::string format_worker_report(WorkerReportKind kind, std::string_view detail) {
  switch (kind) {
    case WorkerReportKind::ready:
      return std::string(kReady);
    case WorkerReportKind::failed: {
      std::string line(kFailedPrefix);
      // A reason is one line: a line feed inside it would end the report early.
      for (const char c : detail) {
        line += c == '\n' ? ' ' : c;
      }
      return line;
    }
    case WorkerReportKind::serving:
      return std::string(kServing);
    case WorkerReportKind::draining:
      return std::string(kDraining);
  }
  return {};
}

std::optional<WorkerReport> parse_worker_report(std::string_view line) {
  if (line == kReady) {
    return WorkerReport{WorkerReportKind::ready, {}};
  }
  if (line == kServing) {
    return WorkerReport{WorkerReportKind::serving, {}};
  }
  if (line == kDraining) {
    return WorkerReport{WorkerReportKind::draining, {}};
  }
  if (line.starts_with(kFailedPrefix)) {
    return WorkerReport{WorkerReportKind::failed, std::string(line.substr(kFailedPrefix.size()))};
  }
  return std::nullopt;
}

void send_worker_report(int fd, WorkerReportKind kind, std::string_view detail) {
  const std::string line = format_worker_report(kind, detail) + '\n';
  std::string_view rest = line;
  while (!rest.empty()) {
    const ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return;
    }
    rest.remove_prefix(static_cast<size_t>(n));
  }
}

void WorkerReportReader::close() {
  fd_.reset();
  partial_.clear();
}

WorkerReportReader::ReadStatus WorkerReportReader::read(std::vector<WorkerReport>& out) {
  if (!fd_.valid()) {
    return ReadStatus::closed;
  }
  char buffer[512];
  const ssize_t n = ::read(fd_.get(), buffer, sizeof buffer);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
    return ReadStatus::nothing;
  }
  if (n <= 0) {
    close();
    return ReadStatus::closed;
  }
  partial_.append(buffer, static_cast<size_t>(n));
  size_t start = 0;
  for (size_t newline; (newline = partial_.find('\n', start)) != std::string::npos;
       start = newline + 1) {
    if (auto report =
            parse_worker_report(std::string_view(partial_).substr(start, newline - start))) {
      out.push_back(std::move(*report));
    }
  }
  partial_.erase(0, start);
  if (partial_.size() > kMaxLine) {
    partial_.clear();
  }
  return ReadStatus::read;
}

}  // namespace relay7
