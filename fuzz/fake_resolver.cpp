// Linked into every harness with -Wl,--wrap=getaddrinfo (mk/fuzz.mk): relay7's own calls to
// getaddrinfo (config/host_port.cpp resolves upstream names at load time) land here instead of
// in the system resolver, so fuzzing sends no DNS queries and each input always gives the same
// result.
//
//   "localhost"               127.0.0.1
//   NAME.test (RFC 6761)      10.0.X.Y, X.Y derived from NAME: distinct names, distinct addresses
//   anything else             EAI_NONAME, as for a name that does not exist
//
// The result comes from the real getaddrinfo on a numeric host, so relay7's freeaddrinfo frees it.

#include <netdb.h>

#include <cstdint>
#include <string>
#include <string_view>

extern "C" int __real_getaddrinfo(const char* node, const char* service, const addrinfo* hints,
                                  addrinfo** result);

extern "C" int __wrap_getaddrinfo(const char* node, const char* service, const addrinfo* hints,
                                  addrinfo** result) {
  if (node == nullptr) {
    return EAI_NONAME;
  }
  const std::string_view name(node);
  std::string numeric;
  if (name == "localhost") {
    numeric = "127.0.0.1";
  } else if (name.size() > 5 && name.ends_with(".test")) {
    uint32_t hash = 2166136261u;  // FNV-1a
    for (const char c : name) {
      hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
    }
    numeric = "10.0." + std::to_string((hash >> 8) & 0xFF) + "." + std::to_string(hash & 0xFF);
  } else {
    return EAI_NONAME;
  }
  addrinfo numeric_hints{};
  if (hints != nullptr) {
    numeric_hints = *hints;
  }
  numeric_hints.ai_flags |= AI_NUMERICHOST;
  return __real_getaddrinfo(numeric.c_str(), service, &numeric_hints, result);
}
