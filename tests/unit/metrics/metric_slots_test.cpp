#include "relay7/metrics/metric_slots.h"

#include <gtest/gtest.h>

#include <set>

#include "relay7/config/loader.h"
#include "relay7/metrics/metrics_recorder.h"

namespace relay7 {
namespace {

std::shared_ptr<const Config> load(const std::string& text) {
  ConfigLoadResult loaded = parse_config_text(text, "test.json");
  EXPECT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors.front());
  return loaded.config ? std::make_shared<const Config>(std::move(*loaded.config)) : nullptr;
}

const char* kTwoUpstreams = R"({
  "upstreams": {"app": {"servers": ["127.0.0.1:2222", "127.0.0.1:3333"]},
                "other": {"servers": ["127.0.0.1:4444"]}},
  "servers": [{"listen": ["8080", "127.0.0.1:9145"], "locations": [
    {"path": "/", "proxy_pass": "http://app"},
    {"path": "/other", "proxy_pass": "http://other"}]}]
})";

const char* kOneUpstream = R"({
  "upstreams": {"app": {"servers": ["127.0.0.1:3333"]}},
  "servers": [{"listen": ["127.0.0.1:9145"], "locations": [{"path": "/", "proxy_pass": "http://app"}]}]
})";

std::unique_ptr<MetricRegistry> registry(size_t slots = MetricRegistry::kDefaultSlots) {
  std::string error;
  auto made = MetricRegistry::create(4, slots, error);
  EXPECT_TRUE(made) << error;
  return made;
}

TEST(MetricSlotsTest, ListenLabelsAreAsWritten) {
  const auto config = load(kTwoUpstreams);
  const RouteTable routes(*config);
  EXPECT_EQ(listen_labels(*config, routes), (std::vector<std::string>{"8080", "127.0.0.1:9145"}));
}

TEST(MetricSlotsTest, EverySeriesHasItsOwnSlot) {
  const auto config = load(kTwoUpstreams);
  auto metrics = registry();
  const auto slots = metrics->assign(*config, RouteTable(*config));
  std::set<uint32_t> seen;
  size_t series = 0;
  auto take = [&](uint32_t slot, uint32_t width = 1) {
    for (uint32_t i = 0; i < width; ++i) {
      EXPECT_TRUE(seen.insert(slot + i).second) << slot + i;
      EXPECT_GE(slot + i, kFirstNamedSlot);
      ++series;
    }
  };
  for (const ListenMetricSlots& listen : slots->listeners) {
    for (uint32_t slot : listen.requests)
      take(slot);
    take(listen.http2_streams);
  }
  for (const UpstreamMetricSlots& upstream : slots->upstreams) {
    take(upstream.retries);
    for (const ServerMetricSlots& server : upstream.servers) {
      for (uint32_t slot : server.responses)
        take(slot);
      for (uint32_t slot : server.failures)
        take(slot);
      take(server.latency, kHistogramSlots);
      take(server.in_flight);
    }
  }
  EXPECT_EQ(metrics->free_slots(), metrics->table().slots() - kFirstNamedSlot - series);
}

TEST(MetricSlotsTest, ASeriesKeepsItsSlotAcrossConfigs) {
  const auto first = load(kTwoUpstreams);
  const auto second = load(kOneUpstream);
  auto metrics = registry();
  const auto before = metrics->assign(*first, RouteTable(*first));
  const auto after = metrics->assign(*second, RouteTable(*second));
  // app's 127.0.0.1:3333 and the 127.0.0.1:9145 listener are in both.
  EXPECT_EQ(after->upstreams[0].servers[0].responses, before->upstreams[0].servers[1].responses);
  EXPECT_EQ(after->upstreams[0].servers[0].latency, before->upstreams[0].servers[1].latency);
  EXPECT_EQ(after->listeners[0].requests, before->listeners[1].requests);
  EXPECT_EQ(after->upstreams[0].retries, before->upstreams[0].retries);
}

TEST(MetricSlotsTest, AFullTableCountsNewSeriesNowhere) {
  const auto config = load(kTwoUpstreams);
  auto metrics = registry(kFirstNamedSlot + 8);
  const auto slots = metrics->assign(*config, RouteTable(*config));
  EXPECT_NE(slots->listeners[0].requests[0], kOverflowSlot);
  EXPECT_EQ(slots->upstreams[1].servers[0].latency, kOverflowSlot);
}

TEST(MetricSlotsTest, StripesAddUpAndADeadWorkersGaugesGo) {
  const auto config = load(kTwoUpstreams);
  const RouteTable routes(*config);
  auto metrics = registry();
  const auto slots = metrics->assign(*config, routes);
  MetricsRecorder first(MetricsHandle{&metrics->table(), slots, 0}, *config, routes);
  MetricsRecorder second(MetricsHandle{&metrics->table(), slots, 3}, *config, routes);
  first.count_request(0, 200);
  second.count_request(0, 204);
  second.count_request(0, 503);
  first.attempt_started(0, 1);
  second.attempt_started(0, 1);
  second.attempt_started(0, 1);
  second.attempt_ended(0, 1);
  const MetricTable& table = metrics->table();
  EXPECT_EQ(table.sum(slots->listeners[0].requests[1]), 2u);
  EXPECT_EQ(table.sum(slots->listeners[0].requests[4]), 1u);
  EXPECT_EQ(static_cast<int64_t>(table.sum(slots->upstreams[0].servers[1].in_flight)), 2);
  metrics->release_column(3);
  EXPECT_EQ(static_cast<int64_t>(table.sum(slots->upstreams[0].servers[1].in_flight)), 1);
  // Counters stay.
  EXPECT_EQ(table.sum(slots->listeners[0].requests[1]), 2u);
}

TEST(MetricSlotsTest, StatusClasses) {
  EXPECT_EQ(MetricsRecorder::status_class(101), 0u);
  EXPECT_EQ(MetricsRecorder::status_class(299), 1u);
  EXPECT_EQ(MetricsRecorder::status_class(404), 3u);
  EXPECT_EQ(MetricsRecorder::status_class(599), 4u);
  EXPECT_EQ(MetricsRecorder::status_class(0), 0u);
  EXPECT_EQ(MetricsRecorder::status_class(999), 4u);
}

TEST(MetricTableTest, ReloadFactsReadBackWhole) {
  auto metrics = registry();
  EXPECT_FALSE(metrics->table().read_reload());
  const std::string long_message(600, 'x');
  metrics->table().publish_reload(ReloadFacts{false, 1234, "servers[0]: bad\n" + long_message});
  const auto facts = metrics->table().read_reload();
  ASSERT_TRUE(facts);
  EXPECT_FALSE(facts->ok);
  EXPECT_EQ(facts->unix_ms, 1234);
  EXPECT_EQ(facts->message.size(), MasterFacts::kMessageBytes);
  EXPECT_TRUE(facts->message.starts_with("servers[0]: bad\nxxx"));
}

}  // namespace
}  // namespace relay7
