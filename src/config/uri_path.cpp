#include "config/uri_path.h"

#include "relay7/http/request_target.h"

namespace relay7::config {
namespace {

std::optional<std::string> character_problem(std::string_view path) {
  for (const char c : path) {
    if (auto problem = request_line_byte_problem(c)) {
      return problem;
    }
    if (c == '?' || c == '#' || c == '%') {
      return std::string("must not contain '") + c + "'";
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> request_line_byte_problem(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
    return "must not contain whitespace";
  }
  if (byte < 0x20 || byte == 0x7f) {
    return "must not contain control characters";
  }
  return std::nullopt;
}

std::optional<std::string> uri_path_problem(std::string_view path) {
  if (path.empty() || path.front() != '/') {
    return "must start with '/'";
  }
  if (auto problem = character_problem(path)) {
    return problem;
  }
  if (path.find("//") != std::string_view::npos) {
    return "must not contain \"//\"";
  }
  if (has_dot_segment(path)) {
    return "must not contain \".\" or \"..\" segments";
  }
  return std::nullopt;
}

}  // namespace relay7::config
