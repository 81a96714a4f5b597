#include <algorithm>

#include "config/json_path.h"
#include "config/listen_address.h"
#include "config/server_block.h"

namespace relay7::config {
namespace {

// What one entry says before its address is parsed: a string, or an object naming the address
// and the options that belong to it rather than to a server block.
struct ListenEntry {
  std::string text;
  bool h2c = false;
  bool proxy_protocol = false;
  unsigned backlog = kDefaultListenBacklog;
};

std::optional<ListenEntry> read_listen_entry(const Node& entry, Diagnostics& diagnostics) {
  if (!entry.value.is_object()) {
    const auto text = read_string(entry, diagnostics);
    return text ? std::optional<ListenEntry>(ListenEntry{*text}) : std::nullopt;
  }
  const auto object =
      ObjectReader::open(entry, {"address", "h2c", "proxy_protocol", "backlog"}, diagnostics);
  if (!object) {
    return std::nullopt;
  }
  ListenEntry parsed;
  if (const auto h2c = object->find("h2c")) {
    assign_if(parsed.h2c, read_bool(*h2c, diagnostics));
  }
  if (const auto proxy_protocol = object->find("proxy_protocol")) {
    assign_if(parsed.proxy_protocol, read_bool(*proxy_protocol, diagnostics));
  }
  if (const auto backlog = object->find("backlog")) {
    assign_if(parsed.backlog, read_integer(*backlog, 1, 65535, diagnostics));
  }
  const auto address = object->require("address", diagnostics);
  const auto text = address ? read_string(*address, diagnostics) : std::nullopt;
  if (!text) {
    return std::nullopt;
  }
  parsed.text = *text;
  return parsed;
}

}  // namespace

void read_listen_list(const Node& node, ServerBlock& block, Diagnostics& diagnostics) {
  const auto entries = read_array(node, "addresses", diagnostics);
  if (!entries) {
    return;
  }
  if (entries->empty()) {
    diagnostics.error(node.path, "at least one listen address is required");
    return;
  }
  auto& listen = block.config.listen;
  for (size_t i = 0; i < entries->size(); ++i) {
    const Node& entry = (*entries)[i];
    const auto read = read_listen_entry(entry, diagnostics);
    if (!read) {
      continue;
    }
    const auto parsed = parse_listen_address(read->text);
    if (!parsed.address) {
      diagnostics.error(entry.value.is_object() ? path_key(entry.path, "address") : entry.path,
                        parsed.error);
      continue;
    }
    const auto earlier = std::find_if(listen.begin(), listen.end(), [&](const ListenConfig& l) {
      return l.address == *parsed.address;
    });
    if (earlier != listen.end()) {
      const size_t earlier_index = block.listen_positions[earlier - listen.begin()];
      diagnostics.error(entry.path, "duplicate listen address " + parsed.address->to_string() +
                                        " (already in listen[" + std::to_string(earlier_index) +
                                        "])");
      continue;
    }
    listen.push_back(
        ListenConfig{read->text, *parsed.address, read->h2c, read->proxy_protocol, read->backlog});
    block.listen_positions.push_back(i);
  }
}

}  // namespace relay7::config
