#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "http_response.h"
#include "input_buffer.h"

namespace relay7::testing {

struct ReadOptions {
  bool head_request = false;  // the response has no body whatever its headers say
  bool skip_interim = false;  // swallow 1xx responses (except 101) and return the final one
  bool discard_body = false;  // count and hash the body but do not keep it (huge downloads)
};

enum class ReadFailure {
  kNone,
  kClosedBeforeResponse,  // the peer closed cleanly before sending a single byte
  kClosedMidResponse,     // the peer closed inside a response (truncated)
  kTimeout,
  kMalformed,  // bytes that are not a valid HTTP/1.1 response (or broken framing)
  kIoError,    // e.g. connection reset
};

enum class FillResult { kData, kEof, kTimeout, kError };

// Reads one response from a byte stream, consuming exactly its bytes. Deliberately strict
// (CRLF only, no obs-fold, no conflicting or duplicate Content-Length, no Content-Length with
// Transfer-Encoding) so framing mistakes of the proxy fail tests instead of being papered over.
class ResponseReader {
 public:
  // `fill` appends at least one byte to the buffer or reports why it could not.
  using FillFn = std::function<FillResult()>;

  ResponseReader(InputBuffer& buffer, FillFn fill);

  std::optional<HttpResponse> read(const ReadOptions& options);
  ReadFailure failure() const { return failure_; }
  const std::string& error() const { return error_; }

 private:
  class BodySink;

  std::optional<HttpResponse> read_one(const ReadOptions& options);
  bool read_line(std::string& line, bool first_line, size_t max_length);
  bool read_head_line(std::string& line, bool first_line);
  bool parse_status_line(const std::string& line, HttpResponse& response);
  bool read_header_block(Headers& headers);
  bool read_body(const ReadOptions& options, HttpResponse& response);
  bool read_fixed(uint64_t length, BodySink& sink);
  bool read_chunked(BodySink& sink, HttpResponse& response);
  bool read_until_close(BodySink& sink);
  bool more(bool response_started);
  bool fail(ReadFailure failure, std::string message);

  InputBuffer& buffer_;
  FillFn fill_;
  size_t head_bytes_ = 0;
  ReadFailure failure_ = ReadFailure::kNone;
  std::string error_;
};

}  // namespace relay7::testing
