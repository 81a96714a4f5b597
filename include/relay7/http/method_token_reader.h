#pragma once

#include <llhttp.h>

#include <cstddef>
#include <string>

namespace relay7 {

// llhttp 8 parses only the methods of its own table and fails on any other token, yet RFC 9110
// section 9 makes every token a method (QUERY, the extension methods of WebDAV and other
// clients). This reads the first token of each request line before llhttp does: a method llhttp
// knows reaches it unchanged; any other valid token reaches it as "POST", which llhttp frames
// like every method with a body (by Content-Length or Transfer-Encoding), and the real token is
// kept for the head. Nothing else of the head is read here.
//
// The owner pauses llhttp at the end of every message, so each request starts in a new
// execute(): expect_request() then says that the next bytes begin one.
class MethodTokenReader {
 public:
  // Longer tokens are refused (llhttp's longest method, UNSUBSCRIBE, has 11 bytes).
  static constexpr size_t kMaxMethodLength = 64;

  void expect_request();
  // Runs llhttp over `data`, reading the method token first while one is expected. A status
  // other than HPE_OK and the pauses is left in `parser` too (llhttp_get_errno and its reason).
  llhttp_errno_t execute(llhttp_t* parser, const char* data, size_t length);
  // The current request's method as the client sent it, once its token has ended.
  const std::string& method() const { return method_; }

  // Whether llhttp 8 parses `token` itself (exact, case-sensitive).
  static bool known_to_llhttp(std::string_view token);

 private:
  enum class State { before_token, in_token, done };

  llhttp_errno_t fail(llhttp_t* parser, const char* reason);
  llhttp_errno_t hand_token_to_llhttp(llhttp_t* parser);

  State state_ = State::before_token;
  std::string method_;
};

}  // namespace relay7
