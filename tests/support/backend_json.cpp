#include "backend_json.h"

namespace relay7::testing {

nlohmann::json parse_json(std::string_view text) {
  return nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
}

std::vector<std::string> echoed_header_values(const nlohmann::json& echo, std::string_view name) {
  std::vector<std::string> values;
  if (!echo.is_object() || !echo.contains("headers") || !echo["headers"].is_array()) {
    return values;
  }
  for (const nlohmann::json& pair : echo["headers"]) {
    if (pair.is_array() && pair.size() == 2 && pair[0].is_string() && pair[1].is_string() &&
        iequals(pair[0].get<std::string>(), name)) {
      values.push_back(pair[1].get<std::string>());
    }
  }
  return values;
}

std::string echoed_header(const nlohmann::json& echo, std::string_view name) {
  std::vector<std::string> values = echoed_header_values(echo, name);
  return values.empty() ? std::string() : values.front();
}

bool parse_string_array(std::string_view text, std::vector<std::string>& out) {
  const nlohmann::json array = parse_json(text);
  if (!array.is_array())
    return false;
  out.clear();
  for (const nlohmann::json& item : array) {
    if (!item.is_string())
      return false;
    out.push_back(item.get<std::string>());
  }
  return true;
}

}  // namespace relay7::testing
