#include "config/json_values.h"

#include <algorithm>
#include <limits>

#include "config/json_path.h"
#include "config/suggest.h"
#include "relay7/config/units.h"

namespace relay7::config {
namespace {

void wrong_type(const Node& node, std::string_view expected, Diagnostics& diagnostics) {
  diagnostics.error(node.path,
                    "expected " + std::string(expected) + ", got " + type_name(node.value));
}

std::string format_duration(Duration value) {
  const auto ms = value.count();
  if (ms % 3600000 == 0) {
    return std::to_string(ms / 3600000) + "h";
  }
  if (ms % 60000 == 0) {
    return std::to_string(ms / 60000) + "m";
  }
  if (ms % 1000 == 0) {
    return std::to_string(ms / 1000) + "s";
  }
  return std::to_string(ms) + "ms";
}

std::string choice_list(const std::vector<std::string_view>& choices) {
  std::string list;
  for (size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) {
      list += i + 1 == choices.size() ? " or " : ", ";
    }
    list += quote_json(choices[i]);
  }
  return list;
}

}  // namespace

std::string type_name(const Json& value) {
  return value.type_name();
}

std::optional<ObjectReader> ObjectReader::open(const Node& node,
                                               std::vector<std::string_view> known_keys,
                                               Diagnostics& diagnostics) {
  if (!node.value.is_object()) {
    wrong_type(node, "an object", diagnostics);
    return std::nullopt;
  }
  for (const auto& [key, value] : node.value.items()) {
    if (std::find(known_keys.begin(), known_keys.end(), key) == known_keys.end()) {
      diagnostics.error(node.path,
                        "unknown key " + quote_json(key) + did_you_mean(key, known_keys));
    }
  }
  return ObjectReader(node.value, node.path);
}

std::optional<Node> ObjectReader::find(std::string_view key) const {
  const auto it = object_->find(key);
  if (it == object_->end()) {
    return std::nullopt;
  }
  return Node{*it, path_key(path_, key)};
}

std::optional<Node> ObjectReader::require(std::string_view key, Diagnostics& diagnostics) const {
  auto node = find(key);
  if (!node) {
    diagnostics.error(path_, "missing required key " + quote_json(key));
  }
  return node;
}

std::optional<std::string> read_string(const Node& node, Diagnostics& diagnostics) {
  if (!node.value.is_string()) {
    wrong_type(node, "a string", diagnostics);
    return std::nullopt;
  }
  return node.value.get<std::string>();
}

std::optional<uint64_t> read_size(const Node& node, Diagnostics& diagnostics) {
  if (!node.value.is_string()) {
    wrong_type(node, "a size string such as \"64m\"", diagnostics);
    return std::nullopt;
  }
  const auto& text = node.value.get_ref<const std::string&>();
  const auto size = parse_size(text);
  if (!size) {
    diagnostics.error(
        node.path, quote_json(text) + " is not a size (use a number with k, m or g, e.g. \"64m\")");
  }
  return size;
}

std::optional<bool> read_bool(const Node& node, Diagnostics& diagnostics) {
  if (!node.value.is_boolean()) {
    wrong_type(node, "true or false", diagnostics);
    return std::nullopt;
  }
  return node.value.get<bool>();
}

std::optional<std::string> read_non_empty_string(const Node& node, Diagnostics& diagnostics) {
  auto text = read_string(node, diagnostics);
  if (text && text->empty()) {
    diagnostics.error(node.path, "must not be empty");
    return std::nullopt;
  }
  return text;
}

std::optional<int64_t> read_integer(const Node& node, int64_t min, int64_t max,
                                    Diagnostics& diagnostics) {
  const std::string range = std::to_string(min) + ".." + std::to_string(max);
  if (node.value.is_number_float()) {
    diagnostics.error(node.path, node.value.dump() + " is not an integer (expected " + range + ")");
    return std::nullopt;
  }
  if (!node.value.is_number()) {
    wrong_type(node, "an integer", diagnostics);
    return std::nullopt;
  }
  // Values above INT64_MAX arrive as unsigned and exceed every range used here.
  const bool in_range =
      !(node.value.is_number_unsigned() &&
        node.value.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) &&
      node.value.get<int64_t>() >= min && node.value.get<int64_t>() <= max;
  if (!in_range) {
    diagnostics.error(node.path, node.value.dump() + " is out of range (" + range + ")");
    return std::nullopt;
  }
  return node.value.get<int64_t>();
}

std::optional<Duration> read_duration(const Node& node, Duration min, Duration max,
                                      Diagnostics& diagnostics) {
  if (!node.value.is_string()) {
    wrong_type(node, "a duration string such as \"10s\"", diagnostics);
    return std::nullopt;
  }
  const auto& text = node.value.get_ref<const std::string&>();
  const auto duration = parse_duration(text);
  if (!duration) {
    diagnostics.error(
        node.path,
        quote_json(text) + " is not a duration (use a number with ms, s, m or h, e.g. \"10s\")");
    return std::nullopt;
  }
  if (*duration < min) {
    diagnostics.error(node.path,
                      min == Duration(1)
                          ? quote_json(text) + " must be greater than 0"
                          : quote_json(text) + " is below the minimum of " + format_duration(min));
    return std::nullopt;
  }
  if (*duration > max) {
    diagnostics.error(node.path,
                      quote_json(text) + " exceeds the maximum of " + format_duration(max));
    return std::nullopt;
  }
  return duration;
}

std::optional<size_t> read_choice(const Node& node, const std::vector<std::string_view>& choices,
                                  Diagnostics& diagnostics) {
  if (!node.value.is_string()) {
    wrong_type(node, "one of " + choice_list(choices), diagnostics);
    return std::nullopt;
  }
  const auto& text = node.value.get_ref<const std::string&>();
  const auto it = std::find(choices.begin(), choices.end(), text);
  if (it == choices.end()) {
    const std::string suggestion = did_you_mean(text, choices);
    diagnostics.error(
        node.path,
        quote_json(text) + " is not valid" +
            (suggestion.empty() ? " (expected " + choice_list(choices) + ")" : suggestion));
    return std::nullopt;
  }
  return static_cast<size_t>(it - choices.begin());
}

std::optional<std::vector<Node>> read_array(const Node& node, std::string_view what,
                                            Diagnostics& diagnostics) {
  if (!node.value.is_array()) {
    wrong_type(node, "an array of " + std::string(what), diagnostics);
    return std::nullopt;
  }
  std::vector<Node> elements;
  for (size_t i = 0; i < node.value.size(); ++i) {
    elements.push_back(Node{node.value[i], path_index(node.path, i)});
  }
  return elements;
}

}  // namespace relay7::config
