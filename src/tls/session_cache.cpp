#include "relay7/tls/session_cache.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <optional>

namespace relay7 {
namespace {

constexpr size_t kMaxIdBytes = SSL_MAX_SSL_SESSION_ID_LENGTH;  // 32

// One slot's contents as plain bytes: copied out of (and into) the shared atomic words whole.
struct Entry {
  int64_t expires = 0;
  uint16_t session_length = 0;  // 0: empty
  uint8_t id_length = 0;
  uint8_t unused[5] = {};
  unsigned char id[kMaxIdBytes] = {};
  unsigned char session[SharedSessionCache::kMaxSessionBytes] = {};
};
static_assert(sizeof(Entry) % sizeof(uint64_t) == 0);
constexpr size_t kEntryWords = sizeof(Entry) / sizeof(uint64_t);

// How often a reader tries again when a writer changes the slot under it.
constexpr int kReadAttempts = 3;

int cache_index() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

const SharedSessionCache* cache_of(SSL_CTX* context) {
  return static_cast<const SharedSessionCache*>(SSL_CTX_get_ex_data(context, cache_index()));
}

std::span<const unsigned char> id_of(const SSL_SESSION* session) {
  unsigned int length = 0;
  const unsigned char* id = SSL_SESSION_get_id(session, &length);
  return {id, length};
}

// OpenSSL's "new session" callback: returns 0, so OpenSSL keeps its reference.
int on_new_session(SSL* ssl, SSL_SESSION* session) noexcept {
  const SharedSessionCache* cache = cache_of(SSL_get_SSL_CTX(ssl));
  if (cache == nullptr || SSL_version(ssl) != TLS1_2_VERSION) {
    return 0;
  }
  unsigned char bytes[SharedSessionCache::kMaxSessionBytes];
  const int length = i2d_SSL_SESSION(session, nullptr);
  if (length <= 0 || static_cast<size_t>(length) > sizeof bytes) {
    return 0;
  }
  unsigned char* out = bytes;
  if (i2d_SSL_SESSION(session, &out) != length) {
    return 0;
  }
  const std::time_t expires = SSL_SESSION_get_time(session) + SSL_SESSION_get_timeout(session);
  cache->store(id_of(session), {bytes, static_cast<size_t>(length)}, expires);
  OPENSSL_cleanse(bytes, sizeof bytes);  // it holds the session's master secret
  return 0;
}

SSL_SESSION* on_get_session(SSL* ssl, const unsigned char* id, int length, int* copy) noexcept {
  *copy = 0;  // the session returned is OpenSSL's to free
  const SharedSessionCache* cache = cache_of(SSL_get_SSL_CTX(ssl));
  if (cache == nullptr || length <= 0) {
    return nullptr;
  }
  unsigned char bytes[SharedSessionCache::kMaxSessionBytes];
  const size_t found = cache->find({id, static_cast<size_t>(length)}, std::time(nullptr), bytes);
  if (found == 0) {
    return nullptr;
  }
  const unsigned char* in = bytes;
  SSL_SESSION* session = d2i_SSL_SESSION(nullptr, &in, static_cast<long>(found));
  OPENSSL_cleanse(bytes, found);
  return session;
}

void on_remove_session(SSL_CTX* context, SSL_SESSION* session) noexcept {
  if (const SharedSessionCache* cache = cache_of(context)) {
    cache->remove(id_of(session));
  }
}

}  // namespace

struct SharedSessionCache::Slot {
  std::atomic<uint32_t> sequence;  // odd while a writer stores
  std::atomic<uint32_t> writing;   // 1 while a writer holds the slot
  std::atomic<uint64_t> words[kEntryWords];
};

static_assert(std::atomic<uint64_t>::is_always_lock_free &&
                  std::atomic<uint32_t>::is_always_lock_free,
              "the cache is shared between processes: its atomics must not use locks");

namespace {

constexpr size_t kMappingBytes = sizeof(SharedSessionCache::Slot) * SharedSessionCache::kSlots;

void write_entry(SharedSessionCache::Slot& slot, const Entry& entry) {
  uint64_t words[kEntryWords];
  std::memcpy(words, &entry, sizeof entry);
  slot.sequence.fetch_add(1, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);
  for (size_t i = 0; i < kEntryWords; ++i) {
    slot.words[i].store(words[i], std::memory_order_relaxed);
  }
  slot.sequence.fetch_add(1, std::memory_order_release);
  OPENSSL_cleanse(words, sizeof words);
}

// A consistent copy of the slot, or nullopt when writers kept changing it.
std::optional<Entry> read_entry(const SharedSessionCache::Slot& slot) {
  for (int attempt = 0; attempt < kReadAttempts; ++attempt) {
    const uint32_t before = slot.sequence.load(std::memory_order_acquire);
    if (before % 2 != 0) {
      continue;
    }
    uint64_t words[kEntryWords];
    for (size_t i = 0; i < kEntryWords; ++i) {
      words[i] = slot.words[i].load(std::memory_order_relaxed);
    }
    std::atomic_thread_fence(std::memory_order_acquire);
    if (slot.sequence.load(std::memory_order_relaxed) == before) {
      Entry entry;
      std::memcpy(&entry, words, sizeof entry);
      OPENSSL_cleanse(words, sizeof words);
      return entry;
    }
  }
  return std::nullopt;
}

bool same_id(const Entry& entry, std::span<const unsigned char> id) {
  return entry.id_length == id.size() && std::memcmp(entry.id, id.data(), id.size()) == 0;
}

// Runs `write` holding the slot, or skips it when another process holds it: no one waits.
template <class Write>
bool with_slot(SharedSessionCache::Slot& slot, Write write) {
  uint32_t free = 0;
  if (!slot.writing.compare_exchange_strong(free, 1, std::memory_order_acquire)) {
    return false;
  }
  write();
  slot.writing.store(0, std::memory_order_release);
  return true;
}

}  // namespace

std::unique_ptr<SharedSessionCache> SharedSessionCache::create(std::string& error) {
  std::optional<SharedMapping> memory =
      SharedMapping::create(kMappingBytes, "the TLS session cache", error);
  if (!memory) {
    return nullptr;
  }
  return std::make_unique<SharedSessionCache>(ConstructionKey{}, std::move(*memory));
}

// A fresh mapping reads as zeros: every slot is empty, sequence 0, not held.
SharedSessionCache::SharedSessionCache(ConstructionKey, SharedMapping memory)
    : memory_(std::move(memory)), slots_(static_cast<Slot*>(memory_.data())) {}

SharedSessionCache::~SharedSessionCache() {
  OPENSSL_cleanse(slots_, kMappingBytes);  // master secrets must not outlive the cache
}

SharedSessionCache::Slot& SharedSessionCache::slot_for(std::span<const unsigned char> id) const {
  // Session IDs are random: their first bytes spread over the slots as well as any hash would.
  uint64_t key = 0;
  std::memcpy(&key, id.data(), std::min(id.size(), sizeof key));
  return slots_[key % kSlots];
}

bool SharedSessionCache::store(std::span<const unsigned char> id,
                               std::span<const unsigned char> session, std::time_t expires) const {
  if (id.empty() || id.size() > kMaxIdBytes || session.empty() ||
      session.size() > kMaxSessionBytes) {
    return false;
  }
  Entry entry;
  entry.expires = expires;
  entry.session_length = static_cast<uint16_t>(session.size());
  entry.id_length = static_cast<uint8_t>(id.size());
  std::memcpy(entry.id, id.data(), id.size());
  std::memcpy(entry.session, session.data(), session.size());
  Slot& slot = slot_for(id);
  const bool stored = with_slot(slot, [&] { write_entry(slot, entry); });
  OPENSSL_cleanse(&entry, sizeof entry);
  return stored;
}

size_t SharedSessionCache::find(std::span<const unsigned char> id, std::time_t now,
                                std::span<unsigned char, kMaxSessionBytes> out) const {
  if (id.empty() || id.size() > kMaxIdBytes) {
    return 0;
  }
  std::optional<Entry> entry = read_entry(slot_for(id));
  size_t length = 0;
  if (entry && entry->session_length <= kMaxSessionBytes && same_id(*entry, id) &&
      entry->expires > now) {
    length = entry->session_length;
    std::memcpy(out.data(), entry->session, length);
  }
  if (entry) {
    OPENSSL_cleanse(&*entry, sizeof *entry);
  }
  return length;
}

void SharedSessionCache::remove(std::span<const unsigned char> id) const {
  if (id.empty() || id.size() > kMaxIdBytes) {
    return;
  }
  Slot& slot = slot_for(id);
  with_slot(slot, [&] {
    const std::optional<Entry> entry = read_entry(slot);
    if (entry && same_id(*entry, id)) {
      write_entry(slot, Entry{});
    }
  });
}

void SharedSessionCache::attach(SSL_CTX* context) const {
  SSL_CTX_set_ex_data(context, cache_index(), const_cast<SharedSessionCache*>(this));
  SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL);
  SSL_CTX_sess_set_new_cb(context, on_new_session);
  SSL_CTX_sess_set_get_cb(context, on_get_session);
  SSL_CTX_sess_set_remove_cb(context, on_remove_session);
}

}  // namespace relay7
