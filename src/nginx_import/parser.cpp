#include "relay7/nginx_import/parser.h"

namespace relay7::nginx_import {
namespace {

class Parser {
 public:
  Parser(const std::vector<Token>& tokens, const std::string& file_name)
      : tokens_(tokens), file_name_(file_name) {}

  ParseResult run() {
    ParseResult result;
    if (!parse_block(result.directives, 0)) {
      result.error = std::move(error_);
    }
    return result;
  }

 private:
  // Reads directives into `out` until the '}' that closes this block (depth > 0) or the end of
  // the file (depth 0). False once an error is set.
  bool parse_block(std::vector<Directive>& out, size_t depth) {
    while (next_ < tokens_.size()) {
      const Token& token = tokens_[next_];
      if (token.kind == TokenKind::block_end) {
        ++next_;
        if (depth == 0) {
          return fail(token.line, "unexpected \"}\"");
        }
        return true;
      }
      Directive directive;
      directive.where = SourceRef{file_name_, token.line, 0};
      if (!read_words(directive)) {
        return false;
      }
      const TokenKind end = tokens_[next_++].kind;
      if (end == TokenKind::block_start) {
        if (depth + 1 > kMaxBlockDepth) {
          return fail(directive.where.line,
                      "blocks are nested more than " + std::to_string(kMaxBlockDepth) + " deep");
        }
        directive.has_block = true;
        if (!parse_block(directive.block, depth + 1)) {
          return false;
        }
      }
      out.push_back(std::move(directive));
    }
    if (depth > 0) {
      return fail(last_line(), "unexpected end of file, expecting \"}\"");
    }
    return true;
  }

  // The tokenizer puts at least one word before every ';' and '{', so the token here is the name.
  bool read_words(Directive& directive) {
    directive.name = tokens_[next_++].text;
    while (next_ < tokens_.size() && tokens_[next_].kind == TokenKind::word) {
      directive.args.push_back(tokens_[next_++].text);
    }
    if (next_ >= tokens_.size()) {
      return fail(last_line(), "unexpected end of file, expecting \";\" or \"}\"");
    }
    return true;
  }

  int last_line() const { return tokens_.empty() ? 1 : tokens_.back().line; }

  bool fail(int line, std::string message) {
    error_ = SyntaxError{line, std::move(message)};
    return false;
  }

  const std::vector<Token>& tokens_;
  const std::string& file_name_;
  size_t next_ = 0;
  std::optional<SyntaxError> error_;
};

}  // namespace

ParseResult parse_config_text(std::string_view text, const std::string& file_name) {
  TokenizeResult tokens = tokenize(text);
  if (tokens.error) {
    return ParseResult{{}, std::move(tokens.error)};
  }
  return Parser(tokens.tokens, file_name).run();
}

}  // namespace relay7::nginx_import
