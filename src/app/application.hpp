#pragma once

// The whole server in one object: config, store, core, outbox, HTTP. `mobilelink serve` runs
// one, and integration tests run one in-process on port 0.

#include <chrono>
#include <cstdint>
#include <memory>

#include "mobilelink/config/config.hpp"
#include "mobilelink/core/clock.hpp"
#include "mobilelink/http/client.hpp"

namespace mobilelink::app {

struct ApplicationOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  http::ClientOptions client;  // Tests set loopback_only.
  const core::TimeSource* clock = nullptr;  // Defaults to the system clock.
  /// Maximum real-time sleep of the timer worker; tests that advance a manual clock lower it.
  std::chrono::milliseconds timer_idle_poll{1000};
};

class Application final {
 public:
  Application(config::Config config, ApplicationOptions options);
  ~Application();
  Application(const Application&) = delete;
  Application& operator=(const Application&) = delete;

  /// Opens the store, applies migrations, syncs agents, starts the outbox and the listener.
  /// Throws std::runtime_error when any of them fails.
  void Start();
  [[nodiscard]] std::uint16_t Port() const;
  /// Stops accepting, drains in-flight requests and sends for up to `grace`, then stops.
  void Stop(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

/// Parses "HOST:PORT". Throws std::invalid_argument naming the value.
std::pair<std::string, std::uint16_t> ParseListen(const std::string& value);

}  // namespace mobilelink::app
