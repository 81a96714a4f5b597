#include "nginx_import/values.h"

#include <charconv>
#include <limits>
#include <vector>

#include "relay7/config/units.h"

namespace relay7::nginx_import {
namespace {

constexpr size_t kMaxMessageArgs = 60;

struct TimeUnit {
  std::string_view name;
  uint64_t ms;
};

// Largest first: a time lists its parts in this order.
constexpr TimeUnit kTimeUnits[] = {
    {"y", 365ull * 24 * 3600 * 1000},
    {"M", 30ull * 24 * 3600 * 1000},
    {"w", 7ull * 24 * 3600 * 1000},
    {"d", 24ull * 3600 * 1000},
    {"h", 3600ull * 1000},
    {"m", 60ull * 1000},
    {"s", 1000},
    {"ms", 1},
};
constexpr size_t kUnitCount = sizeof(kTimeUnits) / sizeof(kTimeUnits[0]);

// The unit at the start of `text`: "ms" before "m".
std::optional<size_t> unit_at(std::string_view text) {
  if (text.starts_with("ms")) {
    return kUnitCount - 1;
  }
  for (size_t i = 0; i + 1 < kUnitCount; ++i) {
    if (!text.empty() && text.front() == kTimeUnits[i].name.front()) {
      return i;
    }
  }
  return std::nullopt;
}

std::optional<uint64_t> leading_number(std::string_view& text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
    ++digits;
  }
  uint64_t value = 0;
  if (digits == 0 || std::from_chars(text.data(), text.data() + digits, value).ec != std::errc()) {
    return std::nullopt;
  }
  text.remove_prefix(digits);
  return value;
}

}  // namespace

std::optional<Duration> parse_nginx_time(std::string_view text) {
  if (const auto whole = parse_count(text)) {
    if (*whole > static_cast<uint64_t>(std::numeric_limits<int64_t>::max() / 1000)) {
      return std::nullopt;
    }
    return Duration(static_cast<int64_t>(*whole * 1000));
  }
  uint64_t total = 0;
  size_t next_unit = 0;  // units must come in decreasing size, each at most once
  bool any = false;
  while (!text.empty()) {
    const auto number = leading_number(text);
    const auto unit = number ? unit_at(text) : std::nullopt;
    if (!unit || *unit < next_unit) {
      return std::nullopt;
    }
    text.remove_prefix(kTimeUnits[*unit].name.size());
    const uint64_t factor = kTimeUnits[*unit].ms;
    if (*number > (std::numeric_limits<uint64_t>::max() - total) / factor) {
      return std::nullopt;
    }
    total += *number * factor;
    next_unit = *unit + 1;
    any = true;
    while (text.starts_with(' ')) {
      text.remove_prefix(1);
    }
  }
  if (!any || total > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return std::nullopt;
  }
  return Duration(static_cast<int64_t>(total));
}

std::optional<uint64_t> parse_nginx_size(std::string_view text) {
  return parse_size(text);
}

std::optional<uint64_t> parse_count(std::string_view text) {
  std::string_view rest = text;
  const auto value = leading_number(rest);
  if (!value || !rest.empty()) {
    return std::nullopt;
  }
  return value;
}

bool has_port(std::string_view address) {
  if (address.starts_with('[')) {
    return address.find("]:") != std::string_view::npos;
  }
  return address.find(':') != std::string_view::npos;
}

std::string with_port(std::string_view address) {
  std::string result(address);
  if (!has_port(address)) {
    result.append(":").append(kDefaultPort);
  }
  return result;
}

bool has_variable(std::string_view text) {
  return text.find('$') != std::string_view::npos;
}

std::string printable(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
  return out;
}

std::string quote_text(std::string_view text) {
  return "\"" + printable(text) + "\"";
}

std::string directive_text(std::string_view name, const std::vector<std::string>& args) {
  std::string text = printable(name);
  for (const std::string& arg : args) {
    text += ' ';
    text += arg.empty() ? "\"\"" : printable(arg);
    if (text.size() > kMaxMessageArgs) {
      text.resize(kMaxMessageArgs);
      return text + "...";
    }
  }
  return text;
}

}  // namespace relay7::nginx_import
