#include "config/cookie_name.h"

#include <algorithm>
#include <cctype>

#include "config/json_path.h"

namespace relay7::config {
namespace {

constexpr std::string_view kTokenPunctuation = "!#$%&'*+-.^_`|~";

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         kTokenPunctuation.find(c) != std::string_view::npos;
}

}  // namespace

bool is_cookie_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), is_token_char);
}

std::string cookie_name_error(std::string_view name) {
  return quote_json(name) + " is not a valid cookie name (use letters, digits and " +
         std::string(kTokenPunctuation) + ")";
}

}  // namespace relay7::config
