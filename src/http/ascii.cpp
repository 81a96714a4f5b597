#include "relay7/http/ascii.h"

namespace relay7 {

bool list_has_token(std::string_view list, std::string_view token) {
  bool found = false;
  for_each_list_token(list, [&](std::string_view item) { found = found || iequals(item, token); });
  return found;
}

}  // namespace relay7
