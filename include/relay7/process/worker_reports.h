#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "relay7/net/unique_fd.h"

namespace relay7 {

// What a worker tells its master, over a pipe the master made for it before the fork: one line
// per report. A worker sends at most four in its life (ready or failed, serving, draining), so
// its writes never fill the pipe and never block its event loop.
enum class WorkerReportKind {
  ready,     // "ok": it holds its sockets and will accept once the master says so
  failed,    // "error: WHY": it could not start, and exits
  serving,   // "serving": it accepted its first connection (see RespawnBackoff)
  draining,  // "draining": it stopped accepting; the reload may be reported done
};

struct WorkerReport {
  WorkerReportKind kind;
  std::string detail;  // a failed worker's reason; empty otherwise
};

// The line for a report, without its line feed.
std::string format_worker_report(WorkerReportKind kind, std::string_view detail = {});
// nullopt for a line that is no report: ignored, like anything else a worker should not send.
std::optional<WorkerReport> parse_worker_report(std::string_view line);

// Worker side: writes one report to `fd`, retrying interrupted and short writes. A master that
// is gone is not an error the worker can act on: the write is then dropped.
void send_worker_report(int fd, WorkerReportKind kind, std::string_view detail = {});

// Master side: the read end of one worker's pipe, with the part of a line not yet complete.
class WorkerReportReader {
 public:
  enum class ReadStatus {
    nothing,  // nothing was waiting (or the read was interrupted)
    read,     // bytes came; any complete reports are in `out`
    closed,   // end of file or an error: the worker is gone (the pipe is closed now)
  };
  // A line longer than this is no report: it is dropped rather than buffered for ever.
  static constexpr size_t kMaxLine = 4096;

  WorkerReportReader() = default;
  explicit WorkerReportReader(UniqueFd fd) : fd_(std::move(fd)) {}

  bool open() const { return fd_.valid(); }
  int fd() const { return fd_.get(); }
  void close();

  // One read from the pipe; appends the reports it completes to `out`.
  ReadStatus read(std::vector<WorkerReport>& out);

 private:
  UniqueFd fd_;
  std::string partial_;
};

}  // namespace relay7
