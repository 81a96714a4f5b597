#include "demo/request.h"

#include <algorithm>
#include <cctype>

namespace relay7::demo {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view find_header(const HeaderList& headers, std::string_view name) {
  for (const auto& [field, value] : headers) {
    if (iequals(field, name))
      return value;
  }
  return {};
}

}  // namespace relay7::demo
