#include "relay7/nginx_import/tokenizer.h"

namespace relay7::nginx_import {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Resolves a word's escapes as nginx copies it: \" \' \\ give the character, \t \r \n the
// control character, and any other backslash stays as written (regexes rely on that).
std::string unescape(std::string_view raw) {
  std::string word;
  word.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\' || i + 1 == raw.size()) {
      word += raw[i];
      continue;
    }
    switch (const char next = raw[i + 1]) {
      case '"':
      case '\'':
      case '\\':
        word += next;
        ++i;
        break;
      case 't':
        word += '\t';
        ++i;
        break;
      case 'r':
        word += '\r';
        ++i;
        break;
      case 'n':
        word += '\n';
        ++i;
        break;
      default:
        word += '\\';
    }
  }
  return word;
}

std::string unexpected(char c) {
  return std::string("unexpected \"") + c + "\"";
}

class Tokenizer {
 public:
  explicit Tokenizer(std::string_view text) : text_(text) {}

  TokenizeResult run() {
    for (const char c : text_) {
      if (c == '\n') {
        ++line_;
      }
      if (!step(c)) {
        return std::move(result_);
      }
    }
    finish();
    return std::move(result_);
  }

 private:
  enum class State { between, comment, word, double_quoted, single_quoted, after_quote };

  bool step(char c) {
    if (state_ == State::comment) {
      if (c == '\n') {
        state_ = State::between;
      }
      return true;
    }
    if (escape_next_) {
      raw_ += c;
      escape_next_ = false;
      return true;
    }
    switch (state_) {
      case State::between:
        return between_words(c);
      case State::word:
        return in_word(c);
      case State::double_quoted:
      case State::single_quoted:
        in_quotes(c);
        return true;
      case State::after_quote:
        return after_quote(c);
      case State::comment:
        break;
    }
    return true;
  }

  bool between_words(char c) {
    if (is_space(c)) {
      return true;
    }
    switch (c) {
      case ';':
      case '{':
        return end_directive(c);
      case '}':
        if (pending_words_ != 0) {
          return fail(unexpected('}'));
        }
        push(TokenKind::block_end, line_);
        return true;
      case '#':
        state_ = State::comment;
        return true;
      case '"':
        start_word(State::double_quoted);
        return true;
      case '\'':
        start_word(State::single_quoted);
        return true;
      default:
        start_word(State::word);
        return in_word(c);
    }
  }

  // Inside an unquoted word only whitespace, ';' and '{' end it, and "${" does not.
  bool in_word(char c) {
    if (c == '{' && after_dollar_) {
      raw_ += c;
      after_dollar_ = false;
      return true;
    }
    after_dollar_ = false;
    if (c == '\\') {
      raw_ += c;
      escape_next_ = true;
      return true;
    }
    if (c == '$') {
      raw_ += c;
      after_dollar_ = true;
      return true;
    }
    if (!is_space(c) && c != ';' && c != '{') {
      raw_ += c;
      return true;
    }
    end_word(State::between);
    return is_space(c) || end_directive(c);
  }

  void in_quotes(char c) {
    const char quote = state_ == State::double_quoted ? '"' : '\'';
    if (c == '\\') {
      raw_ += c;
      escape_next_ = true;
    } else if (c == quote) {
      end_word(State::after_quote);
    } else {
      raw_ += c;
    }
  }

  // A closing quote must be followed by whitespace, ';' or '{'; ')' starts the next word, which
  // nginx allows for `if ($x = "a")`.
  bool after_quote(char c) {
    if (is_space(c)) {
      state_ = State::between;
      return true;
    }
    if (c == ';' || c == '{') {
      state_ = State::between;
      return end_directive(c);
    }
    if (c == ')') {
      state_ = State::between;
      return between_words(c);
    }
    return fail(unexpected(c));
  }

  bool end_directive(char c) {
    if (pending_words_ == 0) {
      return fail(unexpected(c));
    }
    push(c == ';' ? TokenKind::semicolon : TokenKind::block_start, line_);
    pending_words_ = 0;
    return true;
  }

  void start_word(State state) {
    state_ = state;
    raw_.clear();
    word_line_ = line_;
    after_dollar_ = false;
  }

  void end_word(State next) {
    result_.tokens.push_back(Token{TokenKind::word, unescape(raw_), word_line_});
    ++pending_words_;
    state_ = next;
  }

  void push(TokenKind kind, int line) { result_.tokens.push_back(Token{kind, {}, line}); }

  bool fail(std::string message) {
    result_.error = SyntaxError{line_, std::move(message)};
    return false;
  }

  void finish() {
    const bool inside_word = state_ != State::between && state_ != State::comment;
    if (inside_word || escape_next_ || pending_words_ != 0) {
      fail("unexpected end of file, expecting \";\" or \"}\"");
    }
  }

  std::string_view text_;
  TokenizeResult result_;
  State state_ = State::between;
  std::string raw_;  // the current word as written, escapes unresolved
  int line_ = 1;
  int word_line_ = 1;
  size_t pending_words_ = 0;  // words since the last ';', '{' or '}'
  bool escape_next_ = false;
  bool after_dollar_ = false;
};

}  // namespace

TokenizeResult tokenize(std::string_view text) {
  return Tokenizer(text).run();
}

}  // namespace relay7::nginx_import
