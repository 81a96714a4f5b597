#include "relay7/tls/tls_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "relay7/net/unique_fd.h"

namespace relay7 {
namespace {

// A chain of a dozen certificates is tens of KiB, a CA bundle a few hundred.
constexpr size_t kMaxFileBytes = 1024 * 1024;

}  // namespace

std::optional<std::string> read_tls_file(const std::string& path, std::string& error) {
  const auto fail = [&](const std::string& why) {
    error = "cannot read " + path + ": " + why;
    return std::nullopt;
  };
  // O_NONBLOCK: opening a FIFO must not wait for a writer.
  const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  struct stat status {};
  if (!fd.valid() || ::fstat(fd.get(), &status) != 0) {
    return fail(std::strerror(errno));
  }
  if (!S_ISREG(status.st_mode)) {
    return fail("not a regular file");
  }
  std::string contents;
  char chunk[16 * 1024];
  while (true) {
    const ssize_t got = ::read(fd.get(), chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0) {
      return fail(std::strerror(errno));
    }
    if (got == 0) {
      return contents;
    }
    contents.append(chunk, static_cast<size_t>(got));
    if (contents.size() > kMaxFileBytes) {
      return fail("larger than 1 MiB, which no certificate chain or key is");
    }
  }
}

}  // namespace relay7
