// libFuzzer harness: the config loader. Any bytes given to parse_config_text must give either a
// Config or errors, never a crash or an escaping exception; a Config must dump (`relay7 -T`) to
// JSON that loads back to the same dump, and must build the route table a worker builds.
// Host names resolve through fuzz/fake_resolver.cpp, never through DNS. See fuzz/README.md.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fake_resolver.h"
#include "fuzz_support.h"
#include "relay7/config/dump.h"
#include "relay7/config/loader.h"
#include "relay7/routing/route_table.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace relay7;
  using namespace relay7::fuzz;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const HostResolverFactory resolvers = fake_resolvers();
  const ConfigLoadResult first = parse_config_text(text, "fuzz.json", resolvers);
  if (!first.ok()) {
    FUZZ_CHECK(!first.errors.empty(), "a failed load must say why");
    for (const std::string& error : first.errors) {
      FUZZ_CHECK(error.starts_with("fuzz.json:"),
                 "an error that does not name the file: " + escaped(error));
      FUZZ_CHECK(error.find('\n') == std::string::npos,
                 "an error of several lines: " + escaped(error));
    }
    return 0;
  }
  FUZZ_CHECK(first.errors.empty());
  const Config& config = *first.config;
  FUZZ_CHECK(!config.servers.empty());

  // `relay7 -T` prints dump_config(...).dump(2); loading that output must give the same dump.
  const nlohmann::ordered_json dumped = dump_config(config);
  const std::string dumped_text = dumped.dump(2);
  const ConfigLoadResult second = parse_config_text(dumped_text, "dump.json", resolvers);
  FUZZ_CHECK(second.ok(), "the dump does not load: " +
                              escaped(second.errors.empty() ? "" : second.errors.front()) +
                              "\n--- dump:\n" + escaped(dumped_text, true));
  const nlohmann::ordered_json dumped_again = dump_config(*second.config);
  FUZZ_CHECK(dumped_again == dumped, "the dump loads to a different config:\n--- first:\n" +
                                         escaped(dumped_text, true) + "\n--- second:\n" +
                                         escaped(dumped_again.dump(2), true));

  // What a worker does with a Config before serving.
  const RouteTable routes(config);
  FUZZ_CHECK(!routes.listeners().empty());
  for (const ListenerRoutes& listener : routes.listeners()) {
    FUZZ_CHECK(listener.default_server < config.servers.size());
    for (const std::string_view host : {"", "example.com", "www.example.com"}) {
      const size_t index = listener.select(host);
      FUZZ_CHECK(index < config.servers.size());
      for (const std::string_view path : {"/", "/admin", "/summary/report", "/x/y/"}) {
        if (const Location* location = routes.server(index).match(path)) {
          if (const auto* action = std::get_if<ProxyAction>(&location->action)) {
            FUZZ_CHECK(action->upstream_index < config.upstreams.size());
            FUZZ_CHECK(!config.upstreams[action->upstream_index].servers.empty());
          }
        }
      }
    }
  }
  return 0;
}
