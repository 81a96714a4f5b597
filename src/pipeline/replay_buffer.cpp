#include "relay7/pipeline/replay_buffer.h"

namespace relay7 {

void ReplayBuffer::set_head(std::string_view head) {
  bytes_.clear();
  bytes_.append(head);
  head_size_ = head.size();
  complete_ = true;
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
