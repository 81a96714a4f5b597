#include "relay7/process/credentials.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace relay7 {
namespace {

// getpwnam_r/getgrnam_r want a caller buffer; their own size hint may be -1.
size_t lookup_buffer_size(int name) {
  const long hint = ::sysconf(name);
  return hint > 0 ? static_cast<size_t>(hint) : 16384;
}

std::optional<passwd> find_user(const std::string& name, std::vector<char>& buffer) {
  passwd entry{};
  passwd* found = nullptr;
  buffer.resize(lookup_buffer_size(_SC_GETPW_R_SIZE_MAX));
  if (::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found) {
    return std::nullopt;
  }
  return entry;
}

std::optional<gid_t> find_group(const std::string& name) {
  group entry{};
  group* found = nullptr;
  std::vector<char> buffer(lookup_buffer_size(_SC_GETGR_R_SIZE_MAX));
  if (::getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found) {
    return std::nullopt;
  }
  return entry.gr_gid;
}

}  // namespace

std::optional<Credentials> resolve_credentials(const Config& config, std::string& error) {
  Credentials credentials;
  if (config.user.empty()) {
    if (!config.group.empty()) {
      error = "group: \"group\" needs \"user\"";
      return std::nullopt;
    }
    return credentials;
  }
  std::vector<char> buffer;
  const std::optional<passwd> user = find_user(config.user, buffer);
  if (!user) {
    error = "user: no such user \"" + config.user + "\"";
    return std::nullopt;
  }
  credentials.user = config.user;
  credentials.uid = user->pw_uid;
  credentials.gid = user->pw_gid;
  if (!config.group.empty()) {
    const std::optional<gid_t> gid = find_group(config.group);
    if (!gid) {
      error = "group: no such group \"" + config.group + "\"";
      return std::nullopt;
    }
    credentials.gid = *gid;
  }
  return credentials;
}

bool hand_over_log_file(const std::string& path, const Credentials& credentials,
                        std::string& error) {
  if (credentials.user.empty() || ::geteuid() != 0 || path == "stderr" || path == "stdout" ||
      path == "off") {
    return true;
  }
  if (::chown(path.c_str(), credentials.uid, credentials.gid) != 0) {
    error = "cannot give \"" + path + "\" to user \"" + credentials.user +
            "\": " + std::strerror(errno);
    return false;
  }
  return true;
}

bool drop_privileges(const Credentials& credentials, std::string& error) {
  if (credentials.user.empty() || ::geteuid() != 0) {
    return true;
  }
  const auto fail = [&](const char* step) {
    error = std::string("cannot switch to user \"") + credentials.user + "\": " + step + ": " +
            std::strerror(errno);
    return false;
  };
  if (::initgroups(credentials.user.c_str(), credentials.gid) != 0) {
    return fail("initgroups");
  }
  if (::setgid(credentials.gid) != 0) {
    return fail("setgid");
  }
  if (::setuid(credentials.uid) != 0) {
    return fail("setuid");
  }
  return true;
}

}  // namespace relay7
