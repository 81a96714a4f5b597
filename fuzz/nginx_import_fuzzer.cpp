// libFuzzer harness: `relay7 import-nginx` on any text as the main file. The tokenizer, parser,
// translation table, JSON layout and the check of the result must give messages, never a crash
// or an escaping exception; every message names the file and a line the file has; the JSON
// written is valid JSON. Includes are not followed (nothing is read from disk) and host names
// resolve through fuzz/fake_resolver.cpp. See fuzz/README.md.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fake_resolver.h"
#include "fuzz_support.h"
#include "relay7/nginx_import/importer.h"
#include "relay7/nginx_import/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace relay7;
  using namespace relay7::fuzz;
  using namespace relay7::nginx_import;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string file = "fuzz.conf";
  const int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;

  MessageList messages;
  LoadedConfig loaded;
  loaded.main_file = file;
  loaded.base_dir = "/nonexistent-fuzz-dir";
  ParseResult parsed = parse_config_text(text, file);
  if (parsed.error) {
    loaded.syntax_error = true;
    FUZZ_CHECK(parsed.error->line >= 1 && parsed.error->line <= lines,
               "a syntax error on a line the file does not have");
  } else {
    loaded.directives = std::move(parsed.directives);
  }
  const ImportResult result = import_loaded_config(loaded, std::move(messages), fake_resolvers());
  for (const ImportMessage& message : result.messages) {
    FUZZ_CHECK(message.where.file == file,
               "a message about another file: " + escaped(message.text));
    FUZZ_CHECK(message.where.line >= 0 && message.where.line <= lines,
               "a message on a line the file does not have: " + escaped(message.text));
    FUZZ_CHECK(format_message(message).find('\n') == std::string::npos,
               "a message of several lines: " + escaped(message.text));
  }
  if (!loaded.syntax_error) {
    FUZZ_CHECK(nlohmann::json::accept(result.json),
               "the result is not JSON:\n" + escaped(result.json, true));
  }
  FUZZ_CHECK(!result.ok() || result.count(Severity::error) == 0,
             "an import with errors counted as done");
  return 0;
}
