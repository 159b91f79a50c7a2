#pragma once

// State that the server shares with its connections and WebSocket sessions. Internal to http/:
// it names Asio types, so only the server's own .cpp files include it.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>

#include "mobilelink/common/metrics.hpp"
#include "mobilelink/http/server.hpp"

namespace mobilelink::http::detail {

struct ServerState final {
  ServerState(ServerOptions server_options, std::shared_ptr<const Router> server_router);

  /// Posts `function(*target)` to the executor of `target` unless the server has stopped its
  /// threads or `target` is gone. Responders and WebSocket sends run on foreign threads and may
  /// outlive the io_context, so they go through here. `Target` needs an Executor() member.
  template <typename Target, typename Function>
  bool PostTo(const std::weak_ptr<Target>& weak_target, Function&& function) {
    std::shared_lock lock(post_mutex);
    if (!accepting_posts) {
      return false;
    }
    std::shared_ptr<Target> target = weak_target.lock();
    if (!target) {
      return false;
    }
    boost::asio::any_io_executor executor = target->Executor();
    boost::asio::post(executor, [target = std::move(target),
                                 function = std::forward<Function>(function)]() mutable {
      function(*target);
    });
    return true;
  }

  void BeginRequest();
  void EndRequest();
  /// Waits until no request is in flight or `timeout` passes. Returns true when none is left.
  bool WaitForRequests(std::chrono::milliseconds timeout);

  void AddConnection(std::uint64_t id, std::function<void()> close);
  void RemoveConnection(std::uint64_t id);
  /// Calls every registered close function outside the lock.
  void CloseConnections();
  /// Waits until every connection is gone or `timeout` passes.
  bool WaitForConnections(std::chrono::milliseconds timeout);

  std::uint64_t NextId() { return next_id_.fetch_add(1, std::memory_order_relaxed) + 1; }

  const ServerOptions options;
  const std::shared_ptr<const Router> router;
  std::atomic<bool> stopping{false};

  // Stop clears `accepting_posts` under the exclusive lock before it stops the io_context.
  std::shared_mutex post_mutex;
  bool accepting_posts = true;

  Counter& connections_accepted;
  Counter& websocket_overflow_closes;
  Histogram& request_duration;

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int requests_in_flight_ = 0;
  // Close functions of open connections, HTTP and WebSocket alike; each posts to its strand.
  std::map<std::uint64_t, std::function<void()>> connections_;
  std::atomic<std::uint64_t> next_id_{0};
};

/// Serves one accepted connection until it closes, including a WebSocket it upgrades to.
boost::asio::awaitable<void> RunConnection(std::shared_ptr<ServerState> state,
                                           boost::asio::ip::tcp::socket socket);

/// Counts a finished request in `mobilelink_http_requests_total`.
void CountRequest(std::string_view method, int status);

/// Returns 16 random lower-case hex characters.
std::string NewRequestId();

}  // namespace mobilelink::http::detail
