#pragma once

#include <cstddef>
#include <string_view>

#include "relay7/transport/io_buffer.h"

namespace relay7 {

// The request as sent to a backend so far (its head, then its body as framed), kept to replay it
// on another connection or server after a failure. A body that outgrows kMaxBytes is no longer
// kept: such a request cannot be retried once part of its body is gone.
class ReplayBuffer {
 public:
  static constexpr size_t kMaxBytes = 64 * 1024;

  explicit ReplayBuffer(BlockPool& blocks) : bytes_(blocks) {}

  // The buffer to write the serialised head into (emptied first); always kept, whatever its
  // size. head_written() once it is complete.
  IoBuffer& start_head();
  void head_written();
  void append_body(std::string_view bytes);
  bool complete() const { return complete_; }
  // Everything sent so far, for the next attempt; valid while complete().
  const IoBuffer& bytes() const { return bytes_; }
  // The request is over: its blocks go back to the pool (an idle connection holds none).
  void release() { bytes_.clear(); }

 private:
  IoBuffer bytes_;
  size_t head_size_ = 0;
  bool complete_ = true;
};

}  // namespace relay7
