#include "relay7/http/message_parser.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>

#include "relay7/http/ascii.h"
#include "relay7/http/status.h"

namespace relay7 {
namespace {

MessageParser* owner(llhttp_t* parser) {
  return static_cast<MessageParser*>(parser->data);
}

// reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ) (RFC 9112 section 4). llhttp 8 takes any
// byte but CR and LF, and relay7 passes the phrase on to the client.
bool is_reason_phrase(const char* data, size_t length) {
  for (size_t i = 0; i < length; ++i) {
    const auto c = static_cast<unsigned char>(data[i]);
    if ((c < 0x20 && c != '\t') || c == 0x7F) {
      return false;
    }
  }
  return true;
}

// llhttp is C: an exception must never unwind through it, so every callback maps one to an error.
template <typename Callback>
int guarded(Callback&& callback) noexcept {
  try {
    return callback();
  } catch (...) {
    return -1;
  }
}

}  // namespace

void MessageHead::clear() {
  method.clear();
  target.clear();
  status = 0;
  reason.clear();
  version_major = 1;
  version_minor = 1;
  headers.clear();
}

MessageParser::MessageParser(MessageType type, Handler& handler, ParserLimits limits)
    : handler_(handler), limits_(limits) {
  llhttp_settings_init(&settings_);
  settings_.on_message_begin = &MessageParser::on_message_begin;
  settings_.on_url = &MessageParser::on_url;
  settings_.on_status = &MessageParser::on_status;
  settings_.on_header_field = &MessageParser::on_header_field;
  settings_.on_header_value = &MessageParser::on_header_value;
  settings_.on_headers_complete = &MessageParser::on_headers_complete;
  settings_.on_body = &MessageParser::on_body_data;
  settings_.on_message_complete = &MessageParser::on_message_complete;
  llhttp_init(&parser_, type == MessageType::request ? HTTP_REQUEST : HTTP_RESPONSE, &settings_);
  parser_.data = this;
}

void MessageParser::reset() {
  llhttp_reset(&parser_);
  parser_.data = this;
  method_reader_.expect_request();
  refusal_ = nullptr;
  at_request_boundary_ = false;
  in_head_ = false;
  message_started_ = false;
  paused_for_upgrade_ = false;
  scanning_headers_ = false;
  scan_from_ = nullptr;
  scan_to_ = nullptr;
  folded_ = false;
}

MessageParser::Result MessageParser::feed(const char* data, size_t length) {
  // A request parser stops at every message end (see on_message_complete), so that the next
  // request's method token reaches method_reader_ first; where the handler did not ask for that
  // pause, parsing simply goes on after it.
  size_t offset = 0;
  while (true) {
    Result result = feed_once(data + offset, length - offset);
    result.consumed += offset;
    if (result.status != Status::paused || !at_request_boundary_) {
      return result;
    }
    at_request_boundary_ = false;
    llhttp_resume(&parser_);
    offset = result.consumed;
  }
}

MessageParser::Result MessageParser::feed_once(const char* data, size_t length) {
  if (scanning_headers_ && scan_from_ != nullptr) {
    scan_from_ = data;
  }
  scan_to_ = nullptr;
  const llhttp_errno_t status = parser_.type == HTTP_REQUEST
                                    ? method_reader_.execute(&parser_, data, length)
                                    : llhttp_execute(&parser_, data, length);
  const Result result = result_from(status, data, length);
  if (result.status == Status::need_more) {
    // The header section goes on in the next feed, which may start with the folded line.
    scan_for_folding_until(data + length);
    if (folded_) {
      // Refused now, not at the section's end: a fold seen in this feed must fail it whether or
      // not the bytes after it arrived in the same feed. Later feeds fail too (llhttp keeps the
      // error).
      parser_.error = HPE_USER;
      llhttp_set_error_reason(&parser_, "obsolete line folding");
      return {Status::error, 0};
    }
  }
  return result;
}

MessageParser::Result MessageParser::finish() {
  return result_from(llhttp_finish(&parser_), nullptr, 0);
}

void MessageParser::resume() {
  if (paused_for_upgrade_) {
    paused_for_upgrade_ = false;
    llhttp_resume_after_upgrade(&parser_);
  } else {
    llhttp_resume(&parser_);
  }
}

MessageParser::Result MessageParser::result_from(llhttp_errno_t error, const char* data,
                                                 size_t length) {
  const auto consumed_until_pause = [&] {
    const char* position = llhttp_get_error_pos(&parser_);
    return position == nullptr || data == nullptr ? length : static_cast<size_t>(position - data);
  };
  switch (error) {
    case HPE_OK:
      return {Status::need_more, length};
    case HPE_PAUSED:
      return {Status::paused, consumed_until_pause()};
    case HPE_PAUSED_UPGRADE:
      paused_for_upgrade_ = true;
      return {Status::upgrade, consumed_until_pause()};
    default:
      return {Status::error, 0};
  }
}

// Obsolete line folding (RFC 9112 section 5.2): llhttp 8 unfolds it silently, even into an empty
// value ("Transfer-Encoding:\r\n chunked", which it then does not take for chunked). RFC 9112 lets
// a server reject it, and relay7 does: a folded header means different things to different
// parsers. A fold is a line of a header section that starts with SP or HTAB; relay7 looks for one
// in the bytes themselves, from the first span of the section on and across feeds, so where the
// bytes are split makes no difference.
bool MessageParser::scan_for_folding(const char* at, size_t length) {
  if (!scanning_headers_) {  // the first field of a trailer section
    scanning_headers_ = true;
    scan_from_ = nullptr;
    after_line_feed_ = false;
  }
  if (scan_from_ == nullptr) {
    scan_from_ = at;
  }
  // The bytes are scanned once the section (or the feed) ends: one memchr pass over a whole head
  // instead of one per field name and value.
  scan_to_ = at + length;
  return !folded_;
}

void MessageParser::scan_for_folding_until(const char* end) {
  if (!scanning_headers_ || scan_from_ == nullptr || end == nullptr) {
    return;
  }
  const char* p = scan_from_;
  scan_from_ = end;
  if (p >= end) {
    return;
  }
  // Only the byte after each LF matters: memchr jumps from one line feed to the next.
  if (after_line_feed_ && (*p == ' ' || *p == '\t')) {
    folded_ = true;
  }
  while (const void* found = std::memchr(p, '\n', static_cast<size_t>(end - p))) {
    const char* next = static_cast<const char*>(found) + 1;
    if (next == end) {
      after_line_feed_ = true;
      return;
    }
    if (*next == ' ' || *next == '\t') {
      folded_ = true;
    }
    p = next;
  }
  after_line_feed_ = false;
}

bool MessageParser::count_head_bytes(size_t length) {
  head_bytes_ += length;
  if (head_bytes_ > limits_.max_head_bytes) {
    head_limit_ = HeadLimit::head_too_large;
    return false;
  }
  return true;
}

int MessageParser::on_message_begin(llhttp_t* parser) {
  return guarded([&]() -> int {
    MessageParser* self = owner(parser);
    self->head_.clear();
    self->trailers_.clear();
    self->head_bytes_ = 0;
    self->head_limit_ = HeadLimit::none;
    self->refusal_ = nullptr;
    self->last_was_value_ = false;
    self->in_head_ = true;
    self->message_started_ = true;
    self->scanning_headers_ = true;
    self->scan_from_ = nullptr;
    self->scan_to_ = nullptr;
    self->after_line_feed_ = false;
    self->folded_ = false;
    return 0;
  });
}

int MessageParser::on_url(llhttp_t* parser, const char* at, size_t length) {
  return guarded([&]() -> int {
    MessageParser* self = owner(parser);
    if (!self->scan_for_folding(at, length)) {
      return -1;
    }
    self->head_.target.append(at, length);
    if (self->head_.target.size() > self->limits_.max_target_bytes) {
      self->head_limit_ = HeadLimit::target_too_long;
      return -1;
    }
    return self->count_head_bytes(length) ? 0 : -1;
  });
}

int MessageParser::on_status(llhttp_t* parser, const char* at, size_t length) {
  return guarded([&]() -> int {
    MessageParser* self = owner(parser);
    if (!is_reason_phrase(at, length) || !self->scan_for_folding(at, length)) {
      return -1;
    }
    self->head_.reason.append(at, length);
    return self->count_head_bytes(length) ? 0 : -1;
  });
}

// Fields after the head are the trailer section's: kept apart, so that nothing read from the head
// (routing, hash keys, the access log) can change once the head is complete.
HeaderList& MessageParser::current_fields() {
  return in_head_ ? head_.headers : trailers_;
}

int MessageParser::on_header_field(llhttp_t* parser, const char* at, size_t length) {
  return guarded([&]() -> int {
    MessageParser* self = owner(parser);
    // llhttp 8 lets "Host : x" through with the space in the name; a proxy that forwards such a
    // name lets a backend read a different header than relay7 checked.
    if (!std::all_of(at, at + length, is_tchar) || !self->scan_for_folding(at, length)) {
      return -1;
    }
    HeaderList& fields = self->current_fields();
    if (self->last_was_value_ || fields.empty()) {
      if (self->head_.headers.size() + self->trailers_.size() >= self->limits_.max_header_count) {
        self->head_limit_ = HeadLimit::head_too_large;
        return -1;
      }
      fields.add();
      self->last_was_value_ = false;
    }
    fields.back().name.append(at, length);
    return self->count_head_bytes(length) ? 0 : -1;
  });
}

int MessageParser::on_header_value(llhttp_t* parser, const char* at, size_t length) {
  return guarded([&]() -> int {
    MessageParser* self = owner(parser);
    HeaderList& fields = self->current_fields();
    // llhttp 8 takes ": value" for a header with an empty name; field-name is 1*tchar.
    if (fields.empty() || fields.back().name.empty() || !self->scan_for_folding(at, length)) {
      return -1;
    }
    if (!self->last_was_value_) {
      fields.back().known = classify_field_name(fields.back().name);  // the name is complete
    }
    self->last_was_value_ = true;
    fields.back().value.append(at, length);
    return self->count_head_bytes(length) ? 0 : -1;
  });
}

int MessageParser::on_headers_complete(llhttp_t* parser) {
  return guarded([&]() -> int {
    MessageParser* self = owner(parser);
    self->scan_for_folding_until(self->scan_to_);
    if (self->folded_) {
      return -1;
    }
    self->scanning_headers_ = false;
    MessageHead& head = self->head_;
    head.version_major = parser->http_major;
    head.version_minor = parser->http_minor;
    if (parser->type == HTTP_REQUEST) {
      head.method = self->method_reader_.method();
    } else {
      head.status = parser->status_code;
      // status-code is 3DIGIT (RFC 9112 section 4); llhttp 8 also takes "20" and "099".
      if (head.status < 100) {
        return -1;
      }
    }
    self->in_head_ = false;
    self->last_was_value_ = false;  // the first trailer field starts a new entry
    BodyFraming framing;
    framing.chunked = (parser->flags & F_CHUNKED) != 0;
    framing.has_content_length = (parser->flags & F_CONTENT_LENGTH) != 0;
    framing.content_length = framing.has_content_length ? parser->content_length : 0;
    framing.keep_alive = llhttp_should_keep_alive(parser) != 0;
    framing.upgrade_requested =
        (parser->flags & F_UPGRADE) != 0 && (parser->flags & F_CONNECTION_UPGRADE) != 0;
    switch (self->handler_.on_head(head, framing)) {
      case AfterHead::read_body:
        // A 1xx, 204 or 304 response ends with its head whatever its Content-Length or
        // Transfer-Encoding say (RFC 9112 section 6.3); llhttp 8 would read a body for them.
        return parser->type == HTTP_RESPONSE && status_has_no_body(head.status) ? 1 : 0;
      case AfterHead::skip_body:
        return 1;
      case AfterHead::upgrade:
        return 2;
      case AfterHead::pause:
        return HPE_PAUSED;
      case AfterHead::reject:
        return -1;
    }
    return -1;
  });
}

int MessageParser::on_body_data(llhttp_t* parser, const char* at, size_t length) {
  return guarded([&]() -> int {
    owner(parser)->handler_.on_body(at, length);
    return 0;
  });
}

int MessageParser::on_message_complete(llhttp_t* parser) {
  return guarded([&]() -> int {
    MessageParser* self = owner(parser);
    self->scan_for_folding_until(self->scan_to_);
    if (self->folded_) {
      return -1;  // in the trailer section
    }
    self->scanning_headers_ = false;
    self->message_started_ = false;
    const bool pause = self->handler_.on_message_end();
    if (parser->type == HTTP_REQUEST && !parser->upgrade) {
      // After an upgrade nothing more is HTTP; otherwise the next request begins here.
      self->method_reader_.expect_request();
      self->at_request_boundary_ = !pause;
      return HPE_PAUSED;
    }
    return pause ? HPE_PAUSED : 0;
  });
}

}  // namespace relay7
