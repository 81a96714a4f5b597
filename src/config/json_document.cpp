#include "config/json_document.h"

#include <algorithm>
#include <vector>

#include "config/json_path.h"

namespace relay7::config {
namespace {

using Json = nlohmann::ordered_json;

// Builds the DOM itself rather than using nlohmann's, because only here is it known which key
// of which object is being parsed when a duplicate shows up.
class DomBuilder final : public nlohmann::json_sax<Json> {
 public:
  explicit DomBuilder(Diagnostics& diagnostics) : diagnostics_(diagnostics) {}

  Json take_root() { return std::move(root_); }
  // nlohmann's message for the first syntax error, if any.
  const std::optional<std::string>& error_message() const { return error_message_; }
  size_t error_position() const { return error_position_; }

  bool null() override { return add(Json(nullptr)); }
  bool boolean(bool value) override { return add(Json(value)); }
  bool number_integer(number_integer_t value) override { return add(Json(value)); }
  bool number_unsigned(number_unsigned_t value) override { return add(Json(value)); }
  bool number_float(number_float_t value, const string_t&) override { return add(Json(value)); }
  bool string(string_t& value) override { return add(Json(std::move(value))); }
  bool binary(binary_t& value) override { return add(Json::binary(std::move(value))); }

  bool start_object(std::size_t) override { return open(Json::object()); }
  bool start_array(std::size_t) override { return open(Json::array()); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }

  bool key(string_t& name) override {
    Frame& frame = frames_.back();
    if (frame.container->contains(name)) {
      diagnostics_.error(path_to_top(), "duplicate key " + quote_json(name));
    }
    frame.key = name;
    return true;
  }

  bool parse_error(std::size_t position, const std::string&,
                   const Json::exception& error) override {
    error_position_ = position;
    error_message_ = error.what();
    return false;
  }

 private:
  struct Frame {
    Json* container;
    std::string key;  // the member being parsed when the container is an object
  };

  Json* place(Json value) {
    if (frames_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Frame& frame = frames_.back();
    if (frame.container->is_array()) {
      frame.container->push_back(std::move(value));
      return &frame.container->back();
    }
    Json& slot = (*frame.container)[frame.key];
    slot = std::move(value);
    return &slot;
  }

  bool add(Json value) {
    place(std::move(value));
    return true;
  }

  bool open(Json container) {
    frames_.push_back(Frame{place(std::move(container)), {}});
    return true;
  }

  bool close() {
    frames_.pop_back();
    return true;
  }

  // The path of the innermost open container, i.e. the object a duplicate key belongs to.
  std::string path_to_top() const {
    std::string path;
    for (size_t i = 0; i + 1 < frames_.size(); ++i) {
      const Frame& frame = frames_[i];
      path = frame.container->is_array() ? path_index(path, frame.container->size() - 1)
                                         : path_key(path, frame.key);
    }
    return path;
  }

  Diagnostics& diagnostics_;
  Json root_;
  std::vector<Frame> frames_;
  std::optional<std::string> error_message_;
  size_t error_position_ = 0;
};

// The "last read" part of a message may hold raw bytes of a broken file (invalid UTF-8, control
// characters) that would garble a terminal or log line.
std::string printable(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string result;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f) {
      result.append("\\x").push_back(kHex[byte >> 4]);
      result.push_back(kHex[byte & 0xf]);
    } else {
      result.push_back(c);
    }
  }
  return result;
}

// nlohmann's messages start with "[json.exception.parse_error.101] parse error at line 1,
// column 8: syntax error while parsing object key - "; only what follows is worth showing.
std::string short_description(std::string message) {
  if (message.rfind("[json.exception.", 0) == 0) {
    const auto end = message.find("] ");
    if (end != std::string::npos) {
      message.erase(0, end + 2);
    }
  }
  if (message.rfind("parse error", 0) == 0) {
    const auto end = message.find(": ");
    if (end != std::string::npos) {
      message.erase(0, end + 2);
    }
  }
  if (message.rfind("syntax error while parsing ", 0) == 0) {
    const auto end = message.find(" - ");
    if (end != std::string::npos) {
      message.erase(0, end + 3);
    }
  }
  return printable(message);
}

// `position` counts the bytes read up to and including the offending one.
SyntaxError locate(std::string_view text, size_t position, std::string description) {
  const size_t offset = std::min(position > 0 ? position - 1 : 0, text.size());
  SyntaxError error{1, 1, std::move(description)};
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++error.line;
      line_start = i + 1;
    }
  }
  error.column = offset - line_start + 1;
  return error;
}

}  // namespace

JsonDocument parse_json_document(std::string_view text, Diagnostics& diagnostics) {
  DomBuilder builder(diagnostics);
  JsonDocument document;
  // sax_parse reports through parse_error() rather than throwing, with the byte position.
  Json::sax_parse(text, &builder, Json::input_format_t::json, true);
  if (builder.error_message()) {
    document.syntax_error =
        locate(text, builder.error_position(), short_description(*builder.error_message()));
    return document;
  }
  document.root = builder.take_root();
  return document;
}

}  // namespace relay7::config
