#include "relay7/process/reload_status.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "relay7/process/pid_file.h"

namespace relay7 {
namespace {

class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "relay7-unit-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

TEST(ReloadStatusTest, LivesBesideThePidFile) {
  EXPECT_EQ(reload_status_path("/run/relay7.pid"), "/run/relay7.status");
  EXPECT_EQ(reload_status_path("/run/relay7"), "/run/relay7.status");
}

TEST(ReloadStatusTest, RoundTripsThroughItsFile) {
  ScratchDir dir;
  ReloadStatus written{1234, 7, 5, false, "relay7.json:3:7: syntax error", "2026-11-25T10:00:00Z"};
  std::string error;
  ASSERT_TRUE(write_reload_status(dir.file("relay7.status"), written, error)) << error;
  const auto read = read_reload_status(dir.file("relay7.status"));
  ASSERT_TRUE(read);
  EXPECT_EQ(read->master_pid, 1234);
  EXPECT_EQ(read->reloads, 7u);
  EXPECT_EQ(read->generation, 5u);
  EXPECT_FALSE(read->ok);
  EXPECT_EQ(read->error, written.error);
  EXPECT_EQ(read->time, written.time);
}

TEST(ReloadStatusTest, AMissingOrDamagedFileReadsAsNothing) {
  ScratchDir dir;
  EXPECT_FALSE(read_reload_status(dir.file("missing.status")));
  std::ofstream(dir.file("bad.status")) << "{\"reloads\": \"many\"}";
  EXPECT_FALSE(read_reload_status(dir.file("bad.status")));
}

TEST(PidFileTest, ClaimsWritesAndRemovesItsFile) {
  ScratchDir dir;
  const std::string path = dir.file("relay7.pid");
  std::string error;
  {
    auto pid_file = PidFile::claim(path, error);
    ASSERT_TRUE(pid_file) << error;
    EXPECT_EQ(read_pid_file(path), ::getpid());
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(PidFileTest, TakesOverAFileNamingNoLiveMaster) {
  ScratchDir dir;
  const std::string path = dir.file("relay7.pid");
  // This test process is alive but is not a relay7 master.
  std::ofstream(path) << ::getppid() << "\n";
  std::string error;
  auto pid_file = PidFile::claim(path, error);
  ASSERT_TRUE(pid_file) << error;
  EXPECT_EQ(read_pid_file(path), ::getpid());
}

TEST(PidFileTest, RejectsGarbage) {
  ScratchDir dir;
  std::ofstream(dir.file("a.pid")) << "12abc\n";
  std::ofstream(dir.file("b.pid")) << "-5\n";
  std::ofstream(dir.file("c.pid")) << "";
  EXPECT_FALSE(read_pid_file(dir.file("a.pid")));
  EXPECT_FALSE(read_pid_file(dir.file("b.pid")));
  EXPECT_FALSE(read_pid_file(dir.file("c.pid")));
  EXPECT_FALSE(is_live_master(::getpid()));
}

}  // namespace
}  // namespace relay7
