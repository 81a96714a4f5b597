#pragma once

#include <string>
#include <vector>

#include "relay7/nginx_import/config_files.h"
#include "relay7/nginx_import/messages.h"
#include "relay7/resolver/host_resolver.h"

namespace relay7::nginx_import {

struct ImportResult {
  // The relay7 config, laid out like etc/examples/: everything translated, or (when `translated`
  // is false) what could be. Empty when a file could not be read or parsed.
  std::string json;
  std::vector<ImportMessage> messages;  // in the order of the nginx lines they are about
  bool file_error = false;              // a file could not be read
  bool translated = false;              // no error before the check
  bool check_passed = false;            // `json` passes what `relay7 -t` checks

  bool ok() const { return !file_error && translated && check_passed; }
  size_t count(Severity severity) const;
};

// Reads an nginx config (following its includes), translates it to a relay7 config, and checks
// the result with relay7's own loader and the user lookup of `relay7 -t`. Every problem is in
// `messages` as "FILE:LINE: ..."; what the check finds is traced back to the nginx line behind
// the JSON value it is about.
ImportResult import_nginx_config(const std::string& main_file);

// The steps after reading, for a config already loaded (with the messages reading gave): the
// translation, the JSON and its check, whose host-name lookups go through `resolvers` (the
// config fuzzer's fake ones, so that fuzzing never touches DNS).
ImportResult import_loaded_config(const LoadedConfig& loaded, MessageList messages,
                                  const HostResolverFactory& resolvers);

}  // namespace relay7::nginx_import
