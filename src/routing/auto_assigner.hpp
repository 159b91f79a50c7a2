#pragma once

// The worker that drains the team queues. It runs RoutingService::DrainAll as its own unit of
// work whenever a committed change asked for a drain (a handoff, a resolve, a presence change)
// and, as a safety net, every sweep interval.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "mobilelink/routing/routing_service.hpp"
#include "mobilelink/store/store.hpp"

namespace mobilelink::routing {

class AutoAssigner final {
 public:
  AutoAssigner(store::Store& store, const RoutingService& routing,
               std::chrono::milliseconds sweep_interval = std::chrono::seconds(5));
  ~AutoAssigner();
  AutoAssigner(const AutoAssigner&) = delete;
  AutoAssigner& operator=(const AutoAssigner&) = delete;

  void Start();
  /// Waits for the drain in progress, then stops. Safe to call twice.
  void Stop();
  /// Wakes the worker after a commit. Thread safe and cheap: it drains only when the routing
  /// service holds a drain request.
  void Notify();

  /// Returns how many conversations the drains have assigned so far.
  [[nodiscard]] long long AssignedTotal() const { return assigned_total_.load(); }

 private:
  void Run();

  store::Store& store_;
  const RoutingService& routing_;
  std::chrono::milliseconds sweep_interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool notified_ = false;
  bool stopping_ = false;
  std::atomic<long long> assigned_total_{0};
  std::thread thread_;
};

}  // namespace mobilelink::routing
