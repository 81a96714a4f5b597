#pragma once

#include <chrono>
#include <cstdint>

namespace relay7::testing {

// A port that was free a moment ago (the kernel's pick for 127.0.0.1:0). Another process could
// take it before it is used, so prefer letting a server bind port 0 when it supports that.
uint16_t free_port();

// Polls connect() until something accepts on host:port or `timeout` passes.
bool wait_for_port(uint16_t port, std::chrono::milliseconds timeout,
                   const char* host = "127.0.0.1");

}  // namespace relay7::testing
