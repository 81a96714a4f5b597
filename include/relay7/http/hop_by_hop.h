#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include "relay7/http/header_list.h"

namespace relay7 {

// Headers that describe one connection rather than the message (RFC 9110 section 7.6.1), plus
// the framing headers relay7 always regenerates for the next hop.
bool is_connection_specific(std::string_view name);

// True when `name` is listed in any Connection header of `headers` (those are hop-by-hop too).
bool named_by_connection_header(const HeaderList& headers, std::string_view name);

// The field names the Connection fields of one message list, collected once, so that writing
// the message on checks each field against a short list instead of scanning every Connection
// field again. Tokens that name fields relay7 drops anyway (keep-alive, upgrade...) are left
// out, so the common message has at most "close". The views borrow from `fields`, which must
// outlive this.
class ConnectionOptions {
 public:
  explicit ConnectionOptions(const HeaderList& fields);
  bool names(std::string_view name) const;

 private:
  static constexpr size_t kInline = 8;
  const HeaderList& fields_;
  std::array<std::string_view, kInline> tokens_{};
  size_t count_ = 0;
  bool overflow_ = false;  // more than kInline tokens: fall back to scanning the fields
};

// The Connection header relay7 sends to a client, or "" when the default already says it.
std::string_view connection_header_line(bool keep_alive, bool peer_is_http11);

}  // namespace relay7
