#include "relay7/tls/session_resumption.h"

namespace relay7 {

std::unique_ptr<SessionResumption> SessionResumption::create(
    std::chrono::steady_clock::time_point now, std::string& error) {
  std::unique_ptr<TicketKeyring> tickets = TicketKeyring::create(now, error);
  if (!tickets) {
    return nullptr;
  }
  std::unique_ptr<SharedSessionCache> sessions = SharedSessionCache::create(error);
  if (!sessions) {
    return nullptr;
  }
  return std::make_unique<SessionResumption>(std::move(tickets), std::move(sessions));
}

}  // namespace relay7
