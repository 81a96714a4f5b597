#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relay7::nginx_import {

enum class TokenKind { word, semicolon, block_start, block_end };

struct Token {
  TokenKind kind = TokenKind::word;
  std::string text;  // a word with its quotes removed and its escapes resolved; empty otherwise
  int line = 0;      // where the token starts (1-based)
};

struct SyntaxError {
  int line = 0;  // where nginx would report it: the line of the offending character
  std::string message;
};

struct TokenizeResult {
  std::vector<Token> tokens;
  std::optional<SyntaxError> error;  // set: `tokens` holds what came before it
};

// Splits an nginx config file into words and the punctuation that ends directives and blocks,
// with nginx's own rules (ngx_conf_read_token): whitespace separates words; '#' starts a comment
// only where a word could start; "..." and '...' quote, and a closing quote must be followed by
// whitespace, ';' or '{'; a backslash escapes the next character, and "\t", "\r", "\n" stand
// for TAB, CR and LF while other escapes keep their backslash; "${name}" stays inside one word;
// inside a word only whitespace, ';' and '{' end it (so "a}" is a word). Errors are nginx's:
// `unexpected ";"`, `unexpected "}"`, `unexpected end of file, expecting ";" or "}"`.
TokenizeResult tokenize(std::string_view text);

}  // namespace relay7::nginx_import
