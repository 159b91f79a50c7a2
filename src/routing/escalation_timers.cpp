#include "mobilelink/routing/escalation_timers.hpp"

#include <boost/json.hpp>

namespace mobilelink::routing {

namespace {

void Schedule(core::Repository& repository, std::string_view kind, std::int64_t conversation_id,
              core::TimePoint due) {
  core::Timer timer;
  timer.kind = std::string(kind);
  timer.key = std::to_string(conversation_id);
  timer.due_at = due;
  timer.payload_json =
      boost::json::serialize(boost::json::object{{"conversation_id", conversation_id}});
  repository.ScheduleTimer(timer);
}

// Throws for a payload without a conversation id, which the worker records as a failed firing.
std::int64_t ConversationOf(const core::Timer& timer) {
  const auto payload = boost::json::parse(timer.payload_json);
  return payload.as_object().at("conversation_id").as_int64();
}

}  // namespace

void StoredEscalationTimers::ScheduleAcceptTimeout(core::Repository& repository,
                                                   std::int64_t conversation_id,
                                                   core::TimePoint due) const {
  Schedule(repository, kAcceptTimerKind, conversation_id, due);
}

void StoredEscalationTimers::ScheduleResolutionTimeout(core::Repository& repository,
                                                       std::int64_t conversation_id,
                                                       core::TimePoint due) const {
  Schedule(repository, kResolutionTimerKind, conversation_id, due);
}

void RegisterEscalationTimers(core::TimerWorker& worker, const RoutingService& routing) {
  worker.Register(std::string(StoredEscalationTimers::kAcceptTimerKind),
                  [&routing](core::Repository& repository, const core::Timer& timer) {
                    routing.OnAcceptTimeout(repository, ConversationOf(timer));
                  });
  worker.Register(std::string(StoredEscalationTimers::kResolutionTimerKind),
                  [&routing](core::Repository& repository, const core::Timer& timer) {
                    routing.OnResolutionTimeout(repository, ConversationOf(timer));
                  });
}

}  // namespace mobilelink::routing
