#include "relay7/upstream/round_robin.h"

namespace relay7 {

SmoothWeightedRoundRobin::SmoothWeightedRoundRobin(const std::vector<uint32_t>& weights)
    : weights_(weights.begin(), weights.end()), current_(weights.size(), 0) {
  for (int64_t weight : weights_) {
    total_ += weight;
  }
}

size_t SmoothWeightedRoundRobin::pick(const BalanceRequest&) {
  size_t best = 0;
  for (size_t i = 0; i < weights_.size(); ++i) {
    current_[i] += weights_[i];
    if (current_[i] > current_[best]) {
      best = i;
    }
  }
  current_[best] -= total_;
  return best;
}

}  // namespace relay7
