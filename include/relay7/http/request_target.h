#pragma once

#include <string>
#include <string_view>

namespace relay7 {

// The request target as relay7 routes it and sends it upstream: one normalised path, so that
// what a location matched is exactly what the backend receives.
struct RequestTarget {
  std::string path;   // normalised, always starts with '/'
  std::string query;  // raw, without the '?'
  bool has_query = false;
  std::string authority;  // host[:port] of an absolute-form target, else empty
};

enum class TargetError { none, malformed, bad_escape, above_root };

// Normalises an origin-form path (RFC 3986 section 6.2.2): percent-encoded unreserved characters
// are decoded, the hex digits of the remaining escapes upper-cased, bytes that may not appear raw
// in a path percent-encoded, repeated slashes merged and dot-segments removed. A path that climbs
// above the root is an error, not clamped, because a client that sends one is probing.
TargetError normalize_path(std::string_view raw, std::string& out);

// Parses an origin-form ("/p?q") or absolute-form ("http://host/p?q") request target.
TargetError parse_request_target(std::string_view raw, RequestTarget& out);

}  // namespace relay7
