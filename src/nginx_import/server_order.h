#pragma once

#include "nginx_import/model.h"
#include "relay7/nginx_import/messages.h"

namespace relay7::nginx_import {

// nginx's default server of an address is the one marked default_server, else the first;
// relay7's is always the first. Moves each default_server block before the other blocks of its
// address, and reports an error for a default_server that cannot come first on every address it
// is the default of.
void put_default_servers_first(ConfigModel& model, MessageList& messages);

}  // namespace relay7::nginx_import
