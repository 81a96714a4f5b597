#pragma once

#include <nghttp2/nghttp2.h>

#include <memory>

namespace relay7 {

struct Nghttp2SessionDeleter {
  void operator()(nghttp2_session* session) const { nghttp2_session_del(session); }
};
struct Nghttp2CallbacksDeleter {
  void operator()(nghttp2_session_callbacks* callbacks) const {
    nghttp2_session_callbacks_del(callbacks);
  }
};
struct Nghttp2OptionDeleter {
  void operator()(nghttp2_option* option) const { nghttp2_option_del(option); }
};

using Nghttp2SessionPtr = std::unique_ptr<nghttp2_session, Nghttp2SessionDeleter>;
using Nghttp2CallbacksPtr = std::unique_ptr<nghttp2_session_callbacks, Nghttp2CallbacksDeleter>;
using Nghttp2OptionPtr = std::unique_ptr<nghttp2_option, Nghttp2OptionDeleter>;

}  // namespace relay7
