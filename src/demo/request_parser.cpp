#include "demo/request_parser.h"

#include <cstdio>

namespace relay7::demo {
namespace {

// Caps what a single request head may occupy in memory; bodies are never stored.
constexpr size_t kMaxHeadBytes = 256 * 1024;

}  // namespace

RequestParser::RequestParser() {
  llhttp_init(&parser_, HTTP_REQUEST, &settings());
  parser_.data = this;
}

const llhttp_settings_t& RequestParser::settings() {
  static const llhttp_settings_t kSettings = [] {
    llhttp_settings_t s;
    llhttp_settings_init(&s);
    s.on_message_begin = on_message_begin;
    s.on_url = on_url;
    s.on_header_field = on_header_field;
    s.on_header_value = on_header_value;
    s.on_header_value_complete = on_header_value_complete;
    s.on_headers_complete = on_headers_complete;
    s.on_body = on_body;
    s.on_message_complete = on_message_complete;
    return s;
  }();
  return kSettings;
}

RequestParser& RequestParser::self(llhttp_t* parser) {
  return *static_cast<RequestParser*>(parser->data);
}

ParseStep RequestParser::feed(std::string_view data) {
  // llhttp needs a valid pointer even for zero bytes, to run callbacks pending after a pause.
  static const char kNothing = 0;
  const char* begin = data.empty() ? &kNothing : data.data();
  const llhttp_errno_t status = method_reader_.execute(&parser_, begin, data.size());
  const auto consumed_until_pause = [&] {
    return static_cast<size_t>(llhttp_get_error_pos(&parser_) - begin);
  };
  switch (status) {
    case HPE_OK:
      return {data.size(), ParseEvent::kNeedMore};
    case HPE_PAUSED: {
      const size_t consumed = consumed_until_pause();
      llhttp_resume(&parser_);
      return {consumed, paused_event_};
    }
    case HPE_PAUSED_UPGRADE:
      // Never resumed: whatever follows belongs to the upgraded protocol.
      return {consumed_until_pause(), ParseEvent::kMessageComplete};
    default:
      error_ = std::string(llhttp_errno_name(status)) + ": " + llhttp_get_error_reason(&parser_);
      return {0, ParseEvent::kError};
  }
}

int RequestParser::append_head_bytes(std::string& target, const char* at, size_t length) {
  head_bytes_ += length;
  if (head_bytes_ > kMaxHeadBytes) {
    llhttp_set_error_reason(&parser_, "request head too large");
    return HPE_USER;
  }
  target.append(at, length);
  return HPE_OK;
}

int RequestParser::on_message_begin(llhttp_t* parser) {
  RequestParser& p = self(parser);
  p.request_ = Request{};
  p.field_.clear();
  p.value_.clear();
  p.head_bytes_ = 0;
  p.in_message_ = true;
  p.in_trailers_ = false;
  return HPE_OK;
}

int RequestParser::on_url(llhttp_t* parser, const char* at, size_t length) {
  RequestParser& p = self(parser);
  return p.append_head_bytes(p.request_.uri, at, length);
}

int RequestParser::on_header_field(llhttp_t* parser, const char* at, size_t length) {
  RequestParser& p = self(parser);
  return p.append_head_bytes(p.field_, at, length);
}

int RequestParser::on_header_value(llhttp_t* parser, const char* at, size_t length) {
  RequestParser& p = self(parser);
  return p.append_head_bytes(p.value_, at, length);
}

int RequestParser::on_header_value_complete(llhttp_t* parser) {
  RequestParser& p = self(parser);
  HeaderList& fields = p.in_trailers_ ? p.request_.trailers : p.request_.headers;
  fields.emplace_back(std::move(p.field_), std::move(p.value_));
  p.field_.clear();
  p.value_.clear();
  return HPE_OK;
}

void RequestParser::capture_head() {
  const auto method = static_cast<llhttp_method_t>(llhttp_get_method(&parser_));
  request_.method = method_reader_.method();
  char version[16];
  std::snprintf(version, sizeof version, "%u.%u", llhttp_get_http_major(&parser_),
                llhttp_get_http_minor(&parser_));
  request_.version = version;
  request_.keep_alive = llhttp_should_keep_alive(&parser_) != 0;
  request_.upgrade = llhttp_get_upgrade(&parser_) != 0;
  request_.is_head = method == HTTP_HEAD;
  request_.is_connect = method == HTTP_CONNECT;
  request_.expect_continue =
      request_.version == "1.1" && iequals(find_header(request_.headers, "Expect"), "100-continue");
}

int RequestParser::on_headers_complete(llhttp_t* parser) {
  RequestParser& p = self(parser);
  p.capture_head();
  p.in_trailers_ = true;
  p.paused_event_ = ParseEvent::kHeadersComplete;
  return HPE_PAUSED;
}

int RequestParser::on_body(llhttp_t* parser, const char* at, size_t length) {
  RequestParser& p = self(parser);
  p.request_.body_length += length;
  p.request_.body_hash.update(std::string_view(at, length));
  return HPE_OK;
}

int RequestParser::on_message_complete(llhttp_t* parser) {
  RequestParser& p = self(parser);
  p.in_message_ = false;
  p.paused_event_ = ParseEvent::kMessageComplete;
  p.method_reader_.expect_request();
  // An upgrade ends in HPE_PAUSED_UPGRADE right after this; pausing here as well would leave
  // the parser needing a second, pointless resume.
  return p.request_.upgrade ? HPE_OK : HPE_PAUSED;
}

}  // namespace relay7::demo
