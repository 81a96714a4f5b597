#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relay7::demo {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Path part of an origin-form or absolute-form request target, without the query.
std::string_view uri_path(std::string_view uri);

// Percent-decodes, with '+' meaning a space as in HTML form encoding (use %2B for a plus).
std::string url_decode(std::string_view text);

// Decoded key/value pairs of the query, in order; repeated keys are kept.
QueryParams parse_query(std::string_view uri);

}  // namespace relay7::demo
