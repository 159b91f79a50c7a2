#include "mobilelink/routing/auto_assigner.hpp"

#include <spdlog/spdlog.h>

#include "mobilelink/common/log.hpp"
#include "mobilelink/common/metrics.hpp"

namespace mobilelink::routing {

AutoAssigner::AutoAssigner(store::Store& store, const RoutingService& routing,
                           std::chrono::milliseconds sweep_interval)
    : store_(store), routing_(routing), sweep_interval_(sweep_interval) {}

AutoAssigner::~AutoAssigner() { Stop(); }

void AutoAssigner::Start() {
  thread_ = std::thread([this] { Run(); });
}

void AutoAssigner::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void AutoAssigner::Notify() {
  {
    std::lock_guard lock(mutex_);
    notified_ = true;
  }
  wake_.notify_one();
}

void AutoAssigner::Run() {
  auto next_sweep = std::chrono::steady_clock::now() + sweep_interval_;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_until(lock, next_sweep, [&] { return stopping_ || notified_; });
      if (stopping_) {
        return;
      }
      notified_ = false;
    }
    const bool sweep_due = std::chrono::steady_clock::now() >= next_sweep;
    if (!routing_.TakeDrainRequest() && !sweep_due) {
      continue;
    }
    next_sweep = std::chrono::steady_clock::now() + sweep_interval_;
    int assigned = 0;
    const auto result = store_.WriteAndWait(
        [&](core::Repository& repository) { assigned = routing_.DrainAll(repository); });
    if (!result.ok) {
      // The request is kept, so the next wake-up or sweep tries again.
      Logger("routing")->error("queue drain failed error=\"{}\"", result.error);
      routing_.RequestDrain();
      continue;
    }
    if (assigned > 0) {
      assigned_total_ += assigned;
      GlobalMetrics()
          .GetCounter("mobilelink_routing_assignments_total",
                      "Conversations assigned by the auto-assigner.", {})
          .Increment(assigned);
      Logger("routing")->debug("queues drained assigned={}", assigned);
    }
  }
}

}  // namespace mobilelink::routing
