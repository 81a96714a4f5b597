#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "relay7/config/config.h"
#include "relay7/memory/shared_mapping.h"
#include "relay7/metrics/metric_table.h"
#include "relay7/routing/route_table.h"

namespace relay7 {

inline constexpr size_t kStatusClasses = 5;  // "1xx".."5xx"

// Why an upstream attempt failed, as relay7_upstream_failures_total's "reason".
enum class UpstreamFailureReason { connect, timeout, reset, invalid_response, status };
inline constexpr const char* kFailureReasonNames[] = {"connect", "timeout", "reset",
                                                      "invalid_response", "status"};
inline constexpr size_t kFailureReasons = std::size(kFailureReasonNames);

enum class ConnectionState : uint8_t { active, idle, parked, tunnel };
inline constexpr const char* kConnectionStateNames[] = {"active", "idle", "parked", "tunnel"};

enum class TlsHandshakeResult { ok, failed };
inline constexpr const char* kTlsHandshakeResultNames[] = {"ok", "failed"};

// Slots with a fixed place in every table. Slot 0 takes what a full table has no room for and is
// never shown.
inline constexpr uint32_t kOverflowSlot = 0;
inline constexpr uint32_t kConnectionSlots = 1;  // + ConnectionState, gauges
inline constexpr uint32_t kTlsHandshakeSlots = kConnectionSlots + std::size(kConnectionStateNames);
inline constexpr uint32_t kFirstNamedSlot =
    kTlsHandshakeSlots + std::size(kTlsHandshakeResultNames);

struct ServerMetricSlots {
  std::string label;  // the address as written
  std::array<uint32_t, kStatusClasses> responses{};
  std::array<uint32_t, kFailureReasons> failures{};
  uint32_t latency = kOverflowSlot;    // the first of kHistogramSlots
  uint32_t in_flight = kOverflowSlot;  // a gauge
};

struct UpstreamMetricSlots {
  std::string name;
  uint32_t retries = kOverflowSlot;
  std::vector<ServerMetricSlots> servers;  // as UpstreamConfig::servers
};

struct ListenMetricSlots {
  std::string label;  // the listen address as first written in the config
  std::array<uint32_t, kStatusClasses> requests{};
  uint32_t http2_streams = kOverflowSlot;
};

// Where one config's series are counted: resolved once when the config is loaded, so a request
// only indexes arrays.
struct MetricSlots {
  std::vector<ListenMetricSlots> listeners;    // as RouteTable::listeners()
  std::vector<UpstreamMetricSlots> upstreams;  // as Config::upstreams
};

// The master's side: maps the table once and gives every series (family and labels) a slot,
// which it keeps for the life of the instance, so a counter carries on across reloads as long as
// its labels stay. The table does not grow: a series beyond it is counted nowhere, with a warning.
class MetricRegistry {
 public:
  static constexpr size_t kDefaultSlots = 16384;

  // nullptr with `error` set when the memory cannot be mapped.
  static std::unique_ptr<MetricRegistry> create(size_t columns, size_t slots, std::string& error);
  MetricRegistry(SharedMapping memory, size_t columns, size_t slots);

  MetricTable& table() { return table_; }
  std::shared_ptr<const MetricSlots> assign(const Config& config, const RouteTable& routes);
  // The process owning `column` has exited: its gauges no longer hold (its counters stay).
  void release_column(size_t column);
  size_t free_slots() const { return table_.slots() - next_; }

 private:
  uint32_t slot_for(const std::string& key, uint32_t width, bool gauge = false);

  SharedMapping memory_;
  MetricTable table_;
  std::map<std::string, uint32_t> names_;
  std::vector<uint32_t> gauges_;
  uint32_t next_ = kFirstNamedSlot;
  bool warned_full_ = false;
};

// Every text the "listen" label takes, by RouteTable listener.
std::vector<std::string> listen_labels(const Config& config, const RouteTable& routes);

}  // namespace relay7
