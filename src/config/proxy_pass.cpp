#include "config/location_actions.h"

namespace relay7::config {

std::optional<ProxyPassConfig> read_proxy_pass(const Node& node, UpstreamCatalog& upstreams,
                                               Diagnostics& diagnostics) {
  if (!node.value.is_string()) {
    diagnostics.error(
        node.path, "expected a string such as \"http://UPSTREAM/\", got " + type_name(node.value));
    return std::nullopt;
  }
  const auto parsed = parse_proxy_pass_url(node.value.get_ref<const std::string&>());
  if (!parsed.url) {
    diagnostics.error(node.path, parsed.error);
    return std::nullopt;
  }
  auto upstream = upstreams.upstream_for(*parsed.url, node.path, diagnostics);
  if (!upstream) {
    return std::nullopt;
  }
  return ProxyPassConfig{std::move(*upstream), parsed.url->uri_prefix};
}

}  // namespace relay7::config
