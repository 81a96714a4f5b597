#pragma once

#include <llhttp.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "relay7/http/header_list.h"
#include "relay7/http/method_token_reader.h"

namespace relay7 {

enum class MessageType { request, response };

struct MessageHead {
  std::string method;  // requests
  std::string target;  // requests: the raw request target
  int status = 0;      // responses
  std::string reason;  // responses
  unsigned version_major = 1;
  unsigned version_minor = 1;
  HeaderList headers;

  bool is_http11_or_later() const { return version_major > 1 || version_minor >= 1; }
  void clear();
};

// How the message is framed, as the parser saw it (RFC 9112 section 6).
struct BodyFraming {
  bool chunked = false;
  bool has_content_length = false;
  uint64_t content_length = 0;
  bool keep_alive = false;         // the sender's intent, from version and Connection
  bool upgrade_requested = false;  // Upgrade plus "Connection: upgrade"
};

// What the owner wants once a head is complete.
enum class AfterHead {
  read_body,  // parse the body (chunked or until close) and deliver it through on_body
  skip_body,  // the owner moves the body itself (Content-Length), or there is none
  pause,      // stop here; resume() later continues with the body
  upgrade,    // no body; the bytes after the head belong to a tunnel
  reject,     // the head is unacceptable: fail the parse
};

struct ParserLimits {
  size_t max_target_bytes = 8 * 1024;
  size_t max_head_bytes = 64 * 1024;
  size_t max_header_count = 100;
};

enum class HeadLimit { none, target_too_long, head_too_large };

// Wraps llhttp (strict: none of its lenient flags) for one direction of one connection. The
// owner feeds it bytes; it reports the head, the body and the end of each message.
class MessageParser {
 public:
  class Handler {
   public:
    virtual ~Handler() = default;
    virtual AfterHead on_head(MessageHead& head, const BodyFraming& framing) = 0;
    virtual void on_body(const char* data, size_t length) = 0;
    // Returns true to pause the parser after this message.
    virtual bool on_message_end() = 0;
  };

  enum class Status { need_more, paused, upgrade, error };
  struct Result {
    Status status;
    size_t consumed;
  };

  MessageParser(MessageType type, Handler& handler, ParserLimits limits = {});
  MessageParser(const MessageParser&) = delete;
  MessageParser& operator=(const MessageParser&) = delete;

  Result feed(const char* data, size_t length);
  // Tells the parser the peer closed; completes a read-until-close body.
  Result finish();
  void resume();
  // Forgets any message in progress: for a connection reused for a new exchange.
  void reset();

  MessageHead& head() { return head_; }
  const MessageHead& head() const { return head_; }
  // The trailer section of a chunked message, complete when on_message_end is called; empty
  // until then and for other messages. Never merged into head().headers.
  const HeaderList& trailers() const { return trailers_; }
  const char* error_reason() const {
    return refusal_ != nullptr ? refusal_ : llhttp_get_error_reason(&parser_);
  }
  // Why the handler is about to return AfterHead::reject, for error_reason() (llhttp replaces
  // a reason set from a callback with its own). `reason` must be a string literal.
  void refuse(const char* reason) { refusal_ = reason; }
  llhttp_errno_t error_code() const { return llhttp_get_errno(&parser_); }
  // The parse failed on a version other than HTTP/1.0 and 1.1 (llhttp reports a malformed
  // version line, "HTTP/1.1\rX", with the same error code).
  bool failed_on_unsupported_version() const {
    return error_code() == HPE_INVALID_VERSION &&
           !(parser_.http_major == 1 && (parser_.http_minor == 0 || parser_.http_minor == 1));
  }
  HeadLimit head_limit() const { return head_limit_; }
  bool in_head() const { return in_head_; }
  bool message_started() const { return message_started_; }

 private:
  static int on_message_begin(llhttp_t* parser);
  static int on_url(llhttp_t* parser, const char* at, size_t length);
  static int on_status(llhttp_t* parser, const char* at, size_t length);
  static int on_header_field(llhttp_t* parser, const char* at, size_t length);
  static int on_header_value(llhttp_t* parser, const char* at, size_t length);
  static int on_headers_complete(llhttp_t* parser);
  static int on_body_data(llhttp_t* parser, const char* at, size_t length);
  static int on_message_complete(llhttp_t* parser);

  bool count_head_bytes(size_t length);
  HeaderList& current_fields();
  bool scan_for_folding(const char* at, size_t length);
  void scan_for_folding_until(const char* end);
  Result feed_once(const char* data, size_t length);
  Result result_from(llhttp_errno_t error, const char* data, size_t length);

  llhttp_t parser_{};
  llhttp_settings_t settings_{};
  Handler& handler_;
  MethodTokenReader method_reader_;  // requests only
  MessageHead head_;
  HeaderList trailers_;
  ParserLimits limits_;
  size_t head_bytes_ = 0;
  HeadLimit head_limit_ = HeadLimit::none;
  const char* refusal_ = nullptr;
  bool last_was_value_ = false;
  // Obsolete line folding is found in the bytes of each header section, across feeds:
  bool scanning_headers_ = false;    // inside a head or a trailer section
  const char* scan_from_ = nullptr;  // first byte not yet looked at, in the current feed
  const char* scan_to_ = nullptr;    // end of the section's last span in the current feed
  bool after_line_feed_ = false;     // the last byte looked at was LF
  bool folded_ = false;              // a line started with SP or HTAB
  bool in_head_ = false;
  bool message_started_ = false;
  bool paused_for_upgrade_ = false;
  bool at_request_boundary_ = false;  // paused only for method_reader_, not for the handler
};

}  // namespace relay7
