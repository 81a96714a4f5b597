#include "relay7/http/method_token_reader.h"

#include <array>
#include <string_view>

#include "relay7/http/ascii.h"

namespace relay7 {
namespace {

// The request methods of llhttp's HTTP table, taken from its own header so that this list is
// always the one of the llhttp relay7 is built with.
constexpr std::array kLlhttpMethods = {
#define RELAY7_METHOD_NAME(number, name, text) std::string_view(#text),
    HTTP_METHOD_MAP(RELAY7_METHOD_NAME)
#undef RELAY7_METHOD_NAME
};

// What llhttp is given for a method outside its table: parsed as any method with a body.
constexpr std::string_view kStandIn = "POST";

bool is_line_break(char c) {
  return c == '\r' || c == '\n';
}

}  // namespace

bool MethodTokenReader::known_to_llhttp(std::string_view token) {
  for (std::string_view method : kLlhttpMethods) {
    if (method == token) {
      return true;
    }
  }
  return false;
}

void MethodTokenReader::expect_request() {
  state_ = State::before_token;
  method_.clear();
}

llhttp_errno_t MethodTokenReader::fail(llhttp_t* parser, const char* reason) {
  // Left in the parser, so that every later execute fails the same way and the owner reads the
  // reason where it reads llhttp's own.
  parser->error = HPE_INVALID_METHOD;
  parser->reason = reason;
  state_ = State::done;
  return HPE_INVALID_METHOD;
}

llhttp_errno_t MethodTokenReader::hand_token_to_llhttp(llhttp_t* parser) {
  state_ = State::done;
  const std::string_view given = known_to_llhttp(method_) ? std::string_view(method_) : kStandIn;
  // A method token alone never completes or pauses anything in llhttp.
  return llhttp_execute(parser, given.data(), given.size());
}

llhttp_errno_t MethodTokenReader::execute(llhttp_t* parser, const char* data, size_t length) {
  size_t position = 0;
  if (state_ == State::before_token) {
    // Empty lines before a request line (RFC 9112 section 2.2) are llhttp's to judge.
    while (position < length && is_line_break(data[position])) {
      ++position;
    }
    if (position > 0) {
      if (const llhttp_errno_t status = llhttp_execute(parser, data, position); status != HPE_OK) {
        return status;
      }
    }
    if (position < length) {
      state_ = State::in_token;
    }
  }
  if (state_ == State::in_token) {
    for (; position < length; ++position) {
      const char c = data[position];
      if (c == ' ') {
        if (method_.empty()) {
          return fail(parser, "empty method");
        }
        if (const llhttp_errno_t status = hand_token_to_llhttp(parser); status != HPE_OK) {
          return status;
        }
        break;
      }
      if (!is_tchar(c)) {
        return fail(parser, "invalid character in method");
      }
      if (method_.size() == kMaxMethodLength) {
        return fail(parser, "method too long");
      }
      method_.push_back(c);
    }
    if (state_ == State::in_token) {
      return HPE_OK;  // the token goes on in the next bytes
    }
  }
  return llhttp_execute(parser, data + position, length - position);
}

}  // namespace relay7
