#include "demo/controls.h"

#include <charconv>
#include <string>

#include "demo/query.h"

namespace relay7::demo {
namespace {

std::optional<uint64_t> parse_unsigned(std::string_view text) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end)
    return std::nullopt;
  return value;
}

bool is_token_char(char c) {
  static constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         kSpecials.find(c) != std::string_view::npos;
}

// "Name:Value" from a header= parameter. CR, LF and NUL are refused so a control can never
// smuggle extra response lines; garbage=1 exists for deliberately broken responses.
bool parse_header_control(std::string_view text, HeaderList& out) {
  const size_t colon = text.find(':');
  if (colon == 0 || colon == std::string_view::npos)
    return false;
  const std::string_view name = text.substr(0, colon);
  for (char c : name) {
    if (!is_token_char(c))
      return false;
  }
  std::string_view value = text.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    value.remove_prefix(1);
  }
  if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos)
    return false;
  out.emplace_back(std::string(name), std::string(value));
  return true;
}

bool is_flag_on(std::string_view value) {
  return value == "1" || value == "true";
}

bool* flag_for(Controls& c, std::string_view key) {
  if (key == "chunked")
    return &c.chunked;
  if (key == "close_delimited")
    return &c.close_delimited;
  if (key == "garbage")
    return &c.garbage;
  if (key == "drop")
    return &c.drop;
  return nullptr;
}

uint64_t* number_for(Controls& c, std::string_view key) {
  if (key == "delay_ms")
    return &c.delay_ms;
  if (key == "body_rate")
    return &c.body_rate;
  return nullptr;
}

// Unknown keys are ignored: they are ordinary query parameters of the request.
bool apply(Controls& c, const std::string& key, const std::string& value) {
  if (key == "header")
    return parse_header_control(value, c.extra_headers);
  if (key == "trailer")
    return parse_header_control(value, c.trailers);
  if (key == "only") {
    c.only = value;
    return true;
  }
  if (bool* flag = flag_for(c, key)) {
    *flag = is_flag_on(value);
    return true;
  }
  if (key != "delay_ms" && key != "body_rate" && key != "bytes" && key != "status")
    return true;
  const std::optional<uint64_t> number = parse_unsigned(value);
  if (!number)
    return false;
  if (uint64_t* target = number_for(c, key)) {
    *target = *number;
  } else if (key == "bytes") {
    c.bytes = *number;
  } else {
    // 1xx cannot be a final status; anything past 999 is not a status code at all.
    if (*number < 200 || *number > 999)
      return false;
    c.status = static_cast<int>(*number);
  }
  return true;
}

}  // namespace

Controls parse_controls(std::string_view uri) {
  Controls controls;
  for (const auto& [key, value] : parse_query(uri)) {
    if (!apply(controls, key, value)) {
      controls.error = "invalid control " + key + "=" + value;
      break;
    }
  }
  return controls;
}

Controls controls_for(std::string_view uri, std::string_view backend_name) {
  Controls controls = parse_controls(uri);
  if (controls.error.empty() && !controls.only.empty() && controls.only != backend_name)
    return Controls{};
  return controls;
}

}  // namespace relay7::demo
