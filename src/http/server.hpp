#pragma once

// The HTTP/1.1 and WebSocket server. It owns the io_context threads, accepts connections on one
// listening address and dispatches requests through a Router.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "mobilelink/http/types.hpp"

namespace mobilelink::http {

/// Server settings.
///
/// | key | meaning | unit | default |
/// | --- | --- | --- | --- |
/// | threads | io_context threads | count | 2 |
/// | header_timeout | time to read one request's headers and body | ms | 30000 |
/// | idle_timeout | keep-alive idle time between requests | ms | 60000 |
/// | max_header_bytes | request line plus headers | bytes | 16384 |
/// | max_pipelined | responses queued per connection before reading pauses | count | 16 |
/// | ws_max_message_bytes | largest WebSocket message accepted | bytes | 65536 |
/// | ws_max_queued_frames | frames queued for one WebSocket before it is closed | count | 256 |
/// | ws_max_queued_bytes | bytes queued for one WebSocket before it is closed | bytes | 1048576 |
struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0 picks a free port; Port() returns it.
  int threads = 2;
  std::chrono::milliseconds header_timeout{30000};
  std::chrono::milliseconds idle_timeout{60000};
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_pipelined = 16;
  std::size_t ws_max_message_bytes = 64 * 1024;
  std::size_t ws_max_queued_frames = 256;
  std::size_t ws_max_queued_bytes = 1024 * 1024;
};

/// Runs the server on its own threads. Start and Stop are called from one controlling thread.
class Server final {
 public:
  Server(ServerOptions options, std::shared_ptr<const Router> router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds, listens and starts the threads. Throws std::runtime_error when the address cannot
  /// be bound.
  void Start();
  /// Returns the bound port.
  [[nodiscard]] std::uint16_t Port() const;
  /// Stops accepting, lets in-flight requests finish for up to `grace`, closes WebSockets with
  /// code 1001 (going away) and joins the threads.
  void Stop(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mobilelink::http
