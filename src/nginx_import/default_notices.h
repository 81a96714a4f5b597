#pragma once

#include <string>

#include "nginx_import/instance_settings.h"
#include "nginx_import/model.h"
#include "relay7/nginx_import/messages.h"

namespace relay7::nginx_import {

// Where the file leaves a setting to nginx's default and relay7's default differs in what it
// does, relay7's is kept: a notice names both and says how to get nginx's back.
void add_default_notices(const ConfigModel& model, const InstanceSettings& instance,
                         const std::string& main_file, MessageList& messages);

}  // namespace relay7::nginx_import
