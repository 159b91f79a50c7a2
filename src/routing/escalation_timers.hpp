#pragma once

// The escalation timeouts as stored timers (core::Timer): one accept timer and one tier 2 timer
// per handed-off conversation, keyed by the conversation id, so a restart loses neither.

#include <string_view>

#include "mobilelink/core/timer_worker.hpp"
#include "mobilelink/routing/routing_service.hpp"

namespace mobilelink::routing {

class StoredEscalationTimers final : public EscalationTimers {
 public:
  static constexpr std::string_view kAcceptTimerKind = "routing.accept_timeout";
  static constexpr std::string_view kResolutionTimerKind = "routing.resolution_timeout";

  // EscalationTimers
  void ScheduleAcceptTimeout(core::Repository& repository, std::int64_t conversation_id,
                             core::TimePoint due) const override;
  void ScheduleResolutionTimeout(core::Repository& repository, std::int64_t conversation_id,
                                 core::TimePoint due) const override;
};

/// Registers the handlers of both timer kinds, which call RoutingService::OnAcceptTimeout and
/// OnResolutionTimeout. `routing` must outlive `worker`.
void RegisterEscalationTimers(core::TimerWorker& worker, const RoutingService& routing);

}  // namespace mobilelink::routing
