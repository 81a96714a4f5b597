// Shared by the libFuzzer harnesses: invariant checks that abort, and the split plan that cuts a
// byte stream into the pieces a socket might deliver.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

// Aborts (which libFuzzer reports as a crash and saves the input) when `condition` is false.
#define FUZZ_CHECK(condition, ...)                                          \
  do {                                                                      \
    if (!(condition)) {                                                     \
      ::relay7::fuzz::check_failed(__FILE__, __LINE__, #condition,          \
                                   ::relay7::fuzz::detail_of(__VA_ARGS__)); \
    }                                                                       \
  } while (false)

namespace relay7::fuzz {

inline std::string detail_of() {
  return {};
}
inline std::string detail_of(std::string detail) {
  return detail;
}

[[noreturn]] inline void check_failed(const char* file, int line, const char* condition,
                                      std::string_view detail) {
  std::fprintf(stderr, "\n%s:%d: invariant violated: %s\n", file, line, condition);
  if (!detail.empty()) {
    std::fprintf(stderr, "  %.*s\n", static_cast<int>(detail.size()), detail.data());
  }
  std::abort();
}

// Printable form of arbitrary bytes for check messages.
inline std::string escaped(std::string_view bytes, bool keep_newlines = false) {
  std::string out;
  for (const unsigned char c : bytes) {
    if ((c >= 0x20 && c < 0x7F && c != '\\') || (keep_newlines && c == '\n')) {
      out.push_back(static_cast<char>(c));
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      out.append(hex);
    }
  }
  return out;
}

// The bytes of one accepted head, from the end of the previous message: no CR that does not end a
// line (RFC 9112 section 2.2: a bare CR is invalid), no obsolete fold, and an empty line at the
// end. A bare LF as a line end is something RFC 9112 lets a recipient accept, and llhttp 8 does
// for the start line and the final empty line. llhttp skips any CR and LF before a start line
// (RFC 9112 section 2.2 lets a server ignore empty lines there); nothing of them is passed on.
inline void check_one_head(std::string_view head) {
  const std::string shown = "head bytes:\n" + escaped(head, true);
  FUZZ_CHECK(head.ends_with("\n\r\n") || head.ends_with("\n\n"), shown);
  for (size_t i = 0; i < head.size(); ++i) {
    if (head[i] == '\r') {
      FUZZ_CHECK(i + 1 < head.size() && head[i + 1] == '\n', "a bare CR in the " + shown);
    }
  }
  FUZZ_CHECK(
      head.find("\n ") == std::string_view::npos && head.find("\n\t") == std::string_view::npos,
      "a folded line in the " + shown);
}

// `bytes` may hold several heads in a row (interim 1xx responses before the final one), each
// possibly preceded by the CR and LF bytes llhttp skips (found by fuzz_response: "\rHTTP/1.1"
// right after a 100's head); each head is checked on its own.
inline void check_head_bytes(std::string_view bytes) {
  for (;;) {
    bytes.remove_prefix(std::min(bytes.find_first_not_of("\r\n"), bytes.size()));
    if (bytes.empty()) {
      FUZZ_CHECK(false, "no head in the head bytes");
    }
    const size_t crlf_end = bytes.find("\n\r\n");
    const size_t lf_end = bytes.find("\n\n");
    const size_t end = std::min(crlf_end == std::string_view::npos ? bytes.size() : crlf_end + 3,
                                lf_end == std::string_view::npos ? bytes.size() : lf_end + 2);
    check_one_head(bytes.substr(0, end));
    bytes.remove_prefix(end);
    if (bytes.find_first_not_of("\r\n") == std::string_view::npos) {
      return;
    }
  }
}

// The piece sizes used to feed a stream, taken from the input's first kSplitBytes bytes and used
// in turn, cyclically. A byte b below 0x80 means a piece of b + 1 bytes (1..128, so a head can
// arrive one byte at a time); from 0x80 up, (b - 0x80) * 16 + 1 bytes (1..2033).
class SplitPlan {
 public:
  static constexpr size_t kSplitBytes = 7;

  explicit SplitPlan(const uint8_t* bytes) {
    for (size_t i = 0; i < kSplitBytes; ++i) {
      sizes_[i] = bytes[i] < 0x80 ? size_t{bytes[i]} + 1 : size_t{bytes[i] - 0x80u} * 16 + 1;
    }
  }

  size_t next() {
    const size_t size = sizes_[index_];
    index_ = (index_ + 1) % kSplitBytes;
    return size;
  }

 private:
  size_t sizes_[kSplitBytes]{};
  size_t index_ = 0;
};

// The layout both HTTP harnesses share: a mode byte, the split plan, then the stream.
struct StreamInput {
  uint8_t mode;
  SplitPlan plan;
  std::string_view stream;
};

inline std::optional<StreamInput> read_stream_input(const uint8_t* data, size_t size) {
  if (size < 1 + SplitPlan::kSplitBytes) {
    return std::nullopt;
  }
  return StreamInput{
      data[0], SplitPlan(data + 1),
      std::string_view(reinterpret_cast<const char*>(data) + 1 + SplitPlan::kSplitBytes,
                       size - 1 - SplitPlan::kSplitBytes)};
}

}  // namespace relay7::fuzz
