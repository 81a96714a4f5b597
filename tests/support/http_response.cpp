#include "http_response.h"

#include <algorithm>
#include <cctype>

namespace relay7::testing {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool has_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    const size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
      item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
      item.remove_suffix(1);
    if (iequals(item, token))
      return true;
  }
  return false;
}

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [field, value] : headers) {
    if (iequals(field, name))
      return value;
  }
  return {};
}

bool HttpResponse::has_header(std::string_view name) const {
  return header_count(name) > 0;
}

std::vector<std::string> HttpResponse::header_values(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [field, value] : headers) {
    if (iequals(field, name))
      values.push_back(value);
  }
  return values;
}

size_t HttpResponse::header_count(std::string_view name) const {
  return static_cast<size_t>(std::count_if(headers.begin(), headers.end(),
                                           [&](const auto& h) { return iequals(h.first, name); }));
}

}  // namespace relay7::testing
