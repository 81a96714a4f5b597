#include "config/header_rules.h"

#include <algorithm>

#include "config/json_path.h"
#include "relay7/http/ascii.h"
#include "relay7/http/field_name.h"

namespace relay7::config {
namespace {

enum class Direction { request, response };

// Connection and framing fields describe relay7's own hop, which it writes itself: a rule could
// only make the message lie about its length or its connection.
std::optional<std::string> forbidden_name_problem(std::string_view name, Direction direction,
                                                  HeaderEditKind kind) {
  const FieldName known = classify_field_name(name);
  if (is_connection_specific(known)) {
    return "is a hop-by-hop or framing field, which relay7 writes itself for each hop";
  }
  if (known == FieldName::host &&
      (direction == Direction::response || kind != HeaderEditKind::set)) {
    return direction == Direction::response
               ? std::optional<std::string>("is a request field")
               : std::optional<std::string>("can only be set: a request carries exactly one Host");
  }
  return std::nullopt;
}

bool valid_name(const Node& node, const std::string& name, Direction direction, HeaderEditKind kind,
                Diagnostics& diagnostics) {
  if (!is_token(name)) {
    diagnostics.error(node.path, quote_json(name) + " is not a header name");
    return false;
  }
  if (const auto problem = forbidden_name_problem(name, direction, kind)) {
    diagnostics.error(node.path, quote_json(name) + " " + *problem);
    return false;
  }
  return true;
}

// Control bytes in the literal text would split the field or the message.
bool has_control_byte(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && c != '\t') || byte == 0x7f;
  });
}

std::optional<TextTemplate> read_value(const Node& node, Diagnostics& diagnostics) {
  const auto text = read_string(node, diagnostics);
  if (!text) {
    return std::nullopt;
  }
  if (has_control_byte(*text)) {
    diagnostics.error(node.path, "a header value cannot hold control characters");
    return std::nullopt;
  }
  std::string error;
  auto value = parse_text_template(*text, error, TemplateScope::header_rule);
  if (!value) {
    diagnostics.error(node.path, error);
  }
  return value;
}

void read_sets(const Node& node, Direction direction, std::vector<HeaderEdit>& edits,
               Diagnostics& diagnostics) {
  if (!node.value.is_object()) {
    diagnostics.error(
        node.path, "expected an object of header names and values, got " + type_name(node.value));
    return;
  }
  for (const auto& [name, value] : node.value.items()) {
    const Node entry{value, path_key(node.path, name)};
    auto text = read_value(entry, diagnostics);
    if (valid_name(entry, name, direction, HeaderEditKind::set, diagnostics) && text) {
      edits.push_back(HeaderEdit{HeaderEditKind::set, name, std::move(*text)});
    }
  }
}

void read_adds(const Node& node, Direction direction, std::vector<HeaderEdit>& edits,
               Diagnostics& diagnostics) {
  const auto entries = read_array(node, "[NAME, VALUE] pairs", diagnostics);
  if (!entries) {
    return;
  }
  for (const Node& entry : *entries) {
    if (!entry.value.is_array() || entry.value.size() != 2 || !entry.value[0].is_string()) {
      diagnostics.error(entry.path, "expected a [NAME, VALUE] pair of strings");
      continue;
    }
    const std::string name = entry.value[0].get<std::string>();
    auto text = read_value(Node{entry.value[1], path_index(entry.path, 1)}, diagnostics);
    if (valid_name(Node{entry.value[0], path_index(entry.path, 0)}, name, direction,
                   HeaderEditKind::add, diagnostics) &&
        text) {
      edits.push_back(HeaderEdit{HeaderEditKind::add, name, std::move(*text)});
    }
  }
}

void read_removes(const Node& node, Direction direction, std::vector<HeaderEdit>& edits,
                  Diagnostics& diagnostics) {
  const auto entries = read_array(node, "header names", diagnostics);
  if (!entries) {
    return;
  }
  for (const Node& entry : *entries) {
    const auto name = read_string(entry, diagnostics);
    if (name && valid_name(entry, *name, direction, HeaderEditKind::remove, diagnostics)) {
      edits.push_back(HeaderEdit{HeaderEditKind::remove, *name, {}});
    }
  }
}

// A name both set and added or removed in one block says two things at once.
void check_one_verb_per_name(const Node& node, const std::vector<HeaderEdit>& edits,
                             Diagnostics& diagnostics) {
  for (size_t i = 0; i < edits.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (edits[j].kind != edits[i].kind && iequals(edits[j].name, edits[i].name)) {
        diagnostics.error(node.path, quote_json(edits[i].name) +
                                         " is named by more than one of \"set\", \"add\" and "
                                         "\"remove\"; name it once");
        return;
      }
    }
  }
}

std::vector<HeaderEdit> read_direction(const Node& node, Direction direction,
                                       Diagnostics& diagnostics) {
  std::vector<HeaderEdit> edits;
  const auto object = ObjectReader::open(node, {"set", "add", "remove"}, diagnostics);
  if (!object) {
    return edits;
  }
  if (const auto sets = object->find("set")) {
    read_sets(*sets, direction, edits, diagnostics);
  }
  if (const auto adds = object->find("add")) {
    read_adds(*adds, direction, edits, diagnostics);
  }
  if (const auto removes = object->find("remove")) {
    read_removes(*removes, direction, edits, diagnostics);
  }
  check_one_verb_per_name(node, edits, diagnostics);
  return edits;
}

}  // namespace

HeaderRulesConfig read_header_rules(const Node& node, Diagnostics& diagnostics) {
  HeaderRulesConfig rules;
  const auto object = ObjectReader::open(node, {"request", "response"}, diagnostics);
  if (!object) {
    return rules;
  }
  if (const auto request = object->find("request")) {
    rules.request = read_direction(*request, Direction::request, diagnostics);
  }
  if (const auto response = object->find("response")) {
    rules.response = read_direction(*response, Direction::response, diagnostics);
  }
  return rules;
}

}  // namespace relay7::config
