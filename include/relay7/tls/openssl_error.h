#pragma once

#include <string>

namespace relay7 {

// The reason of the last error on OpenSSL's error queue of this thread ("unknown error" when it
// is empty), and an empty queue afterwards: a stale entry would be taken for the cause of the
// next failure.
std::string take_openssl_error();

}  // namespace relay7
