#include "relay7/config/units.h"

#include <cctype>
#include <charconv>
#include <limits>

namespace relay7 {
namespace {

struct NumberAndUnit {
  uint64_t number = 0;
  std::string_view unit;
};

// Digits only: from_chars would otherwise accept what a config reader should not ("+5", " 5").
std::optional<NumberAndUnit> split_number(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) {
    ++digits;
  }
  if (digits == 0) {
    return std::nullopt;
  }
  NumberAndUnit result;
  const auto [end, error] = std::from_chars(text.data(), text.data() + digits, result.number);
  if (error != std::errc() || end != text.data() + digits) {
    return std::nullopt;
  }
  result.unit = text.substr(digits);
  return result;
}

std::optional<uint64_t> checked_multiply(uint64_t value, uint64_t factor) {
  if (value > std::numeric_limits<uint64_t>::max() / factor) {
    return std::nullopt;
  }
  return value * factor;
}

std::optional<uint64_t> duration_unit_ms(std::string_view unit) {
  if (unit == "ms") {
    return 1;
  }
  if (unit == "s") {
    return 1000;
  }
  if (unit == "m") {
    return 60 * 1000;
  }
  if (unit == "h") {
    return 60 * 60 * 1000;
  }
  return std::nullopt;
}

std::optional<uint64_t> size_unit_bytes(std::string_view unit) {
  if (unit.empty()) {
    return 1;
  }
  if (unit.size() != 1) {
    return std::nullopt;
  }
  switch (std::tolower(static_cast<unsigned char>(unit[0]))) {
    case 'k':
      return uint64_t{1} << 10;
    case 'm':
      return uint64_t{1} << 20;
    case 'g':
      return uint64_t{1} << 30;
    default:
      return std::nullopt;
  }
}

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
  const auto parts = split_number(text);
  if (!parts) {
    return std::nullopt;
  }
  const auto factor = duration_unit_ms(parts->unit);
  if (!factor) {
    return std::nullopt;
  }
  const auto ms = checked_multiply(parts->number, *factor);
  if (!ms || *ms > static_cast<uint64_t>(std::numeric_limits<Duration::rep>::max())) {
    return std::nullopt;
  }
  return Duration(static_cast<Duration::rep>(*ms));
}

std::optional<uint64_t> parse_size(std::string_view text) {
  const auto parts = split_number(text);
  if (!parts) {
    return std::nullopt;
  }
  const auto factor = size_unit_bytes(parts->unit);
  if (!factor) {
    return std::nullopt;
  }
  return checked_multiply(parts->number, *factor);
}

}  // namespace relay7
