#include "relay7/tls/openssl_error.h"

#include <openssl/err.h>

namespace relay7 {

std::string take_openssl_error() {
  const unsigned long code = ERR_peek_last_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  ERR_clear_error();
  return reason != nullptr ? reason : "unknown error";
}

}  // namespace relay7
