#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace relay7 {

// Fixed-size blocks for IoBuffers, recycled per worker: once a worker has warmed up, reading,
// parsing and relaying a request takes its memory from here instead of from malloc. Keeps at
// most `max_free` blocks (1 MiB by default: four connections' worth of bulk transfer) for reuse
// and frees the rest, so a burst does not pin its peak for ever.
class BlockPool {
 public:
  static constexpr size_t kBlockSize = 16 * 1024;
  static constexpr size_t kDefaultMaxFree = 64;
  using Block = std::unique_ptr<char[]>;

  explicit BlockPool(size_t max_free = kDefaultMaxFree) : max_free_(max_free) {}
  BlockPool(const BlockPool&) = delete;
  BlockPool& operator=(const BlockPool&) = delete;

  Block take();
  void give_back(Block block);
  size_t free_count() const { return free_.size(); }
  // Frees all but `keep` of the blocks kept for reuse: when connections go idle, what only busy
  // ones need goes back to malloc.
  void release_free(size_t keep);

 private:
  std::vector<Block> free_;
  size_t max_free_;
};

// Bytes on their way through relay7: what was read from a socket and not yet parsed or passed on,
// or what is queued for a socket. A chain of pool blocks, filled at the end (append, or reserve
// and commit around a readv) and drained from the front (gather for a writev, front() for a
// parser, consume). An empty buffer holds no block, so an idle connection costs none.
//
// Views returned by front() and the iovecs of gather() and reserve() borrow the buffer's blocks:
// they are valid until the buffer is next changed.
class IoBuffer {
 public:
  explicit IoBuffer(BlockPool& pool) : pool_(&pool) {}
  ~IoBuffer() { clear(); }
  IoBuffer(IoBuffer&& other) noexcept;
  IoBuffer& operator=(IoBuffer&& other) noexcept;
  IoBuffer(const IoBuffer&) = delete;
  IoBuffer& operator=(const IoBuffer&) = delete;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  void append(std::string_view bytes);
  // "NAME: VALUE\r\n", the line of an HTTP/1 head, in one step when the last block has room.
  void append_field(std::string_view name, std::string_view value);
  // Room for up to `max` bytes at the end, as at most `max_vectors` iovecs (the last block's free
  // space, then fresh blocks); returns how many. commit() the bytes actually read into them:
  // the fresh blocks left unused go back to the pool.
  size_t reserve(size_t max, iovec* out, size_t max_vectors);
  void commit(size_t length);

  // The first contiguous run of bytes (empty when the buffer is).
  std::string_view front() const;
  // Up to `max` iovecs over the bytes from the front; returns how many were filled.
  size_t gather(iovec* out, size_t max) const;
  void consume(size_t length);
  // Moves the first `length` bytes to the end of `to`: whole blocks change hands without a copy,
  // a partial one is copied.
  void move_to(IoBuffer& to, size_t length);
  // Copies the first `length` bytes to the end of `to`, leaving them here.
  void copy_to(IoBuffer& to, size_t length) const;
  void clear();

 private:
  struct Segment {
    BlockPool::Block block;
    uint32_t begin = 0;  // first byte not yet consumed
    uint32_t end = 0;    // one past the last byte written
  };

  size_t tail_room() const;
  void add_block();
  void drop_front();

  BlockPool* pool_;
  std::vector<Segment> segments_;
  std::vector<BlockPool::Block> spares_;  // the fresh blocks of the last reserve(), until commit()
  size_t size_ = 0;
};

}  // namespace relay7
