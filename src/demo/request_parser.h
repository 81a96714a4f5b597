#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "demo/request.h"
#include "llhttp.h"
#include "relay7/http/method_token_reader.h"

namespace relay7::demo {

enum class ParseEvent {
  kNeedMore,         // every byte given was consumed; feed more
  kHeadersComplete,  // request() has the head; the body (if any) follows
  kMessageComplete,  // request() is complete; if request().upgrade, later bytes are not HTTP
  kError,            // malformed request; error() says why
};

struct ParseStep {
  size_t consumed = 0;
  ParseEvent event = ParseEvent::kNeedMore;
};

// Strict llhttp request parser that stops after the head and after each message, so the caller
// decides when (and how fast) to continue: pipelined requests are answered one at a time and a
// rate-limited body is fed in small slices.
class RequestParser {
 public:
  RequestParser();
  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  // An empty `data` is meaningful: it lets the parser finish a body-less message after a pause.
  ParseStep feed(std::string_view data);

  Request& request() { return request_; }
  bool in_message() const { return in_message_; }
  const std::string& error() const { return error_; }

 private:
  static const llhttp_settings_t& settings();
  static RequestParser& self(llhttp_t* parser);
  static int on_message_begin(llhttp_t* parser);
  static int on_url(llhttp_t* parser, const char* at, size_t length);
  static int on_header_field(llhttp_t* parser, const char* at, size_t length);
  static int on_header_value(llhttp_t* parser, const char* at, size_t length);
  static int on_header_value_complete(llhttp_t* parser);
  static int on_headers_complete(llhttp_t* parser);
  static int on_body(llhttp_t* parser, const char* at, size_t length);
  static int on_message_complete(llhttp_t* parser);

  int append_head_bytes(std::string& target, const char* at, size_t length);
  void capture_head();

  llhttp_t parser_{};
  // Lets extension methods (QUERY, ...) through as relay7 does, so tests can see them arrive.
  MethodTokenReader method_reader_;
  Request request_;
  std::string field_;
  std::string value_;
  size_t head_bytes_ = 0;
  bool in_message_ = false;
  bool in_trailers_ = false;
  ParseEvent paused_event_ = ParseEvent::kNeedMore;
  std::string error_;
};

}  // namespace relay7::demo
