#include "relay7/resolver/name_refresher.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace relay7 {
namespace {

std::string shown(const SharedStateRegistry::ResolvedName& name) {
  return "upstream \"" + name.upstream + "\" server " + name.name + ":" + std::to_string(name.port);
}

std::vector<SocketAddress> addresses_of(const NamePositions& positions) {
  std::vector<SocketAddress> addresses;
  for (const auto& position : positions) {
    if (position) {
      addresses.push_back(*position);
    }
  }
  return addresses;
}

}  // namespace

void NameRefresher::configure(const ResolverConfig& settings) {
  if (settings_ == settings) {
    return;
  }
  std::string error;
  std::unique_ptr<DnsChannel> channel = DnsChannel::create(settings, error);
  if (!channel) {
    // The config loaded with these settings, so c-ares worked a moment ago; keep the old ones.
    spdlog::error("names keep being resolved with the previous resolver settings: {}", error);
    return;
  }
  settings_ = settings;
  channel_ = std::move(channel);  // the old channel drops its lookups: ask them again
  for (auto& [key, schedule] : schedule_) {
    if (schedule.asking) {
      schedule.asking = false;
      schedule.due = now_;
    }
  }
}

void NameRefresher::add_poll_fds(std::vector<pollfd>& fds) const {
  if (channel_) {
    channel_->add_poll_fds(fds);
  }
}

std::optional<std::chrono::milliseconds> NameRefresher::time_to_next(Clock::time_point now) {
  follow_registry(now);
  std::optional<std::chrono::milliseconds> next;
  const auto consider = [&next](std::chrono::milliseconds wait) {
    wait = std::max(wait, std::chrono::milliseconds(0));
    if (!next || wait < *next) {
      next = wait;
    }
  };
  if (channel_) {
    if (const auto timeout = channel_->timeout()) {
      consider(*timeout);
    }
  }
  for (const auto& [key, schedule] : schedule_) {
    if (!schedule.asking && registry_.names().at(key).interval != Duration(0)) {
      consider(std::chrono::ceil<std::chrono::milliseconds>(schedule.due - now));
    }
  }
  return next;
}

void NameRefresher::run(const std::vector<pollfd>& fds, Clock::time_point now) {
  if (!channel_) {
    return;
  }
  now_ = now;
  channel_->process(fds);
  follow_registry(now);
  ask_due_names(now);
}

std::vector<int> NameRefresher::open_descriptors() const {
  return channel_ ? channel_->open_descriptors() : std::vector<int>();
}

// Names come with a config (just resolved by its load) and go with the last generation using
// them.
void NameRefresher::follow_registry(Clock::time_point now) {
  const auto& names = registry_.names();
  std::erase_if(schedule_, [&](const auto& entry) { return !names.contains(entry.first); });
  for (const auto& [key, name] : names) {
    if (!schedule_.contains(key)) {
      schedule_.emplace(key, Schedule{now + next_delay(name.interval, name.ttl)});
    }
  }
}

void NameRefresher::ask_due_names(Clock::time_point now) {
  std::vector<std::string> due;
  for (const auto& [key, schedule] : schedule_) {
    const auto name = registry_.names().find(key);
    if (!schedule.asking && name->second.interval != Duration(0) && schedule.due <= now) {
      due.push_back(key);
    }
  }
  // The answer may come before lookup() returns (a hosts file entry), so each name is marked
  // before it is asked for.
  for (const std::string& key : due) {
    schedule_[key].asking = true;
    channel_->lookup(registry_.names().at(key).name,
                     [this, key](LookupResult result) { on_answer(key, std::move(result)); });
  }
}

void NameRefresher::on_answer(const std::string& key, LookupResult result) {
  const auto scheduled = schedule_.find(key);
  const auto found = registry_.names().find(key);
  if (scheduled == schedule_.end() || found == registry_.names().end()) {
    return;  // no config has the name any more
  }
  Schedule& schedule = scheduled->second;
  const SharedStateRegistry::ResolvedName& name = found->second;
  schedule.asking = false;
  schedule.due = now_ + next_delay(name.interval, result.ttl);
  if (!result.ok()) {
    report_failure(name, schedule, result.error);
    return;
  }
  if (schedule.failing) {
    schedule.failing = false;
    spdlog::info("{} resolves again", shown(name));
  }
  if (result.addresses.size() > kMaxAddressesPerName) {
    if (!schedule.truncated) {
      spdlog::warn("{} has {} addresses: only the lowest {} are used", shown(name),
                   result.addresses.size(), kMaxAddressesPerName);
    }
    schedule.truncated = true;
    result.addresses.resize(kMaxAddressesPerName);
  } else {
    schedule.truncated = false;
  }
  const std::optional<NameUpdate> update = registry_.publish(key, result.addresses);
  if (update) {
    spdlog::info("{} now resolves to {} (new: {}; gone: {})", shown(name),
                 join_hosts(update->addresses),
                 update->change.added.empty() ? "none" : join_hosts(update->change.added),
                 update->change.removed.empty() ? "none" : join_hosts(update->change.removed));
  }
}

void NameRefresher::report_failure(const SharedStateRegistry::ResolvedName& name,
                                   Schedule& schedule, const std::string& error) {
  const std::string kept = join_hosts(addresses_of(name.positions));
  if (schedule.failing) {
    spdlog::debug("{} still does not resolve ({}); keeping {}", shown(name), error, kept);
    return;
  }
  schedule.failing = true;
  spdlog::warn("{} does not resolve any more ({}); keeping its last addresses: {}", shown(name),
               error, kept);
}

// A TTL shorter than the interval brings the next lookup forward, to no less than kMinTtl.
Duration NameRefresher::next_delay(Duration interval, std::optional<std::chrono::seconds> ttl) {
  if (!ttl) {
    return interval;
  }
  return std::min(interval, std::max<Duration>(*ttl, kMinTtl));
}

}  // namespace relay7
