#include "relay7/transport/io_buffer.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace relay7 {

BlockPool::Block BlockPool::take() {
  if (free_.empty()) {
    return std::make_unique_for_overwrite<char[]>(kBlockSize);
  }
  Block block = std::move(free_.back());
  free_.pop_back();
  return block;
}

void BlockPool::give_back(Block block) {
  if (block && free_.size() < max_free_) {
    free_.push_back(std::move(block));
  }
}

void BlockPool::release_free(size_t keep) {
  if (free_.size() > keep) {
    free_.resize(keep);
    free_.shrink_to_fit();
  }
}

IoBuffer::IoBuffer(IoBuffer&& other) noexcept
    : pool_(other.pool_),
      segments_(std::move(other.segments_)),
      spares_(std::move(other.spares_)),
      size_(std::exchange(other.size_, 0)) {
  other.segments_.clear();
}

IoBuffer& IoBuffer::operator=(IoBuffer&& other) noexcept {
  if (this != &other) {
    clear();
    pool_ = other.pool_;
    segments_ = std::move(other.segments_);
    other.segments_.clear();
    spares_ = std::move(other.spares_);
    other.spares_.clear();
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

size_t IoBuffer::tail_room() const {
  return segments_.empty() ? 0 : BlockPool::kBlockSize - segments_.back().end;
}

void IoBuffer::add_block() {
  segments_.push_back(Segment{pool_->take(), 0, 0});
}

void IoBuffer::drop_front() {
  pool_->give_back(std::move(segments_.front().block));
  segments_.erase(segments_.begin());
}

void IoBuffer::append(std::string_view bytes) {
  while (!bytes.empty()) {
    if (tail_room() == 0) {
      add_block();
    }
    Segment& tail = segments_.back();
    const size_t count = std::min(bytes.size(), BlockPool::kBlockSize - tail.end);
    std::memcpy(tail.block.get() + tail.end, bytes.data(), count);
    tail.end += static_cast<uint32_t>(count);
    size_ += count;
    bytes.remove_prefix(count);
  }
}

void IoBuffer::append_field(std::string_view name, std::string_view value) {
  const size_t length = name.size() + value.size() + 4;
  if (tail_room() < length) {
    append(name);
    append(": ");
    append(value);
    append("\r\n");
    return;
  }
  Segment& tail = segments_.back();
  char* out = tail.block.get() + tail.end;
  std::memcpy(out, name.data(), name.size());
  out += name.size();
  *out++ = ':';
  *out++ = ' ';
  std::memcpy(out, value.data(), value.size());
  out += value.size();
  *out++ = '\r';
  *out = '\n';
  tail.end += static_cast<uint32_t>(length);
  size_ += length;
}

size_t IoBuffer::reserve(size_t max, iovec* out, size_t max_vectors) {
  size_t count = 0;
  const size_t room = std::min(tail_room(), max);
  if (room > 0 && max_vectors > 0) {
    Segment& tail = segments_.back();
    out[count++] = iovec{tail.block.get() + tail.end, room};
    max -= room;
  }
  size_t used_spares = 0;
  while (max > 0 && count < max_vectors) {
    if (used_spares == spares_.size()) {
      spares_.push_back(pool_->take());
    }
    const size_t length = std::min(max, BlockPool::kBlockSize);
    out[count++] = iovec{spares_[used_spares++].get(), length};
    max -= length;
  }
  return count;
}

void IoBuffer::commit(size_t length) {
  size_ += length;
  if (!segments_.empty()) {
    Segment& tail = segments_.back();
    const size_t into_tail = std::min(length, BlockPool::kBlockSize - tail.end);
    tail.end += static_cast<uint32_t>(into_tail);
    length -= into_tail;
  }
  for (BlockPool::Block& spare : spares_) {
    if (length == 0) {
      pool_->give_back(std::move(spare));
      continue;
    }
    const size_t filled = std::min(length, BlockPool::kBlockSize);
    segments_.push_back(Segment{std::move(spare), 0, static_cast<uint32_t>(filled)});
    length -= filled;
  }
  spares_.clear();
}

std::string_view IoBuffer::front() const {
  if (segments_.empty()) {
    return {};
  }
  const Segment& first = segments_.front();
  return {first.block.get() + first.begin, static_cast<size_t>(first.end - first.begin)};
}

size_t IoBuffer::gather(iovec* out, size_t max) const {
  size_t count = 0;
  for (const Segment& segment : segments_) {
    if (count == max) {
      break;
    }
    if (segment.end > segment.begin) {
      out[count++] = iovec{segment.block.get() + segment.begin,
                           static_cast<size_t>(segment.end - segment.begin)};
    }
  }
  return count;
}

void IoBuffer::consume(size_t length) {
  length = std::min(length, size_);
  size_ -= length;
  while (length > 0) {
    Segment& first = segments_.front();
    const size_t available = first.end - first.begin;
    if (length < available) {
      first.begin += static_cast<uint32_t>(length);
      return;
    }
    length -= available;
    drop_front();
  }
  // A block whose bytes were all consumed is returned even when nothing more is asked: an empty
  // buffer holds no block.
  while (!segments_.empty() && segments_.front().begin == segments_.front().end &&
         (segments_.size() > 1 || size_ == 0)) {
    drop_front();
  }
}

void IoBuffer::move_to(IoBuffer& to, size_t length) {
  length = std::min(length, size_);
  while (length > 0) {
    Segment& first = segments_.front();
    const size_t available = first.end - first.begin;
    if (length < available || to.pool_ != pool_) {
      const size_t count = std::min(length, available);
      to.append({first.block.get() + first.begin, count});
      consume(count);
      length -= count;
      continue;
    }
    // The whole block changes hands; `to` may append into its free space from now on.
    size_ -= available;
    to.size_ += available;
    length -= available;
    to.segments_.push_back(std::move(first));
    segments_.erase(segments_.begin());
  }
}

void IoBuffer::copy_to(IoBuffer& to, size_t length) const {
  for (const Segment& segment : segments_) {
    if (length == 0) {
      return;
    }
    const size_t count = std::min<size_t>(length, segment.end - segment.begin);
    to.append({segment.block.get() + segment.begin, count});
    length -= count;
  }
}

void IoBuffer::clear() {
  for (Segment& segment : segments_) {
    pool_->give_back(std::move(segment.block));
  }
  segments_.clear();
  for (BlockPool::Block& spare : spares_) {
    pool_->give_back(std::move(spare));
  }
  spares_.clear();
  size_ = 0;
}

}  // namespace relay7
