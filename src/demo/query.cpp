#include "demo/query.h"

namespace relay7::demo {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

std::string_view strip_authority(std::string_view uri) {
  const size_t scheme_end = uri.find("://");
  if (scheme_end == std::string_view::npos || uri.substr(0, scheme_end).find('/') != uri.npos) {
    return uri;
  }
  const size_t path_start = uri.find_first_of("/?", scheme_end + 3);
  return path_start == std::string_view::npos ? std::string_view() : uri.substr(path_start);
}

std::string_view query_part(std::string_view uri) {
  const size_t question = uri.find('?');
  if (question == std::string_view::npos)
    return {};
  std::string_view query = uri.substr(question + 1);
  return query.substr(0, query.find('#'));
}

}  // namespace

std::string_view uri_path(std::string_view uri) {
  std::string_view target = strip_authority(uri);
  return target.substr(0, target.find_first_of("?#"));
}

std::string url_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
               hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

QueryParams parse_query(std::string_view uri) {
  QueryParams params;
  std::string_view query = query_part(uri);
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty())
      continue;
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos) {
      params.emplace_back(url_decode(pair), std::string());
    } else {
      params.emplace_back(url_decode(pair.substr(0, eq)), url_decode(pair.substr(eq + 1)));
    }
  }
  return params;
}

}  // namespace relay7::demo
