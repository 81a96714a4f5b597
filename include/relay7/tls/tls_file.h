#pragma once

#include <optional>
#include <string>

namespace relay7 {

// The whole of a certificate, key or CA file, or nullopt with `error` set to "cannot read PATH:
// WHY". Only a regular file of at most 1 MiB is read: a path that names a device, a FIFO or a
// disk image must fail at once rather than hang the master's load or fill its memory. OpenSSL
// then parses the bytes from memory.
std::optional<std::string> read_tls_file(const std::string& path, std::string& error);

}  // namespace relay7
