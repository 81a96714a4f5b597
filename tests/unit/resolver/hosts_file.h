#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace relay7::testing {

// A hosts file of the test's own, removed at the end: names resolve from it alone, so no lookup
// leaves the machine.
class HostsFile {
 public:
  explicit HostsFile(const std::string& text) {
    char path[] = "/tmp/relay7-hosts-XXXXXX";
    const int fd = ::mkstemp(path);
    EXPECT_GE(fd, 0);
    ::close(fd);
    path_ = path;
    write(text);
  }
  ~HostsFile() { ::unlink(path_.c_str()); }
  HostsFile(const HostsFile&) = delete;
  HostsFile& operator=(const HostsFile&) = delete;

  // Replaces the contents through a rename, as an editor or a deployment tool would.
  void write(const std::string& text) const {
    const std::string temporary = path_ + ".new";
    std::FILE* file = std::fopen(temporary.c_str(), "w");
    ASSERT_NE(file, nullptr);
    std::fputs(text.c_str(), file);
    std::fclose(file);
    ASSERT_EQ(std::rename(temporary.c_str(), path_.c_str()), 0);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace relay7::testing
