#pragma once

#include <filesystem>

#include "config/diagnostics.h"
#include "config/json_values.h"
#include "relay7/config/config.h"
#include "relay7/resolver/host_resolver.h"

namespace relay7::config {

// Validates a parsed document and builds the model from it, resolving host names with a resolver
// `resolvers` makes for the document's "resolver" settings. The result is only meaningful when
// no error was added to `diagnostics`. Relative file paths in it are taken from `config_dir`.
Config build_config(const Json& root, const HostResolverFactory& resolvers,
                    const std::filesystem::path& config_dir, Diagnostics& diagnostics);

}  // namespace relay7::config
