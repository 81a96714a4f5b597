#pragma once

#include "relay7/metrics/metrics_recorder.h"

namespace relay7 {

// A client connection's place in relay7_connections{state}: counted in its state from
// construction to destruction, so every way a connection ends takes it out again.
class ConnectionGauge {
 public:
  ConnectionGauge(MetricsRecorder& metrics, ConnectionState state)
      : metrics_(metrics), state_(state) {
    metrics_.connection_entered(state_);
  }
  ~ConnectionGauge() { metrics_.connection_left(state_); }
  ConnectionGauge(const ConnectionGauge&) = delete;
  ConnectionGauge& operator=(const ConnectionGauge&) = delete;

  void set(ConnectionState state) {
    if (state != state_) {
      metrics_.connection_left(state_);
      metrics_.connection_entered(state);
      state_ = state;
    }
  }

 private:
  MetricsRecorder& metrics_;
  ConnectionState state_;
};

}  // namespace relay7
