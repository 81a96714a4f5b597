#pragma once

#include <string_view>

namespace relay7 {

// RFC 9110 section 9.2.2: repeating the request has the same effect as sending it once, so a
// proxy may send it again to another server after the first one failed mid-way.
bool is_idempotent(std::string_view method);

}  // namespace relay7
