#pragma once

#include <array>
#include <string_view>

namespace relay7 {

constexpr char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

constexpr bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) {
      return false;
    }
  }
  return true;
}

constexpr bool istarts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

// `text` without the optional whitespace (spaces and tabs) HTTP allows around field values and
// list elements.
constexpr std::string_view trim_ows(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

namespace detail {
inline constexpr std::array<bool, 256> kTcharTable = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) {
    table[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) {
    table[static_cast<unsigned char>(c)] = true;
  }
  return table;
}();
}  // namespace detail

// RFC 9110 section 5.6.2: tchar, the bytes of a token (method, field name, coding...).
constexpr bool is_tchar(char c) {
  return detail::kTcharTable[static_cast<unsigned char>(c)];
}

constexpr bool is_token(std::string_view text) {
  if (text.empty()) {
    return false;
  }
  for (char c : text) {
    if (!is_tchar(c)) {
      return false;
    }
  }
  return true;
}

// True when the comma-separated list (e.g. a Connection header) holds `token`, ignoring case.
bool list_has_token(std::string_view list, std::string_view token);

// Calls `visit(token)` for each non-empty element of a comma-separated header list.
template <typename Visit>
void for_each_list_token(std::string_view list, Visit&& visit) {
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t end = list.find(',', pos);
    if (end == std::string_view::npos) {
      end = list.size();
    }
    const std::string_view token = trim_ows(list.substr(pos, end - pos));
    if (!token.empty()) {
      visit(token);
    }
    pos = end + 1;
  }
}

}  // namespace relay7
