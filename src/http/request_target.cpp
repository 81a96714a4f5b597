#include "relay7/http/request_target.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>

namespace relay7 {
namespace {

constexpr char kHexDigits[] = "0123456789ABCDEF";

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

bool is_unreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// pchar minus percent-encoding (RFC 3986): unreserved / sub-delims / ":" / "@".
constexpr std::array<bool, 256> make_raw_path_table() {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) {
    table[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
  for (unsigned char c : std::string_view("-._~!$&'()*+,;=:@")) {
    table[c] = true;
  }
  return table;
}
constexpr auto kRawPathChar = make_raw_path_table();

void append_escaped(std::string& out, unsigned char c) {
  out.push_back('%');
  out.push_back(kHexDigits[c >> 4]);
  out.push_back(kHexDigits[c & 0xF]);
}

bool is_slash(unsigned char c) {
  return c == '/' || c == '\\';
}

// Decodes what must be decoded and encodes what must be encoded, leaving '/' as the only
// separator; dot-segments are handled afterwards on the result.
TargetError canonicalize_bytes(std::string_view raw, std::string& out, EncodedSlashes slashes) {
  out.clear();
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    const auto c = static_cast<unsigned char>(raw[i]);
    if (c == '%') {
      if (i + 2 >= raw.size()) {
        return TargetError::bad_escape;
      }
      const int high = hex_value(raw[i + 1]);
      const int low = hex_value(raw[i + 2]);
      if (high < 0 || low < 0) {
        return TargetError::bad_escape;
      }
      const auto decoded = static_cast<unsigned char>(high * 16 + low);
      if (is_slash(decoded) && slashes == EncodedSlashes::reject) {
        return TargetError::encoded_slash;
      }
      if (is_slash(decoded) && slashes == EncodedSlashes::decode) {
        out.push_back('/');
      } else if (is_unreserved(decoded)) {
        out.push_back(static_cast<char>(decoded));
      } else {
        append_escaped(out, decoded);
      }
      i += 2;
    } else if (c == '/' || kRawPathChar[c]) {
      out.push_back(static_cast<char>(c));
    } else if (c == '\\' && slashes == EncodedSlashes::decode) {
      out.push_back('/');  // a raw backslash means to such a backend what an encoded one does
    } else if (c == '\\' && slashes == EncodedSlashes::reject) {
      return TargetError::encoded_slash;
    } else {
      append_escaped(out, c);
    }
  }
  return TargetError::none;
}

// Merges repeated slashes and removes "." and ".." segments in one pass over the segments.
TargetError remove_dot_segments(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  size_t pos = 0;
  while (pos < in.size()) {
    while (pos < in.size() && in[pos] == '/') {
      ++pos;
    }
    const size_t end = std::min(in.find('/', pos), in.size());
    const std::string_view segment = in.substr(pos, end - pos);
    const bool last = end >= in.size();
    pos = end;
    if (segment.empty()) {
      continue;
    }
    if (segment == ".") {
      if (last) {
        out.push_back('/');
      }
      continue;
    }
    if (segment == "..") {
      if (out.empty()) {
        return TargetError::above_root;
      }
      out.resize(out.rfind('/'));
      if (last) {
        out.push_back('/');
      }
      continue;
    }
    out.push_back('/');
    out.append(segment);
  }
  if (out.empty() || (in.size() > 1 && in.back() == '/' && out.back() != '/')) {
    out.push_back('/');
  }
  return TargetError::none;
}

bool starts_with_http_scheme(std::string_view raw, size_t& authority_start) {
  static constexpr std::string_view kHttp = "http://";
  static constexpr std::string_view kHttps = "https://";
  auto has_prefix = [&](std::string_view prefix) {
    if (raw.size() < prefix.size()) {
      return false;
    }
    for (size_t i = 0; i < prefix.size(); ++i) {
      if (static_cast<char>(std::tolower(static_cast<unsigned char>(raw[i]))) != prefix[i]) {
        return false;
      }
    }
    return true;
  };
  if (has_prefix(kHttp)) {
    authority_start = kHttp.size();
    return true;
  }
  if (has_prefix(kHttps)) {
    authority_start = kHttps.size();
    return true;
  }
  return false;
}

}  // namespace

bool has_dot_segment(std::string_view path) {
  size_t start = 0;
  while (start <= path.size()) {
    const size_t end = std::min(path.find('/', start), path.size());
    const std::string_view segment = path.substr(start, end - start);
    if (segment == "." || segment == "..") {
      return true;
    }
    start = end + 1;
  }
  return false;
}

bool has_encoded_slash(std::string_view normalized_path) {
  return normalized_path.find("%2F") != std::string_view::npos ||
         normalized_path.find("%5C") != std::string_view::npos;
}

TargetError normalize_path(std::string_view raw, std::string& out, EncodedSlashes encoded_slashes) {
  if (raw.empty() || raw.front() != '/') {
    return TargetError::malformed;
  }
  std::string canonical;
  if (const TargetError error = canonicalize_bytes(raw, canonical, encoded_slashes);
      error != TargetError::none) {
    return error;
  }
  return remove_dot_segments(canonical, out);
}

TargetError parse_request_target(std::string_view raw, RequestTarget& out,
                                 EncodedSlashes encoded_slashes) {
  out.authority.clear();
  std::string_view origin = raw;
  size_t authority_start = 0;
  if (starts_with_http_scheme(raw, authority_start)) {
    const size_t authority_end = std::min(raw.find_first_of("/?#", authority_start), raw.size());
    out.authority.assign(raw.substr(authority_start, authority_end - authority_start));
    if (out.authority.empty() || out.authority.find('@') != std::string::npos) {
      return TargetError::malformed;
    }
    origin = raw.substr(authority_end);
  } else if (origin.empty() || origin.front() != '/') {
    return TargetError::malformed;
  }
  if (origin.find('#') != std::string_view::npos) {
    return TargetError::malformed;
  }
  const size_t question = origin.find('?');
  out.has_query = question != std::string_view::npos;
  out.query.assign(out.has_query ? origin.substr(question + 1) : std::string_view());
  std::string_view path = origin.substr(0, question);
  if (path.empty()) {
    path = "/";  // "http://host" and "http://host?q" name the root
  }
  return normalize_path(path, out.path, encoded_slashes);
}

}  // namespace relay7
