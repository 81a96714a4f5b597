#include "relay7/metrics/metrics_recorder.h"

#include <stdexcept>

namespace relay7 {

MetricsRecorder::MetricsRecorder(const MetricsHandle& handle, const Config& config,
                                 const RouteTable& routes) {
  if (handle.table != nullptr && handle.slots && handle.column >= 0) {
    table_ = *handle.table;
    slots_ = handle.slots;
    stripe_ = table_.stripe(static_cast<size_t>(handle.column));
    return;
  }
  std::string error;
  own_ = MetricRegistry::create(1, MetricRegistry::kDefaultSlots, error);
  if (!own_) {
    throw std::runtime_error(error);
  }
  table_ = own_->table();
  slots_ = own_->assign(config, routes);
  stripe_ = table_.stripe(0);
}

}  // namespace relay7
