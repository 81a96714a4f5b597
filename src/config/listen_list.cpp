#include <algorithm>

#include "config/listen_address.h"
#include "config/server_block.h"

namespace relay7::config {

void read_listen_list(const Node& node, ServerBlock& block, Diagnostics& diagnostics) {
  const auto entries = read_array(node, "strings", diagnostics);
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
    const auto text = read_string(entry, diagnostics);
    if (!text) {
      continue;
    }
    const auto parsed = parse_listen_address(*text);
    if (!parsed.address) {
      diagnostics.error(entry.path, parsed.error);
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
    listen.push_back(ListenConfig{*text, *parsed.address});
    block.listen_positions.push_back(i);
  }
}

}  // namespace relay7::config
