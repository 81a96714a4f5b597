#include "config/server_block.h"

#include "config/header_rules.h"
#include "config/json_path.h"
#include "config/location.h"
#include "config/server_tls.h"

namespace relay7::config {
namespace {

const char* match_name(MatchKind match) {
  return match == MatchKind::exact ? "exact" : "prefix";
}

void read_locations(const Node& node, ServerBlock& block, UpstreamCatalog& upstreams,
                    Diagnostics& diagnostics) {
  const auto entries = read_array(node, "location objects", diagnostics);
  if (!entries) {
    return;
  }
  if (entries->empty()) {
    diagnostics.error(node.path, "at least one location is required");
    return;
  }
  auto& locations = block.config.locations;
  std::vector<size_t> indices;  // JSON index of each entry in `locations`
  for (size_t i = 0; i < entries->size(); ++i) {
    auto location = read_location((*entries)[i], upstreams, diagnostics);
    if (!location) {
      continue;
    }
    for (size_t k = 0; k < locations.size(); ++k) {
      if (locations[k].path == location->path && locations[k].match == location->match) {
        diagnostics.error((*entries)[i].path, "duplicate location " + quote_json(location->path) +
                                                  " (" + match_name(location->match) +
                                                  " match), already defined at " + "locations[" +
                                                  std::to_string(indices[k]) + "]");
        break;
      }
    }
    locations.push_back(std::move(*location));
    indices.push_back(i);
  }
}

// h2c is cleartext HTTP/2 on an address; a TLS block offers HTTP/2 by ALPN instead, and a block
// that turns HTTP/2 off cannot also ask for it.
void check_h2c_listen(const ServerBlock& block, Diagnostics& diagnostics) {
  for (size_t i = 0; i < block.config.listen.size(); ++i) {
    if (!block.config.listen[i].h2c) {
      continue;
    }
    const std::string path =
        path_key(path_index(block.path + ".listen", block.listen_positions[i]), "h2c");
    if (block.config.tls) {
      diagnostics.error(path,
                        "h2c is cleartext HTTP/2; a block with tls offers HTTP/2 by ALPN "
                        "(\"http2\": true, the default)");
    } else if (!block.config.http2) {
      diagnostics.error(path, "the block sets \"http2\": false");
    }
  }
}

}  // namespace

std::optional<ServerBlock> read_server(const Node& node, UpstreamCatalog& upstreams,
                                       const std::filesystem::path& config_dir,
                                       Diagnostics& diagnostics) {
  const auto object =
      ObjectReader::open(node,
                         {"listen", "server_names", "max_body_size", "encoded_slashes", "tls",
                          "http2", "header_rules", "locations"},
                         diagnostics);
  if (!object) {
    return std::nullopt;
  }
  ServerBlock block;
  block.path = node.path;
  if (const auto listen = object->require("listen", diagnostics)) {
    read_listen_list(*listen, block, diagnostics);
  }
  if (const auto names = object->find("server_names")) {
    block.config.server_names = read_server_names(*names, diagnostics);
  }
  if (const auto limit = object->find("max_body_size")) {
    block.config.max_body_size = read_size(*limit, diagnostics).value_or(kDefaultMaxBodySize);
  }
  if (const auto slashes = object->find("encoded_slashes")) {
    const std::vector<std::string_view> names(std::begin(kEncodedSlashesNames),
                                              std::end(kEncodedSlashesNames));
    if (const auto index = read_choice(*slashes, names, diagnostics)) {
      block.config.encoded_slashes = static_cast<EncodedSlashes>(*index);
    }
  }
  // Before tls: the TLS context's ALPN offer depends on it.
  if (const auto rules = object->find("header_rules")) {
    block.config.header_rules = read_header_rules(*rules, diagnostics);
  }
  if (const auto http2 = object->find("http2")) {
    assign_if(block.config.http2, read_bool(*http2, diagnostics));
  }
  if (const auto tls = object->find("tls")) {
    block.config.tls = read_server_tls(*tls, config_dir, block.config.server_names,
                                       block.config.http2, diagnostics);
  }
  check_h2c_listen(block, diagnostics);
  if (const auto locations = object->require("locations", diagnostics)) {
    read_locations(*locations, block, upstreams, diagnostics);
  }
  return block;
}

}  // namespace relay7::config
