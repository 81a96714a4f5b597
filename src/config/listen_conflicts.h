#pragma once

#include <vector>

#include "config/diagnostics.h"
#include "config/server_block.h"

namespace relay7::config {

// Checks across server blocks: one (listen address, server name) pair may only belong to one
// block, a wildcard address cannot be combined with a specific one on the same port, and the
// blocks on one address all serve TLS (with the same protocols and handshake_timeout) or none do.
void check_listen_conflicts(const std::vector<ServerBlock>& blocks, Diagnostics& diagnostics);

}  // namespace relay7::config
