#pragma once

#include <string>
#include <vector>

#include "relay7/http/message_parser.h"

namespace relay7::testing {

// Every way to cut `bytes` in two, and one byte at a time: a parser's result must not depend on
// where a socket happened to split what it delivers.
inline std::vector<std::vector<std::string>> splits_of(const std::string& bytes) {
  std::vector<std::vector<std::string>> out{{bytes}};
  for (size_t split = 1; split < bytes.size(); ++split) {
    out.push_back({bytes.substr(0, split), bytes.substr(split)});
  }
  std::vector<std::string> single_bytes;
  for (const char c : bytes) {
    single_bytes.emplace_back(1, c);
  }
  out.push_back(single_bytes);
  return out;
}

// Feeds the pieces in order until the parser stops asking for more; its last status.
inline MessageParser::Status feed_pieces(MessageParser& parser,
                                         const std::vector<std::string>& pieces) {
  MessageParser::Status status = MessageParser::Status::need_more;
  for (const std::string& piece : pieces) {
    status = parser.feed(piece.data(), piece.size()).status;
    if (status != MessageParser::Status::need_more) {
      break;
    }
  }
  return status;
}

}  // namespace relay7::testing
