#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "http_response.h"

namespace relay7::testing {

// The backend's JSON echo of a request; a discarded value (is_discarded()) if the body is not
// JSON, so a test can assert on that instead of catching exceptions.
nlohmann::json parse_json(std::string_view text);
inline nlohmann::json parse_echo(const HttpResponse& response) {
  return parse_json(response.body);
}

// From the echo's "headers" array: the first value of `name` (case-insensitive), "" if absent.
std::string echoed_header(const nlohmann::json& echo, std::string_view name);
// Every value of `name`, in the order the backend received them.
std::vector<std::string> echoed_header_values(const nlohmann::json& echo, std::string_view name);

// Fills `out` from a JSON array of strings (what GET /__requests returns); false if `text` is
// anything else.
bool parse_string_array(std::string_view text, std::vector<std::string>& out);

}  // namespace relay7::testing
