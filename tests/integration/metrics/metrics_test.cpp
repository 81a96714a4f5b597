// /metrics and /status of a real relay7 with two workers: exact counts summed over both workers,
// read with prometheus_client's exposition-format parser, kept across a reload; upstream failures
// by reason; retries; the status page against its schema.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "support/child_process.h"
#include "support/demo_backend.h"
#include "support/http_connection.h"
#include "support/paths.h"
#include "support/ports.h"
#include "support/proxy_config.h"
#include "support/relay7_process.h"
#include "support/reload_helpers.h"
#include "support/temp_dir.h"
#include "support/test_certificates.h"

namespace relay7::testing {
namespace {

using namespace std::chrono_literals;

// Debian's python3 (the one python3-prometheus-client and python3-jsonschema install into), not
// whatever python3 comes first on PATH.
constexpr const char* kPython = "/usr/bin/python3";

// Samples by "name{label=value,...}" (labels in name order, as the parser's dict sorts them).
using Samples = std::map<std::string, double>;

std::string key(const std::string& name, const std::map<std::string, std::string>& labels) {
  std::string out = name + "{";
  bool first = true;
  for (const auto& [label, value] : labels) {
    out += (first ? "" : ",") + label + "=" + value;
    first = false;
  }
  return out + "}";
}

// Runs a helper script and returns its stdout; nullopt (with its stderr in `error`) when it
// fails.
std::optional<std::string> try_python(const std::vector<std::string>& arguments,
                                      std::string& error) {
  std::vector<std::string> argv{kPython};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  ChildProcess script(argv);
  const auto status = script.wait_exit(30s);
  if (!status || !WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    error = arguments.front() + " failed: " + script.stderr_text();
    return std::nullopt;
  }
  return script.stdout_text();
}

std::optional<std::string> run_python(const std::vector<std::string>& arguments) {
  std::string error;
  std::optional<std::string> out = try_python(arguments, error);
  if (!out) {
    ADD_FAILURE() << error;
  }
  return out;
}

struct Scrape {
  Samples samples;
  std::map<std::string, std::string> families;  // name -> type

  double at(const std::string& name, const std::map<std::string, std::string>& labels) const {
    const auto found = samples.find(key(name, labels));
    if (found == samples.end()) {
      ADD_FAILURE() << "no sample " << key(name, labels);
      return -1;
    }
    return found->second;
  }
};

std::vector<std::string> scrape_command(uint16_t port) {
  return {source_dir() + "/tests/integration/metrics/scrape.py",
          "http://127.0.0.1:" + std::to_string(port) + "/metrics"};
}

Scrape parse_scrape(const std::string& text) {
  Scrape result;
  const nlohmann::json parsed = nlohmann::json::parse(text);
  for (const auto& sample : parsed["samples"]) {
    result.samples[key(sample[0], sample[1].get<std::map<std::string, std::string>>())] =
        sample[2].get<double>();
  }
  result.families = parsed["families"].get<std::map<std::string, std::string>>();
  return result;
}

Scrape scrape(uint16_t port) {
  const auto text = run_python(scrape_command(port));
  return text ? parse_scrape(*text) : Scrape{};
}

// The value of a sample when /metrics answers and has it; nullopt while it cannot (a worker
// being replaced), so a test can poll.
std::optional<double> try_sample(uint16_t port, const std::string& name,
                                 const std::map<std::string, std::string>& labels) {
  std::string error;
  const auto text = try_python(scrape_command(port), error);
  if (!text) {
    return std::nullopt;
  }
  const Scrape parsed = parse_scrape(*text);
  const auto found = parsed.samples.find(key(name, labels));
  return found == parsed.samples.end() ? std::nullopt : std::optional<double>(found->second);
}

int status_of(uint16_t port, const std::string& target) {
  HttpConnection connection;
  if (!connection.connect(port) ||
      !connection.send_request("GET", target, {{"Connection", "close"}})) {
    return 0;
  }
  const auto response = connection.read_final_response();
  return response ? response->status : 0;
}

class MetricsTest : public ::testing::Test {
 protected:
  MetricsTest() : dead_port_(free_port()), relay_(make_config()) {}

  // "app": the backend alone, a 500 counts as its failure. "pair": a dead primary and the
  // backend as its backup, so every request fails to connect once and is retried. Passive health
  // is off, so no failure takes a server out for the next step.
  nlohmann::json make_config() const {
    const std::string live = loopback_address(backend_.port());
    const std::string dead = loopback_address(dead_port_);
    return {{"workers", 2},
            {"timeouts", {{"upstream_read", "500ms"}}},
            {"upstreams",
             {{"app", {{"max_fails", 0}, {"fail_on_status", {500}}, {"servers", {live}}}},
              {"pair",
               {{"max_fails", 0}, {"servers", {dead, {{"address", live}, {"backup", true}}}}}}}},
            {"servers",
             {{{"listen", {"8080"}},
               {"locations",
                {{{"path", "/"}, {"proxy_pass", "http://app"}},
                 {{"path", "/pair"}, {"proxy_pass", "http://pair"}},
                 {{"path", "/metrics"}, {"match", "exact"}, {"serve", "metrics"}},
                 {{"path", "/status"}, {"match", "exact"}, {"serve", "status"}}}}}}}};
  }

  std::string listen() const { return loopback_address(relay_.port()); }

  DemoBackend backend_{0, "live"};
  uint16_t dead_port_;
  Relay7Process relay_;
};

TEST_F(MetricsTest, CountsExactlyAcrossWorkersAndReloads) {
  ASSERT_TRUE(wait_until_serving(relay_, 2, 10s)) << relay_.stderr_text();
  const uint16_t port = relay_.port();
  const std::string app = loopback_address(backend_.port());
  const std::string dead = loopback_address(dead_port_);
  // A connection each, so that both workers take some.
  for (int i = 0; i < 40; ++i) {
    ASSERT_EQ(status_of(port, "/ok?n=" + std::to_string(i)), 200);
  }
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(status_of(port, "/fail?status=500"), 500);
  }
  ASSERT_EQ(status_of(port, "/slow?delay_ms=3000"), 504);
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(status_of(port, "/pair"), 200);
  }

  const Scrape first = scrape(port);
  EXPECT_EQ(first.families.at("relay7_requests"), "counter");
  EXPECT_EQ(first.families.at("relay7_upstream_response_seconds"), "histogram");
  EXPECT_EQ(first.at("relay7_requests_total", {{"listen", listen()}, {"code", "2xx"}}), 45);
  EXPECT_EQ(first.at("relay7_requests_total", {{"listen", listen()}, {"code", "5xx"}}), 4);
  EXPECT_EQ(first.at("relay7_upstream_requests_total",
                     {{"upstream", "app"}, {"server", app}, {"code", "2xx"}}),
            40);
  EXPECT_EQ(first.at("relay7_upstream_requests_total",
                     {{"upstream", "app"}, {"server", app}, {"code", "5xx"}}),
            3);
  EXPECT_EQ(first.at("relay7_upstream_failures_total",
                     {{"upstream", "app"}, {"server", app}, {"reason", "status"}}),
            3);
  EXPECT_EQ(first.at("relay7_upstream_failures_total",
                     {{"upstream", "app"}, {"server", app}, {"reason", "timeout"}}),
            1);
  EXPECT_EQ(first.at("relay7_upstream_failures_total",
                     {{"upstream", "pair"}, {"server", dead}, {"reason", "connect"}}),
            5);
  EXPECT_EQ(first.at("relay7_upstream_retries_total", {{"upstream", "pair"}}), 5);
  EXPECT_EQ(first.at("relay7_upstream_retries_total", {{"upstream", "app"}}), 0);
  EXPECT_EQ(first.at("relay7_upstream_requests_total",
                     {{"upstream", "pair"}, {"server", app}, {"code", "2xx"}}),
            5);
  EXPECT_EQ(
      first.at("relay7_upstream_response_seconds_count", {{"upstream", "app"}, {"server", app}}),
      43);
  EXPECT_EQ(first.at("relay7_upstream_response_seconds_bucket",
                     {{"upstream", "app"}, {"server", app}, {"le", "+Inf"}}),
            43);
  EXPECT_EQ(first.at("relay7_upstream_server_up", {{"upstream", "app"}, {"server", app}}), 1);
  EXPECT_EQ(first.at("relay7_generation", {}), 1);
  EXPECT_EQ(first.at("relay7_workers", {}), 2);
  EXPECT_EQ(first.at("relay7_reloads_total", {{"outcome", "ok"}}), 0);

  // GET and HEAD only.
  HttpConnection post;
  ASSERT_TRUE(post.connect(port));
  ASSERT_TRUE(post.send_request("POST", "/metrics", {{"Connection", "close"}}, "x"));
  const auto refused = post.read_final_response();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 405);
  EXPECT_EQ(refused->header("Allow"), "GET, HEAD");

  relay_.reload_with(relay_.config());
  const auto reloaded = wait_for_reloads(relay_, 1, 15s);
  ASSERT_TRUE(reloaded && reloaded->ok) << relay_.stderr_text();
  ASSERT_TRUE(wait_for_worker_count(relay_, 2, 15s));
  ASSERT_EQ(status_of(port, "/after-reload"), 200);

  const Scrape second = scrape(port);
  // 45 before, the first scrape, the reload's request.
  EXPECT_EQ(second.at("relay7_requests_total", {{"listen", listen()}, {"code", "2xx"}}), 47);
  EXPECT_EQ(second.at("relay7_requests_total", {{"listen", listen()}, {"code", "4xx"}}), 1);
  EXPECT_EQ(second.at("relay7_upstream_requests_total",
                      {{"upstream", "app"}, {"server", app}, {"code", "2xx"}}),
            41);
  EXPECT_EQ(second.at("relay7_upstream_failures_total",
                      {{"upstream", "pair"}, {"server", dead}, {"reason", "connect"}}),
            5);
  EXPECT_EQ(second.at("relay7_reloads_total", {{"outcome", "ok"}}), 1);
  EXPECT_EQ(second.at("relay7_reloads_total", {{"outcome", "failed"}}), 0);
  EXPECT_EQ(second.at("relay7_generation", {}), 2);
  EXPECT_EQ(second.at("relay7_workers", {}), 2);

  nlohmann::json broken = relay_.config();
  broken["servers"][0]["locations"][2]["serve"] = "metric";
  relay_.reload_with(broken);
  const auto failed = wait_for_reloads(relay_, 2, 15s);
  ASSERT_TRUE(failed);
  EXPECT_FALSE(failed->ok);
  EXPECT_NE(failed->error.find("did you mean \"metrics\"?"), std::string::npos) << failed->error;
  const Scrape third = scrape(port);
  EXPECT_EQ(third.at("relay7_reloads_total", {{"outcome", "ok"}}), 1);
  EXPECT_EQ(third.at("relay7_reloads_total", {{"outcome", "failed"}}), 1);
  EXPECT_EQ(third.at("relay7_generation", {}), 2);

  const auto status = run_python({source_dir() + "/tests/integration/metrics/check_status.py",
                                  "http://127.0.0.1:" + std::to_string(port) + "/status",
                                  source_dir() + "/tests/data/status.schema.json"});
  ASSERT_TRUE(status);
  const nlohmann::json page = nlohmann::json::parse(*status);
  EXPECT_EQ(page["generation"], 2);
  EXPECT_EQ(page["workers"].size(), 2u) << page.dump();
  for (const auto& worker : page["workers"]) {
    EXPECT_EQ(worker["generation"], 2);
  }
  EXPECT_EQ(page["last_reload"]["outcome"], "failed");
  EXPECT_NE(page["last_reload"]["message"].get<std::string>().find("metric"), std::string::npos);
  EXPECT_EQ(page["upstreams"][1]["name"], "pair");
  EXPECT_EQ(page["upstreams"][1]["servers"][1]["backup"], true);
  EXPECT_EQ(page["upstreams"][0]["servers"][0]["state"], "up");
}

TEST_F(MetricsTest, HeadAnswersWithoutABody) {
  HttpConnection connection;
  ASSERT_TRUE(connection.connect(relay_.port()));
  ASSERT_TRUE(connection.send_request("HEAD", "/metrics", {{"Connection", "close"}}));
  const auto response = connection.read_final_response(true);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_TRUE(response->body.empty());
}

// A worker that crashes leaves no connections behind in the gauges: the master zeroes its
// stripe's gauges when it reaps it (its counters stay).
TEST(MetricsCrashTest, ACrashedWorkersConnectionsLeaveTheGauges) {
  DemoBackend backend;
  nlohmann::json config = single_upstream_config({backend.port()});  // one worker
  config["servers"][0]["locations"].push_back(
      {{"path", "/metrics"}, {"match", "exact"}, {"serve", "metrics"}});
  Relay7Process relay(config);
  ASSERT_TRUE(wait_until_serving(relay, 1, 10s)) << relay.stderr_text();
  const uint16_t port = relay.port();
  // Idle keep-alive connections: "idle", or "parked" once relay7 has parked them.
  auto waiting = [&] {
    const auto idle = try_sample(port, "relay7_connections", {{"state", "idle"}});
    const auto parked = try_sample(port, "relay7_connections", {{"state", "parked"}});
    return idle && parked ? std::optional<double>(*idle + *parked) : std::nullopt;
  };
  std::vector<HttpConnection> idle(3);
  for (HttpConnection& connection : idle) {
    ASSERT_TRUE(connection.connect(port));
  }
  ASSERT_TRUE(eventually([&] { return waiting() == 3.0; }, 10s)) << waiting().value_or(-1);
  ASSERT_EQ(status_of(port, "/counted"), 200);

  const std::vector<pid_t> workers = relay.descendant_pids();
  ASSERT_EQ(workers.size(), 1u);
  ASSERT_EQ(::kill(workers.front(), SIGKILL), 0);
  ASSERT_TRUE(eventually(
      [&] {
        const auto pids = relay.descendant_pids();
        return pids.size() == 1 && pids.front() != workers.front();
      },
      10s));
  EXPECT_TRUE(eventually([&] { return waiting() == 0.0; }, 10s)) << waiting().value_or(-1);
  const Scrape after = scrape(port);
  EXPECT_EQ(after.at("relay7_workers", {}), 1);
  EXPECT_EQ(after.at("relay7_connections", {{"state", "active"}}), 1);  // the scrape itself
  // The dead worker's counts stay: at least the request it answered.
  EXPECT_GE(
      after.at("relay7_requests_total", {{"listen", loopback_address(port)}, {"code", "2xx"}}), 1);
}

// TLS handshakes by result and HTTP/2 streams by listen address, on a TLS block that offers h2;
// the page itself is served by a plain block on another address.
TEST(MetricsTlsAndHttp2Test, CountHandshakesAndStreams) {
  const TempDir dir("relay7-metrics-tls");
  const CertificateFiles pair = make_certificate(dir.path(), "site", {"localhost"});
  DemoBackend backend;
  uint16_t metrics_port = 0;
  Relay7Process relay([&](uint16_t port) {
    metrics_port = free_port();
    return nlohmann::json{
        {"workers", 1},
        {"upstreams", {{"app", {{"servers", {loopback_address(backend.port())}}}}}},
        {"servers",
         {{{"listen", {loopback_address(port)}},
           {"tls",
            {{"certificates", {{{"cert", pair.cert.string()}, {"key", pair.key.string()}}}}}},
           {"locations", {{{"path", "/"}, {"proxy_pass", "http://app"}}}}},
          {{"listen", {loopback_address(metrics_port)}},
           {"locations", {{{"path", "/metrics"}, {"serve", "metrics"}}}}}}}};
  });
  const std::string listen = loopback_address(relay.port());
  // The readiness probe connected without a handshake: whatever it counted (it may still be
  // counting) is below the baseline plus the failure this test makes.
  const auto failed_now = [&] {
    return try_sample(metrics_port, "relay7_tls_handshakes_total", {{"result", "failed"}});
  };
  std::optional<double> baseline;
  ASSERT_TRUE(eventually([&] { return (baseline = failed_now()).has_value(); }, 10s));

  ChildProcess nghttp({"/usr/bin/nghttp", "-n", "-m", "3", "https://" + listen + "/x"});
  const auto status = nghttp.wait_exit(30s);
  ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << nghttp.stderr_text();
  // A client that speaks no TLS at all.
  {
    HttpConnection garbage;
    ASSERT_TRUE(garbage.connect(relay.port()));
    ASSERT_TRUE(garbage.send_raw("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_FALSE(garbage.read_final_response()) << "a TLS address answers no plain HTTP";
  }
  EXPECT_TRUE(eventually([&] { return failed_now() >= *baseline + 1; }, 10s))
      << failed_now().value_or(-1) << " against " << *baseline;
  const Scrape page = scrape(metrics_port);
  EXPECT_EQ(page.at("relay7_tls_handshakes_total", {{"result", "ok"}}), 1);
  EXPECT_EQ(page.at("relay7_http2_streams_total", {{"listen", listen}}), 3);
  EXPECT_EQ(page.at("relay7_requests_total", {{"listen", listen}, {"code", "2xx"}}), 3);
}

}  // namespace
}  // namespace relay7::testing
