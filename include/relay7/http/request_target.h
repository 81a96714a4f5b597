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

enum class TargetError { none, malformed, bad_escape, above_root, encoded_slash };

// What an encoded slash ("%2F", or "%5C", a backslash, which Windows and some frameworks take for
// a separator) means in a path. `keep` leaves it encoded and never a separator, `reject` refuses
// the request, `decode` makes it a separator, so that dot-segments around it are resolved too.
enum class EncodedSlashes { keep, reject, decode };
// Their names in relay7.json, in enum order.
inline constexpr std::string_view kEncodedSlashesNames[] = {"keep", "reject", "decode"};

// Normalises an origin-form path (RFC 3986 section 6.2.2): percent-encoded unreserved characters
// are decoded, the hex digits of the remaining escapes upper-cased, bytes that may not appear raw
// in a path percent-encoded, repeated slashes merged and dot-segments removed. A path that climbs
// above the root is an error, not clamped, because a client that sends one is probing.
TargetError normalize_path(std::string_view raw, std::string& out,
                           EncodedSlashes encoded_slashes = EncodedSlashes::keep);

// Whether a "/"-separated path has a "." or ".." segment.
bool has_dot_segment(std::string_view path);

// Parses an origin-form ("/p?q") or absolute-form ("http://host/p?q") request target.
TargetError parse_request_target(std::string_view raw, RequestTarget& out,
                                 EncodedSlashes encoded_slashes = EncodedSlashes::keep);

// Whether a path normalised with EncodedSlashes::keep holds an encoded slash or backslash, i.e.
// whether another policy would give it another meaning.
bool has_encoded_slash(std::string_view normalized_path);

}  // namespace relay7
