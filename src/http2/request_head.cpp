#include "relay7/http2/request_head.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <charconv>

#include "relay7/http/ascii.h"

namespace relay7 {

void Http2RequestHead::add(std::string_view name, std::string_view value) {
  bytes_ += name.size() + value.size();
  // Pseudo-fields stand for the request line: they count in bytes, not as fields.
  if (!name.starts_with(':')) {
    ++fields_;
  }
  if (bytes_ > limits_.max_head_bytes || fields_ > limits_.max_header_count) {
    error_ = Http2HeadError::too_large;
  }
  if (error_ != Http2HeadError::none) {
    return;  // nothing more is kept: the request is answered from what it says now
  }
  if (name == ":method") {
    head_.method.assign(value);
  } else if (name == ":path") {
    if (value.size() > limits_.max_target_bytes) {
      error_ = Http2HeadError::target_too_long;
      return;
    }
    head_.target.assign(value);
  } else if (name == ":authority") {
    authority_.assign(value);
    has_authority_ = true;
  } else if (name == ":protocol") {
    protocol_.assign(value);
  } else if (name.starts_with(':')) {
    return;  // :scheme: the listener says which it is
  } else {
    add_regular(name, value);
  }
}

void Http2RequestHead::add_regular(std::string_view name, std::string_view value) {
  if (name == "cookie") {
    if (!cookie_.empty()) {
      cookie_.append("; ");
    }
    cookie_.append(value);
    return;
  }
  if (name == "content-length") {
    uint64_t length = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), length);
    if (error == std::errc() && end == value.data() + value.size()) {
      content_length_ = length;
    }
  }
  head_.headers.add(name, value);
}

void Http2RequestHead::finish() {
  head_.version_major = 2;
  head_.version_minor = 0;
  if (error_ != Http2HeadError::none) {
    return;
  }
  if (!cookie_.empty()) {
    head_.headers.add("cookie", cookie_);
  }
  if (!protocol_.empty()) {
    // nghttp2 lets :protocol through only on a CONNECT with :scheme and :path.
    if (!iequals(protocol_, "websocket")) {
      error_ = Http2HeadError::unsupported;
      return;
    }
    become_websocket_upgrade();
  }
  if (!has_authority_) {
    return;  // a Host field, if any, names the authority (RFC 9113 section 8.3.1)
  }
  const Header* host = head_.headers.find(FieldName::host);
  if (host == nullptr) {
    head_.headers.add("host", authority_);
  } else if (!iequals(host->value, authority_)) {
    error_ = Http2HeadError::malformed;
  }
}

void Http2RequestHead::become_websocket_upgrade() {
  websocket_ = true;
  head_.method.assign("GET");
  head_.headers.add("upgrade", "websocket");
  if (head_.headers.find("sec-websocket-key") == nullptr) {
    unsigned char nonce[16];
    RAND_bytes(nonce, sizeof nonce);  // a nonce for the handshake, not a secret
    unsigned char key[25];
    EVP_EncodeBlock(key, nonce, sizeof nonce);
    head_.headers.add("sec-websocket-key", std::string_view(reinterpret_cast<char*>(key), 24));
  }
}

}  // namespace relay7
