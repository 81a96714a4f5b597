#pragma once

#include <openssl/ssl.h>

#include <chrono>
#include <memory>
#include <string>

#include "relay7/tls/session_cache.h"
#include "relay7/tls/ticket_keyring.h"

namespace relay7 {

// What lets a TLS client resume its session on any worker and after a reload: the ticket keys
// (TLS 1.2 and 1.3) and the cache of TLS 1.2 sessions resumed by ID. The master makes both once
// and keeps them for its life; every generation's server contexts are attached to them.
class SessionResumption {
 public:
  static std::unique_ptr<SessionResumption> create(std::chrono::steady_clock::time_point now,
                                                   std::string& error);

  SessionResumption(std::unique_ptr<TicketKeyring> tickets,
                    std::unique_ptr<SharedSessionCache> sessions)
      : tickets_(std::move(tickets)), sessions_(std::move(sessions)) {}

  void attach(SSL_CTX* context) const {
    tickets_->attach(context);
    sessions_->attach(context);
  }
  TicketKeyring& tickets() { return *tickets_; }

 private:
  std::unique_ptr<TicketKeyring> tickets_;
  std::unique_ptr<SharedSessionCache> sessions_;
};

}  // namespace relay7
