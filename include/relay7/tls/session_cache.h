#pragma once

#include <openssl/ssl.h>

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <memory>
#include <span>
#include <string>

#include "relay7/memory/shared_mapping.h"

namespace relay7 {

// TLS 1.2 sessions resumed by session ID (clients that do not take tickets), kept in memory the
// master maps once and every worker of every generation shares: a session made by one worker
// resumes on the others and after a reload, as nginx's "ssl_session_cache shared:" does.
//
// Best effort, and never a wait: a session ID picks one slot (a newer session overwrites an
// older one there); a worker that finds the slot being written skips storing, and a reader that
// keeps seeing it change counts a miss. Slots are sequence-locked atomic words, so processes
// need no lock between them. TLS 1.3 sessions are not stored: they resume by ticket
// (TicketKeyring).
class SharedSessionCache {
 public:
  static constexpr size_t kSlots = 8192;
  // A server session without a client certificate serializes to about 150-250 bytes; a larger
  // one is not stored.
  static constexpr size_t kMaxSessionBytes = 456;

  // Maps the shared memory (its pages are touched only as sessions arrive); nullptr with
  // `error` when the mapping fails.
  static std::unique_ptr<SharedSessionCache> create(std::string& error);
  ~SharedSessionCache();
  SharedSessionCache(const SharedSessionCache&) = delete;
  SharedSessionCache& operator=(const SharedSessionCache&) = delete;

  // Makes `context` store its TLS 1.2 server sessions here and look them up here instead of in
  // its own per-process cache. The cache must outlive every SSL made from the context.
  void attach(SSL_CTX* context) const;

  // The slot operations the OpenSSL callbacks use. `id` is a session ID (at most 32 bytes),
  // `session` a serialized SSL_SESSION (i2d_SSL_SESSION), `expires` a time(2) value.
  bool store(std::span<const unsigned char> id, std::span<const unsigned char> session,
             std::time_t expires) const;
  // The session stored under `id` and not expired at `now`, copied into `out`: its length,
  // or 0 when there is none.
  size_t find(std::span<const unsigned char> id, std::time_t now,
              std::span<unsigned char, kMaxSessionBytes> out) const;
  void remove(std::span<const unsigned char> id) const;

  struct Slot;  // the mapped layout, in the implementation
  class ConstructionKey {
    friend class SharedSessionCache;
    ConstructionKey() = default;
  };
  SharedSessionCache(ConstructionKey, SharedMapping memory);

 private:
  Slot& slot_for(std::span<const unsigned char> id) const;

  SharedMapping memory_;
  Slot* slots_;  // kSlots of them, in memory_
};

}  // namespace relay7
