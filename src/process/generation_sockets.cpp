#include "relay7/process/generation_sockets.h"

namespace relay7 {

size_t GenerationSockets::socket_count(const Listener& listener) {
  return listener.group->size() + listener.added.sockets.size();
}

int GenerationSockets::fd_at(const Listener& listener, size_t index) {
  const size_t listening = listener.group->size();
  return index < listening ? listener.group->fd(index)
                           : listener.added.sockets[index - listening].get();
}

std::vector<AcceptSocket> GenerationSockets::for_worker(size_t slot) const {
  std::vector<AcceptSocket> sockets;
  for (size_t listener = 0; listener < listeners_.size(); ++listener) {
    const Listener& group = listeners_[listener];
    for (size_t index = slot; index < socket_count(group); index += workers_) {
      sockets.push_back(AcceptSocket{listener, fd_at(group, index)});
    }
  }
  return sockets;
}

void GenerationSockets::append_descriptors(std::vector<int>& out) const {
  for (const Listener& listener : listeners_) {
    for (size_t index = 0; index < socket_count(listener); ++index) {
      out.push_back(fd_at(listener, index));
    }
  }
}

bool GenerationSockets::activate(std::string& error) {
  std::vector<size_t> sizes_before;
  for (Listener& listener : listeners_) {
    sizes_before.push_back(listener.group->size());
    if (!listener.group->listen_more(std::exchange(listener.added, {}), error)) {
      // All or nothing across the listeners too: the serving generation knows nothing of the
      // sockets that did start listening, and would never accept from them.
      for (size_t undone = 0; undone + 1 < sizes_before.size(); ++undone) {
        listeners_[undone].group->shrink_to(sizes_before[undone]);
      }
      return false;
    }
  }
  return true;
}

std::vector<std::string> GenerationSockets::steer(const std::vector<size_t>& accepting) {
  GroupIndices indices(accepting.begin(), accepting.end());
  if (indices.empty()) {
    for (size_t slot = 0; slot < workers_; ++slot) {
      indices.push_back(static_cast<uint16_t>(slot));
    }
  }
  std::vector<std::string> errors;
  for (Listener& listener : listeners_) {
    std::string error;
    if (!listener.group->steer(indices, error)) {
      errors.push_back(std::move(error));
    }
  }
  return errors;
}

}  // namespace relay7
