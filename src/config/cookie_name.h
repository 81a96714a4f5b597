#pragma once

#include <string>
#include <string_view>

namespace relay7::config {

// RFC 6265 cookie-name, an RFC 9110 token. Anything else (a space, '=', ';', a quote) either
// breaks the Cookie header a browser sends back or makes the browser drop the cookie.
bool is_cookie_name(std::string_view name);

// `"a=b" is not a valid cookie name (use letters, digits and ...)`.
std::string cookie_name_error(std::string_view name);

}  // namespace relay7::config
