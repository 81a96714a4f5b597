#include <string>

#include "config/global_settings.h"

namespace relay7::config {
namespace {

enum class LimitUnit { bytes, headers };

struct LimitField {
  std::string_view key;
  uint64_t LimitsConfig::*member;
  LimitUnit unit;
  uint64_t min;
  uint64_t max;
};

// The minimums keep ordinary requests possible (a browser's head alone is often 1-2 KiB); the
// maximums keep one connection from holding more than a few MiB of head in memory.
const LimitField kLimitFields[] = {
    {"request_target", &LimitsConfig::request_target, LimitUnit::bytes, 256, 1024 * 1024},
    {"request_head", &LimitsConfig::request_head, LimitUnit::bytes, 1024, 16 * 1024 * 1024},
    {"request_headers", &LimitsConfig::request_headers, LimitUnit::headers, 8, 10000},
    {"response_head", &LimitsConfig::response_head, LimitUnit::bytes, 1024, 16 * 1024 * 1024},
    {"response_headers", &LimitsConfig::response_headers, LimitUnit::headers, 8, 10000},
};

std::optional<uint64_t> read_size_within(const Node& node, uint64_t min, uint64_t max,
                                         Diagnostics& diagnostics) {
  const auto size = read_size(node, diagnostics);
  if (size && (*size < min || *size > max)) {
    diagnostics.error(node.path, "must be between " + std::to_string(min) + " and " +
                                     std::to_string(max) + " bytes");
    return std::nullopt;
  }
  return size;
}

}  // namespace

void read_limits(const Node& node, LimitsConfig& limits, Diagnostics& diagnostics) {
  std::vector<std::string_view> keys;
  for (const auto& field : kLimitFields) {
    keys.push_back(field.key);
  }
  const auto object = ObjectReader::open(node, keys, diagnostics);
  if (!object) {
    return;
  }
  for (const auto& field : kLimitFields) {
    const auto value = object->find(field.key);
    if (!value) {
      continue;
    }
    if (field.unit == LimitUnit::bytes) {
      assign_if(limits.*field.member, read_size_within(*value, field.min, field.max, diagnostics));
    } else {
      assign_if(limits.*field.member, read_integer(*value, static_cast<int64_t>(field.min),
                                                   static_cast<int64_t>(field.max), diagnostics));
    }
  }
}

}  // namespace relay7::config
