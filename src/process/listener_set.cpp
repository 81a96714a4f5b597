#include "relay7/process/listener_set.h"

namespace relay7 {

std::optional<GenerationSockets> ListenerSet::acquire(const std::vector<ListenerRoutes>& listeners,
                                                      size_t workers, std::string& error) {
  std::vector<GenerationSockets::Listener> acquired;
  std::vector<std::pair<std::string, std::shared_ptr<ReuseportGroup>>> opened;
  for (const ListenerRoutes& listener : listeners) {
    const std::string key = listener.address.to_string();
    std::shared_ptr<ReuseportGroup> group = by_address_[key].lock();
    if (!group) {
      group = ReuseportGroup::open(listener.address, error, static_cast<int>(listener.backlog));
      if (!group) {
        return std::nullopt;
      }
      opened.emplace_back(key, group);
    } else if (!group->set_backlog(static_cast<int>(listener.backlog), error)) {
      return std::nullopt;
    }
    std::optional<UnlistenedSockets> added = group->bind_more(workers, error);
    if (!added) {
      return std::nullopt;
    }
    acquired.push_back({std::move(group), std::move(*added)});
  }
  for (auto& [key, group] : opened) {
    by_address_[key] = group;
  }
  std::erase_if(by_address_, [](const auto& entry) { return entry.second.expired(); });
  return GenerationSockets(std::move(acquired), workers);
}

}  // namespace relay7
