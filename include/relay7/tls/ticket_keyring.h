#pragma once

#include <openssl/ssl.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "relay7/memory/shared_mapping.h"

namespace relay7 {

// The keys that encrypt TLS session tickets, made by the master and kept in memory it shares
// with every worker of every generation, so a ticket issued by one worker resumes on any other
// and across reloads (nginx makes new keys per reload unless ticket key files are managed by
// hand). The master makes a new encrypting key every kRotation; a key that stopped encrypting
// still decrypts for kDecryptAfterRetired, so a ticket is refused only once it is that old.
//
// The master is the only writer (rotate). Workers read in OpenSSL's ticket callback through a
// sequence lock: they never wait on the master, and never see a half-written key.
class TicketKeyring {
 public:
  static constexpr std::chrono::hours kRotation{12};
  static constexpr std::chrono::hours kDecryptAfterRetired{24};
  // The encrypting key and the retired ones still decrypting: 12 h + 24 h of keys.
  static constexpr size_t kKeys = 3;

  static constexpr size_t kNameBytes = 16;
  static constexpr size_t kAesBytes = 32;   // AES-256-CBC
  static constexpr size_t kHmacBytes = 32;  // HMAC-SHA256
  struct Key {
    std::array<unsigned char, kNameBytes> name{};
    std::array<unsigned char, kAesBytes> aes{};
    std::array<unsigned char, kHmacBytes> hmac{};
  };

  // Maps the shared memory and makes the first key; nullptr with `error` when either fails.
  static std::unique_ptr<TicketKeyring> create(std::chrono::steady_clock::time_point now,
                                               std::string& error);
  ~TicketKeyring();
  TicketKeyring(const TicketKeyring&) = delete;
  TicketKeyring& operator=(const TicketKeyring&) = delete;

  // Master: a new encrypting key, due again kRotation later. False when no random bytes could
  // be had: the current key stays, and the next try is due a minute later.
  bool rotate(std::chrono::steady_clock::time_point now);
  std::chrono::steady_clock::time_point next_rotation() const { return rotated_at_ + kRotation; }

  // Makes `context` encrypt and decrypt its tickets with these keys. The keyring must outlive
  // every SSL made from the context: the master keeps it for its whole life.
  void attach(SSL_CTX* context) const;

  // The encrypting key (index 0) and the others still decrypting, as a worker reads them.
  struct Snapshot {
    std::array<Key, kKeys> keys{};
    size_t count = 0;
  };
  Snapshot read() const;

  struct Shared;  // the mapped layout, in the implementation

  // Only create() makes one: it owns `shared`, the mapping create() made.
  class ConstructionKey {
    friend class TicketKeyring;
    ConstructionKey() = default;
  };
  TicketKeyring(ConstructionKey, SharedMapping memory);

 private:
  SharedMapping memory_;
  Shared* shared_;                                      // laid out in memory_
  std::chrono::steady_clock::time_point rotated_at_{};  // the master's; workers do not rotate
};

}  // namespace relay7
