// relay7-demo-backend: a small HTTP/1.1 origin server for the demo and the integration tests.
// It answers every request with a JSON description of what it received, and query parameters
// make it misbehave on purpose (see src/demo/controls.h).
#include <csignal>
#include <cstdio>
#include <exception>
#include <string>

#include "demo/options.h"
#include "demo/server.h"

namespace {

constexpr int kUsageError = 2;

int serve(const relay7::demo::Options& options) {
  relay7::demo::Server server(options);
  std::string error;
  if (!server.listen(error)) {
    std::fprintf(stderr, "relay7-demo-backend: %s\n", error.c_str());
    return 1;
  }
  // Tests and the demo script wait for this exact line before connecting.
  std::printf("ready %u\n", static_cast<unsigned>(server.port()));
  std::fflush(stdout);
  server.run();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // A client that disconnects mid-response must cost a write error, not the process.
  std::signal(SIGPIPE, SIG_IGN);
  const relay7::demo::OptionsResult parsed = relay7::demo::parse_options(argc, argv);
  if (!parsed.options) {
    if (parsed.error.empty()) {
      std::fputs(relay7::demo::usage_text(), stdout);
      return 0;
    }
    std::fprintf(stderr, "relay7-demo-backend: %s\n%s", parsed.error.c_str(),
                 relay7::demo::usage_text());
    return kUsageError;
  }
  try {
    return serve(*parsed.options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "relay7-demo-backend: %s\n", e.what());
    return 1;
  }
}
