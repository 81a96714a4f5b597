#include "relay7/pipeline/replay_buffer.h"

namespace relay7 {

IoBuffer& ReplayBuffer::start_head() {
  bytes_.clear();
  complete_ = true;
  return bytes_;
}

void ReplayBuffer::head_written() {
  head_size_ = bytes_.size();
}

void ReplayBuffer::append_body(std::string_view bytes) {
  if (!complete_) {
    return;
  }
  if (bytes_.size() - head_size_ + bytes.size() > kMaxBytes) {
    complete_ = false;
    bytes_.clear();
    return;
  }
  bytes_.append(bytes);
}

}  // namespace relay7
