#include "relay7/nginx_import/json_layout.h"

#include <algorithm>

namespace relay7::nginx_import {
namespace {

using Json = nlohmann::ordered_json;

std::string scalar_text(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

bool is_container(const Json& value) {
  return value.is_object() || value.is_array();
}

// Lists of objects (servers, locations) and maps of named objects (upstreams) read best one
// entry a line, whatever their length; so does anything that holds one.
bool must_expand(const Json& value) {
  if (value.is_array()) {
    return std::any_of(value.begin(), value.end(),
                       [](const Json& v) { return v.is_object() || must_expand(v); });
  }
  if (value.is_object()) {
    if (!value.empty() &&
        std::all_of(value.begin(), value.end(), [](const Json& v) { return v.is_object(); })) {
      return true;
    }
    return std::any_of(value.begin(), value.end(), [](const Json& v) { return must_expand(v); });
  }
  return false;
}

std::string inline_text(const Json& value) {
  if (!is_container(value)) {
    return scalar_text(value);
  }
  const bool object = value.is_object();
  std::string text(1, object ? '{' : '[');
  bool first = true;
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (!first) {
      text += ", ";
    }
    first = false;
    if (object) {
      text += scalar_text(Json(it.key())) + ": ";
    }
    text += inline_text(*it);
  }
  return text + (object ? '}' : ']');
}

class Writer {
 public:
  std::string take() { return std::move(out_); }

  // `prefix` is what precedes the value on its line (indentation and key), `suffix` what follows
  // it (a comma), both counted against the width.
  void value(const Json& value, size_t indent, size_t prefix_width, bool comma) {
    const std::string one_line = inline_text(value);
    const size_t width = prefix_width + one_line.size() + (comma ? 1 : 0);
    if (!is_container(value) || value.empty() || (!must_expand(value) && width <= kJsonLineWidth)) {
      out_ += one_line;
    } else if (value.is_object()) {
      expanded_object(value, indent);
    } else {
      expanded_array(value, indent);
    }
    if (comma) {
      out_ += ',';
    }
  }

 private:
  void expanded_object(const Json& object, size_t indent) {
    out_ += "{\n";
    size_t index = 0;
    for (auto it = object.begin(); it != object.end(); ++it, ++index) {
      const std::string key = std::string(indent + 2, ' ') + scalar_text(Json(it.key())) + ": ";
      out_ += key;
      value(*it, indent + 2, key.size(), index + 1 < object.size());
      out_ += '\n';
    }
    out_ += std::string(indent, ' ') + '}';
  }

  void expanded_array(const Json& array, size_t indent) {
    out_ += "[\n";
    for (size_t i = 0; i < array.size(); ++i) {
      out_ += std::string(indent + 2, ' ');
      value(array[i], indent + 2, indent + 2, i + 1 < array.size());
      out_ += '\n';
    }
    out_ += std::string(indent, ' ') + ']';
  }

  std::string out_;
};

}  // namespace

std::string format_config_json(const nlohmann::ordered_json& config) {
  Writer writer;
  writer.value(config, 0, 0, false);
  return writer.take() + "\n";
}

}  // namespace relay7::nginx_import
