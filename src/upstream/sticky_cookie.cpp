#include "relay7/upstream/sticky_cookie.h"

#include <algorithm>
#include <chrono>

#include "relay7/upstream/hash_ring.h"

namespace relay7 {
namespace {

constexpr size_t kIdDigits = 16;
constexpr char kHexDigits[] = "0123456789abcdef";

std::string id_text(uint64_t id) {
  std::string text(kIdDigits, '0');
  for (size_t i = kIdDigits; i-- > 0; id >>= 4) {
    text[i] = kHexDigits[id & 0xf];
  }
  return text;
}

// Only the exact form relay7 writes: anything else cannot name a server.
std::optional<uint64_t> parse_id(std::string_view text) {
  if (text.size() != kIdDigits) {
    return std::nullopt;
  }
  uint64_t id = 0;
  for (char c : text) {
    uint64_t digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<uint64_t>(c - 'a' + 10);
    } else {
      return std::nullopt;
    }
    id = (id << 4) | digit;
  }
  return id;
}

std::string set_cookie_header_value(const StickyConfig& sticky, uint64_t id) {
  std::string value = sticky.cookie + '=' + id_text(id) + "; Path=" + sticky.path;
  if (sticky.max_age) {
    // Rounded up: a sub-second age must not become Max-Age=0, which deletes the cookie.
    value += "; Max-Age=" +
             std::to_string(std::chrono::ceil<std::chrono::seconds>(*sticky.max_age).count());
  }
  value += "; HttpOnly";
  return value;
}

}  // namespace

StickyCookie::StickyCookie(const UpstreamConfig& upstream, std::span<const BalancerMember> members)
    : name_(upstream.sticky->cookie) {
  by_id_.reserve(members.size());
  for (const BalancerMember& member : members) {
    uint64_t id = stable_hash(upstream.name + '\n' + member.identity);
    // Two members of one upstream sharing an ID is a 2^-64 event; the later one in the list
    // re-derives its ID so that each cookie still names one member.
    while (taken(id)) {
      id = stable_hash(id_text(id));
    }
    by_id_.push_back(Entry{id, member.server});
    if (set_cookie_values_.size() <= member.server) {
      set_cookie_values_.resize(member.server + 1);
    }
    set_cookie_values_[member.server] = set_cookie_header_value(*upstream.sticky, id);
  }
  std::sort(by_id_.begin(), by_id_.end(),
            [](const Entry& a, const Entry& b) { return a.id < b.id; });
}

bool StickyCookie::taken(uint64_t id) const {
  return std::any_of(by_id_.begin(), by_id_.end(), [id](const Entry& e) { return e.id == id; });
}

std::optional<size_t> StickyCookie::server_for(std::string_view cookie_value) const {
  const std::optional<uint64_t> id = parse_id(cookie_value);
  if (!id) {
    return std::nullopt;
  }
  const auto it = std::lower_bound(by_id_.begin(), by_id_.end(), *id,
                                   [](const Entry& e, uint64_t wanted) { return e.id < wanted; });
  if (it == by_id_.end() || it->id != *id) {
    return std::nullopt;
  }
  return it->server;
}

}  // namespace relay7
