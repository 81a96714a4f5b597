#include "config/global_settings.h"

namespace relay7::config {
namespace {

struct Http2Field {
  std::string_view key;
  uint32_t Http2Config::*member;
  int64_t min;
  int64_t max;
};

// The maximums keep one connection's worst case (every stream holding a full window of request
// body) to a few hundred MiB; the minimums keep a browser's ordinary use possible.
const Http2Field kHttp2Fields[] = {
    {"max_concurrent_streams", &Http2Config::max_concurrent_streams, 1, 1000},
    {"max_resets_per_second", &Http2Config::max_resets_per_second, 1, 100000},
    {"max_control_frames_per_second", &Http2Config::max_control_frames_per_second, 1, 100000},
};

}  // namespace

void read_http2(const Node& node, Http2Config& http2, Diagnostics& diagnostics) {
  std::vector<std::string_view> keys;
  for (const auto& field : kHttp2Fields) {
    keys.push_back(field.key);
  }
  const auto object = ObjectReader::open(node, keys, diagnostics);
  if (!object) {
    return;
  }
  for (const auto& field : kHttp2Fields) {
    if (const auto value = object->find(field.key)) {
      assign_if(http2.*field.member, read_integer(*value, field.min, field.max, diagnostics));
    }
  }
}

}  // namespace relay7::config
