#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "demo/request.h"

namespace relay7::demo {

enum class BodyFraming { kContentLength, kChunked, kCloseDelimited, kNone };

struct ResponseHead {
  int status = 200;
  std::string content_type;  // omitted when empty
  BodyFraming framing = BodyFraming::kContentLength;
  uint64_t content_length = 0;
  bool close = false;                 // says Connection: close
  bool keep_alive_header = false;     // HTTP/1.0 clients need Connection: keep-alive to stay
  const HeaderList* extra = nullptr;  // appended verbatim after the standard headers
};

std::string_view reason_phrase(int status);

std::string serialize_head(const ResponseHead& head);

// Status codes whose responses never carry a body (RFC 9110 6.4.1).
bool status_forbids_body(int status);

}  // namespace relay7::demo
