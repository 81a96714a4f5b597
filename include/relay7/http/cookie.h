#pragma once

#include <optional>
#include <string_view>

#include "relay7/http/header_list.h"

namespace relay7 {

// The value of the first cookie called `name` across every Cookie header of a request ("a=1; b=2",
// RFC 6265 section 4.2), with the double quotes of a quoted value removed; nullopt when there is
// none. Names compare exactly: RFC 6265 makes "sid" and "SID" two cookies. The view points into
// `headers`.
std::optional<std::string_view> find_cookie(const HeaderList& headers, std::string_view name);

}  // namespace relay7
