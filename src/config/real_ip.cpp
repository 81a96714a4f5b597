#include "config/global_settings.h"
#include "config/json_path.h"
#include "relay7/http/ascii.h"

namespace relay7::config {
namespace {

std::vector<AddressRange> read_trusted(const Node& node, Diagnostics& diagnostics) {
  std::vector<AddressRange> ranges;
  const auto entries = read_array(node, "addresses or address blocks", diagnostics);
  if (!entries) {
    return ranges;
  }
  if (entries->empty()) {
    diagnostics.error(node.path, "at least one trusted address is required");
  }
  for (const Node& entry : *entries) {
    const auto text = read_string(entry, diagnostics);
    if (!text) {
      continue;
    }
    std::string error;
    if (const auto range = parse_address_range(*text, error)) {
      ranges.push_back(*range);
    } else {
      diagnostics.error(entry.path, quote_json(*text) + " " + error);
    }
  }
  return ranges;
}

}  // namespace

void read_real_ip(const Node& node, std::optional<RealIpConfig>& real_ip,
                  Diagnostics& diagnostics) {
  const auto object = ObjectReader::open(node, {"from", "header"}, diagnostics);
  if (!object) {
    return;
  }
  RealIpConfig config;
  if (const auto from = object->require("from", diagnostics)) {
    config.from = read_trusted(*from, diagnostics);
  }
  if (const auto header = object->find("header")) {
    const auto name = read_non_empty_string(*header, diagnostics);
    if (name && !is_token(*name)) {
      diagnostics.error(header->path, quote_json(*name) + " is not a header name");
    } else if (name) {
      config.header = *name;
    }
  }
  real_ip = std::move(config);
}

}  // namespace relay7::config
