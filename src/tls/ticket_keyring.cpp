#include "relay7/tls/ticket_keyring.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstring>

namespace relay7 {
namespace {

constexpr size_t kKeyWords = sizeof(TicketKeyring::Key) / sizeof(uint64_t);
static_assert(sizeof(TicketKeyring::Key) % sizeof(uint64_t) == 0);

// A key stored as atomic words: a worker may read while the master writes, and the sequence
// lock tells it to read again; atomic words keep that race defined.
struct SharedKey {
  std::atomic<uint64_t> words[kKeyWords];
};

// Which context's ex_data slot holds the keyring pointer; one index for the process.
int keyring_index() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

}  // namespace

struct TicketKeyring::Shared {
  std::atomic<uint32_t> sequence;  // odd while the master writes
  std::atomic<uint32_t> newest;    // slot of the encrypting key
  std::atomic<uint32_t> count;     // keys made so far, at most kKeys
  SharedKey slots[kKeys];
};

static_assert(std::atomic<uint32_t>::is_always_lock_free &&
                  std::atomic<uint64_t>::is_always_lock_free,
              "the keyring is shared between processes: its atomics must not use locks");

namespace {

void store(SharedKey& slot, const TicketKeyring::Key& key) {
  uint64_t words[kKeyWords];
  std::memcpy(words, &key, sizeof key);
  for (size_t i = 0; i < kKeyWords; ++i) {
    slot.words[i].store(words[i], std::memory_order_relaxed);
  }
}

TicketKeyring::Key load(const SharedKey& slot) {
  uint64_t words[kKeyWords];
  for (size_t i = 0; i < kKeyWords; ++i) {
    words[i] = slot.words[i].load(std::memory_order_relaxed);
  }
  TicketKeyring::Key key;
  std::memcpy(&key, words, sizeof key);
  return key;
}

bool make_key(TicketKeyring::Key& key) {
  return RAND_bytes(key.name.data(), static_cast<int>(key.name.size())) == 1 &&
         RAND_bytes(key.aes.data(), static_cast<int>(key.aes.size())) == 1 &&
         RAND_bytes(key.hmac.data(), static_cast<int>(key.hmac.size())) == 1;
}

bool set_hmac_key(EVP_MAC_CTX* hmac, TicketKeyring::Key& key) {
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, key.hmac.data(), key.hmac.size()),
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end(),
  };
  return EVP_MAC_CTX_set_params(hmac, params) == 1;
}

// OpenSSL's ticket callback (SSL_CTX_set_tlsext_ticket_key_evp_cb). Encrypting: the newest key,
// a fresh IV. Decrypting: the key the ticket names; 2 asks OpenSSL to issue a new ticket under
// the newest key (a TLS 1.2 ticket under an older key, and every TLS 1.3 resumption), 0 (an
// unknown or expired key) makes it a full handshake.
int on_ticket(SSL* ssl, unsigned char* name, unsigned char* iv, EVP_CIPHER_CTX* cipher,
              EVP_MAC_CTX* hmac, int encrypt) noexcept {
  const auto* keyring =
      static_cast<const TicketKeyring*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), keyring_index()));
  if (keyring == nullptr) {
    return 0;
  }
  TicketKeyring::Snapshot snapshot = keyring->read();
  if (snapshot.count == 0) {
    return encrypt ? -1 : 0;
  }
  if (encrypt) {
    TicketKeyring::Key& key = snapshot.keys[0];
    const int iv_length = EVP_CIPHER_get_iv_length(EVP_aes_256_cbc());
    if (RAND_bytes(iv, iv_length) != 1 ||
        EVP_EncryptInit_ex(cipher, EVP_aes_256_cbc(), nullptr, key.aes.data(), iv) != 1 ||
        !set_hmac_key(hmac, key)) {
      return -1;
    }
    std::memcpy(name, key.name.data(), key.name.size());
    return 1;
  }
  for (size_t i = 0; i < snapshot.count; ++i) {
    TicketKeyring::Key& key = snapshot.keys[i];
    if (std::memcmp(name, key.name.data(), key.name.size()) != 0) {
      continue;
    }
    if (EVP_DecryptInit_ex(cipher, EVP_aes_256_cbc(), nullptr, key.aes.data(), iv) != 1 ||
        !set_hmac_key(hmac, key)) {
      return -1;
    }
    // TLS 1.3 clients use a ticket once (RFC 8446, appendix C.4): without a new one after
    // each resumption, a browser's next connection would be a full handshake.
    return i == 0 && SSL_version(ssl) != TLS1_3_VERSION ? 1 : 2;
  }
  return 0;
}

}  // namespace

std::unique_ptr<TicketKeyring> TicketKeyring::create(std::chrono::steady_clock::time_point now,
                                                     std::string& error) {
  std::optional<SharedMapping> memory =
      SharedMapping::create(sizeof(Shared), "the TLS ticket keys", error);
  if (!memory) {
    return nullptr;
  }
  auto keyring = std::make_unique<TicketKeyring>(ConstructionKey{}, std::move(*memory));
  if (!keyring->rotate(now)) {
    error = "no random bytes for the TLS ticket keys";
    return nullptr;
  }
  return keyring;
}

TicketKeyring::TicketKeyring(ConstructionKey, SharedMapping memory)
    : memory_(std::move(memory)), shared_(new (memory_.data()) Shared{}) {}

TicketKeyring::~TicketKeyring() {
  // Keys must not linger in memory a core dump or a later mapping could show.
  OPENSSL_cleanse(shared_, sizeof(Shared));
}

bool TicketKeyring::rotate(std::chrono::steady_clock::time_point now) {
  Key key;
  if (!make_key(key)) {
    rotated_at_ = now - kRotation + std::chrono::minutes(1);
    return false;
  }
  const uint32_t count = shared_->count.load(std::memory_order_relaxed);
  const uint32_t slot =
      count == 0 ? 0 : (shared_->newest.load(std::memory_order_relaxed) + 1) % kKeys;
  shared_->sequence.fetch_add(1, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);
  store(shared_->slots[slot], key);
  shared_->newest.store(slot, std::memory_order_relaxed);
  shared_->count.store(count < kKeys ? count + 1 : count, std::memory_order_relaxed);
  shared_->sequence.fetch_add(1, std::memory_order_release);
  OPENSSL_cleanse(&key, sizeof key);
  rotated_at_ = now;
  return true;
}

TicketKeyring::Snapshot TicketKeyring::read() const {
  Snapshot snapshot;
  while (true) {
    const uint32_t before = shared_->sequence.load(std::memory_order_acquire);
    if (before % 2 != 0) {
      continue;  // the master is between two stores: a few words, never a wait on it
    }
    const uint32_t newest = shared_->newest.load(std::memory_order_relaxed);
    const uint32_t count = shared_->count.load(std::memory_order_relaxed);
    snapshot.count = count < kKeys ? count : kKeys;
    for (size_t i = 0; i < snapshot.count; ++i) {
      snapshot.keys[i] = load(shared_->slots[(newest + kKeys - i) % kKeys]);
    }
    std::atomic_thread_fence(std::memory_order_acquire);
    if (shared_->sequence.load(std::memory_order_relaxed) == before) {
      return snapshot;
    }
  }
}

void TicketKeyring::attach(SSL_CTX* context) const {
  SSL_CTX_set_ex_data(context, keyring_index(), const_cast<TicketKeyring*>(this));
  SSL_CTX_set_tlsext_ticket_key_evp_cb(context, on_ticket);
}

}  // namespace relay7
