#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http_response.h"
#include "input_buffer.h"
#include "relay7/net/unique_fd.h"
#include "response_reader.h"

namespace relay7::testing {

// A blocking HTTP/1.1 client socket that sends exactly the bytes a test gives it and parses
// responses strictly, keeping any bytes after a response for the next read (pipelining) or
// for read_some() (tunnels).
class HttpConnection {
 public:
  static constexpr std::chrono::milliseconds kDefaultTimeout{10000};

  HttpConnection() = default;
  HttpConnection(HttpConnection&&) noexcept = default;
  HttpConnection& operator=(HttpConnection&&) noexcept = default;

  // `bind_address` (e.g. "127.0.0.3") picks the client address the server sees. Returns false
  // with last_error() set on failure.
  bool connect(uint16_t port, const std::string& host = "127.0.0.1",
               const std::string& bind_address = "");
  bool connected() const { return fd_.valid(); }
  void close() { fd_.reset(); }
  int fd() const { return fd_.get(); }
  uint16_t local_port() const;

  // Applies to every later send and receive (SO_SNDTIMEO/SO_RCVTIMEO).
  void set_timeout(std::chrono::milliseconds timeout);

  bool send_raw(std::string_view bytes);
  // send_raw(format_request(...)).
  bool send_request(std::string_view method, std::string_view target, const Headers& headers = {},
                    std::string_view body = "");
  bool shutdown_write();

  // Returns 1xx responses too (a 101 ends HTTP on this connection; use read_some after it).
  std::optional<HttpResponse> read_response(bool head_request = false);
  std::optional<HttpResponse> read_response(const ReadOptions& options);
  // Skips interim 1xx responses other than 101.
  std::optional<HttpResponse> read_final_response(bool head_request = false);

  // Buffered bytes if there are any, else what one recv() returns within `timeout`: "" when
  // the peer closed, nullopt on timeout or error.
  std::optional<std::string> read_some(std::chrono::milliseconds timeout = kDefaultTimeout);
  // Exactly `count` bytes, or nullopt if the peer closes or goes quiet first.
  std::optional<std::string> read_exactly(size_t count);
  // True if the peer closes (FIN or RST) within `timeout`. Bytes arriving meanwhile are kept
  // in the buffer, so a test can still notice data it did not expect.
  bool is_closed_by_peer(std::chrono::milliseconds timeout);

  // Received but unconsumed bytes: non-empty after a response means unexpected extra data.
  size_t buffered_size() const { return buffer_.size(); }
  std::string take_buffered() { return buffer_.take_all(); }

  const std::string& last_error() const { return error_; }
  ReadFailure last_failure() const { return failure_; }

 private:
  FillResult fill();
  bool wait_readable(std::chrono::milliseconds timeout);
  bool set_error(std::string message);

  UniqueFd fd_;
  InputBuffer buffer_;
  std::chrono::milliseconds timeout_ = kDefaultTimeout;
  bool peer_closed_ = false;
  ReadFailure failure_ = ReadFailure::kNone;
  std::string error_;
};

// A complete request: adds "Host: 127.0.0.1" unless `headers` has a Host, and Content-Length
// for a non-empty body unless `headers` already frame it (Content-Length or
// Transfer-Encoding). Everything else is sent exactly as given.
std::string format_request(std::string_view method, std::string_view target,
                           const Headers& headers = {}, std::string_view body = "");

// `body` in chunked transfer coding, `chunk_size` bytes per chunk, ending with the last chunk.
std::string chunked_body(std::string_view body, size_t chunk_size);

// `raw` (one or more requests, exactly as given) on a new connection; the first final response,
// or nullopt when the connection or the response failed.
std::optional<HttpResponse> exchange_raw(uint16_t port, const std::string& raw);

// GET `path` on a new connection with Connection: close. On failure the result has status 0
// and the reason says why; bytes after the response also count as a failure.
HttpResponse http_get(uint16_t port, const std::string& path, const Headers& extra_headers = {},
                      const std::string& bind_address = "");

}  // namespace relay7::testing
