#include "relay7/process/worker_reports.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace relay7 {
namespace {

// A pipe as the master makes it: the worker writes, the master reads without blocking.
class ReportPipe {
 public:
  ReportPipe() {
    int fds[2];
    EXPECT_EQ(::pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
    reader_ = WorkerReportReader(UniqueFd(fds[0]));
    writer_.reset(fds[1]);
  }
  void write_raw(const std::string& bytes) {
    ASSERT_EQ(::write(writer_.get(), bytes.data(), bytes.size()),
              static_cast<ssize_t>(bytes.size()));
  }
  int writer() const { return writer_.get(); }
  void close_writer() { writer_.reset(); }
  WorkerReportReader& reader() { return reader_; }

 private:
  WorkerReportReader reader_;
  UniqueFd writer_;
};

TEST(WorkerReports, EveryKindSurvivesTheRoundTrip) {
  for (const WorkerReportKind kind : {WorkerReportKind::ready, WorkerReportKind::failed,
                                      WorkerReportKind::serving, WorkerReportKind::draining}) {
    const std::optional<WorkerReport> parsed =
        parse_worker_report(format_worker_report(kind, "why"));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->kind, kind);
    EXPECT_EQ(parsed->detail, kind == WorkerReportKind::failed ? "why" : "");
  }
}

TEST(WorkerReports, AFailureReasonStaysOneLine) {
  ReportPipe pipe;
  send_worker_report(pipe.writer(), WorkerReportKind::failed, "cannot open\nthe log");
  send_worker_report(pipe.writer(), WorkerReportKind::ready);
  std::vector<WorkerReport> reports;
  EXPECT_EQ(pipe.reader().read(reports), WorkerReportReader::ReadStatus::read);
  ASSERT_EQ(reports.size(), 2u) << "a line feed in the reason must not make a second report";
  EXPECT_EQ(reports[0].detail, "cannot open the log");
  EXPECT_EQ(reports[1].kind, WorkerReportKind::ready);
}

TEST(WorkerReports, ALineSplitAcrossReadsIsOneReport) {
  ReportPipe pipe;
  std::vector<WorkerReport> reports;
  pipe.write_raw("serv");
  EXPECT_EQ(pipe.reader().read(reports), WorkerReportReader::ReadStatus::read);
  EXPECT_TRUE(reports.empty());
  pipe.write_raw("ing\ndrain");
  EXPECT_EQ(pipe.reader().read(reports), WorkerReportReader::ReadStatus::read);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].kind, WorkerReportKind::serving);
  EXPECT_EQ(pipe.reader().read(reports), WorkerReportReader::ReadStatus::nothing);
}

TEST(WorkerReports, UnknownLinesAndOverlongOnesAreIgnored) {
  ReportPipe pipe;
  std::vector<WorkerReport> reports;
  pipe.write_raw("hello\nOK\n");
  EXPECT_EQ(pipe.reader().read(reports), WorkerReportReader::ReadStatus::read);
  EXPECT_TRUE(reports.empty());
  // Without a line feed the reader would buffer this for ever; it drops it past kMaxLine.
  const std::string flood(511, 'x');
  for (size_t written = 0; written <= WorkerReportReader::kMaxLine; written += flood.size()) {
    pipe.write_raw(flood);
    EXPECT_EQ(pipe.reader().read(reports), WorkerReportReader::ReadStatus::read);
  }
  pipe.write_raw("\nok\n");
  EXPECT_EQ(pipe.reader().read(reports), WorkerReportReader::ReadStatus::read);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].kind, WorkerReportKind::ready);
}

TEST(WorkerReports, TheEndOfThePipeClosesTheReader) {
  ReportPipe pipe;
  send_worker_report(pipe.writer(), WorkerReportKind::draining);
  pipe.close_writer();
  std::vector<WorkerReport> reports;
  EXPECT_EQ(pipe.reader().read(reports), WorkerReportReader::ReadStatus::read);
  EXPECT_EQ(reports.size(), 1u);
  EXPECT_EQ(pipe.reader().read(reports), WorkerReportReader::ReadStatus::closed);
  EXPECT_FALSE(pipe.reader().open());
}

}  // namespace
}  // namespace relay7
