// SlaService: clock lifecycle and the conversation hooks. Priorities are in sla_priority.cpp and
// breaches in sla_breach.cpp.

#include "mobilelink/routing/sla_service.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "mobilelink/events/event_types.hpp"
#include "mobilelink/routing/sla_events.hpp"

namespace mobilelink::routing {

namespace json = boost::json;
using config::SlaMetric;

namespace {

bool IsResponseMetric(SlaMetric metric) {
  return metric == SlaMetric::kFirstResponse || metric == SlaMetric::kNextResponse;
}

std::int64_t Seconds(std::chrono::milliseconds duration) {
  return std::chrono::floor<std::chrono::seconds>(duration).count();
}

std::int64_t UnixMillis(core::TimePoint time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

}  // namespace

void AppendConversationEvent(core::Repository& repository, std::string_view type,
                             const core::Conversation& conversation, std::string data_json,
                             core::TimePoint now, std::optional<std::int64_t> agent_id) {
  core::Event event;
  event.type = std::string(type);
  event.conversation_id = conversation.id;
  event.contact_id = conversation.contact_id;
  event.agent_id = agent_id;
  event.inbox_id = conversation.last_inbox_id;
  event.data_json = std::move(data_json);
  event.occurred_at = now;
  repository.AppendEvent(event);
}

SlaService::SlaService(config::SlaConfig config,
                       const std::vector<config::CalendarConfig>& calendars,
                       const OnCallService* on_call, const core::TimeSource& clock)
    : config_(std::move(config)),
      always_open_(BusinessCalendar::AlwaysOpen()),
      on_call_(on_call),
      clock_(clock) {
  for (const auto& calendar : calendars) {
    calendars_.emplace(calendar.id, BusinessCalendar(calendar));
  }
}

void SlaService::RegisterTimers(core::TimerWorker& worker) const {
  worker.Register(std::string(kDueTimerKind),
                  [this](core::Repository& repository, const core::Timer& timer) {
                    HandleDue(repository, timer);
                  });
  if (on_call_ != nullptr) {
    worker.Register(std::string(OnCallService::kAckTimerKind),
                    [on_call = on_call_](core::Repository& repository, const core::Timer& timer) {
                      on_call->HandleAckTimeout(repository, timer);
                    });
  }
}

const BusinessCalendar& SlaService::Calendar(const std::string& id) const {
  const auto found = calendars_.find(id);
  return found == calendars_.end() ? always_open_ : found->second;
}

SlaScope SlaService::ScopeOf(core::Repository& repository,
                             const core::Conversation& conversation) const {
  SlaScope scope;
  if (scope_resolver_) {
    scope = scope_resolver_(repository, conversation);
  }
  if (scope.calendar_id.empty()) {
    scope.calendar_id = config_.calendar;
  }
  if (scope.on_call_team.empty()) {
    scope.on_call_team = config_.on_call_team;
  }
  return scope;
}

std::chrono::milliseconds SlaService::Elapsed(const SlaClock& clock, core::TimePoint now) const {
  const auto target = std::chrono::duration_cast<std::chrono::milliseconds>(clock.target);
  if (clock.paused_at || !clock.due_at) {
    return target - clock.remaining;
  }
  const auto& calendar = Calendar(clock.calendar_id);
  if (now <= *clock.due_at) {
    return target - calendar.BusinessTimeBetween(now, *clock.due_at);
  }
  return target + calendar.BusinessTimeBetween(*clock.due_at, now);
}

void SlaService::EmitClockEvent(core::Repository& repository, std::string_view type,
                                const core::Conversation& conversation, const SlaClock& clock,
                                const std::string& extra_json) const {
  json::object data{{"clock_id", clock.id},
                    {"metric", config::ToString(clock.metric)},
                    {"priority", core::ToString(clock.priority)},
                    {"target_seconds", static_cast<std::int64_t>(clock.target.count())},
                    {"elapsed_seconds", Seconds(Elapsed(clock, clock_.Now()))}};
  if (!extra_json.empty()) {
    const json::value extra = json::parse(extra_json);
    for (const auto& field : extra.as_object()) {
      data[field.key()] = field.value();
    }
  }
  AppendConversationEvent(repository, type, conversation, json::serialize(data), clock_.Now());
}

void SlaService::ScheduleDue(core::Repository& repository, const SlaClock& clock) const {
  const std::string key = std::to_string(clock.id);
  if (!clock.due_at || clock.breached_at || clock.stopped_at) {
    repository.CancelTimer(kDueTimerKind, key);
    return;
  }
  core::Timer timer;
  timer.kind = std::string(kDueTimerKind);
  timer.key = key;
  timer.due_at = *clock.due_at;
  timer.payload_json = json::serialize(json::object{{"conversation_id", clock.conversation_id}});
  repository.ScheduleTimer(timer);
}

void SlaService::StartClock(core::Repository& repository, SlaRepository& sla,
                            const core::Conversation& conversation, SlaMetric metric) const {
  const auto now = clock_.Now();
  SlaClock clock;
  clock.conversation_id = conversation.id;
  clock.metric = metric;
  clock.priority = conversation.priority;
  clock.calendar_id = ScopeOf(repository, conversation).calendar_id;
  clock.target = config_.Policy(conversation.priority).Target(metric);
  clock.started_at = now;
  clock.due_at = Calendar(clock.calendar_id).AddBusinessTime(now, clock.target);
  clock.remaining = clock.target;
  sla.InsertClock(clock);
  ScheduleDue(repository, clock);
  EmitClockEvent(repository, events::kSlaStarted, conversation, clock,
                 json::serialize(json::object{{"due_at", UnixMillis(*clock.due_at)}}));
}

void SlaService::StopClock(core::Repository& repository, SlaRepository& sla,
                           const core::Conversation& conversation, SlaClock& clock,
                           std::string_view reason) const {
  const auto now = clock_.Now();
  clock.remaining =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock.target) - Elapsed(clock, now);
  clock.stopped_at = now;
  clock.due_at.reset();
  clock.paused_at.reset();
  sla.UpdateClock(clock);
  ScheduleDue(repository, clock);
  EmitClockEvent(repository, events::kSlaStopped, conversation, clock,
                 json::serialize(json::object{{"reason", reason},
                                              {"breached", clock.breached_at.has_value()}}));
}

void SlaService::SyncClocks(core::Repository& repository, SlaRepository& sla,
                            const core::Conversation& conversation) const {
  const auto now = clock_.Now();
  const bool ended =
      conversation.status == core::ConversationStatus::kResolved || conversation.tier == 0;
  const bool waiting = conversation.status == core::ConversationStatus::kPending ||
                       conversation.status == core::ConversationStatus::kSnoozed;
  for (auto& clock : sla.ListActiveClocks(conversation.id)) {
    if (ended) {
      const bool resolved = conversation.status == core::ConversationStatus::kResolved;
      StopClock(repository, sla, conversation, clock, resolved ? "resolved" : "handed_back");
    } else if (waiting && !clock.paused_at) {
      clock.remaining =
          std::chrono::duration_cast<std::chrono::milliseconds>(clock.target) - Elapsed(clock, now);
      clock.paused_at = now;
      clock.due_at.reset();
      sla.UpdateClock(clock);
      ScheduleDue(repository, clock);
      EmitClockEvent(repository, events::kSlaPaused, conversation, clock, "");
    } else if (!waiting && clock.paused_at) {
      const auto left = std::max(clock.remaining, std::chrono::milliseconds(0));
      clock.paused_at.reset();
      clock.due_at = Calendar(clock.calendar_id).AddBusinessTime(now, left);
      // A clock that breached before the pause keeps its elapsed time past the target.
      if (clock.remaining < std::chrono::milliseconds(0)) {
        clock.due_at =
            *clock.due_at - std::chrono::duration_cast<core::TimePoint::duration>(-clock.remaining);
      }
      sla.UpdateClock(clock);
      ScheduleDue(repository, clock);
      EmitClockEvent(repository, events::kSlaResumed, conversation, clock,
                     json::serialize(json::object{{"due_at", UnixMillis(*clock.due_at)}}));
    }
  }
}

bool SlaService::ConsumeInbound(core::Repository& repository,
                                const core::InboundMessage& inbound) const {
  return on_call_ != nullptr && on_call_->ConsumeAcknowledgement(repository, inbound);
}

void SlaService::OnCustomerMessage(core::Repository& repository, core::Conversation& conversation,
                                   const core::Message& message, bool handed_off) const {
  auto sla = OpenSlaRepository(repository);
  ApplyRules(repository, *sla, conversation, message);
  if (conversation.tier == 0 || conversation.status == core::ConversationStatus::kResolved) {
    return;
  }
  const auto all = sla->ListClocks(conversation.id);
  auto has = [&](auto predicate) { return std::any_of(all.begin(), all.end(), predicate); };
  const bool response_running = has(
      [](const SlaClock& clock) { return !clock.stopped_at && IsResponseMetric(clock.metric); });
  const bool answered_before =
      has([](const SlaClock& clock) { return clock.stopped_at && IsResponseMetric(clock.metric); });
  const bool resolution_running = has([](const SlaClock& clock) {
    return !clock.stopped_at && clock.metric == SlaMetric::kResolution;
  });
  if (!response_running) {
    const bool next = answered_before && !handed_off;
    StartClock(repository, *sla, conversation,
               next ? SlaMetric::kNextResponse : SlaMetric::kFirstResponse);
  }
  if (!resolution_running) {
    StartClock(repository, *sla, conversation, SlaMetric::kResolution);
  }
  SyncClocks(repository, *sla, conversation);
}

void SlaService::OnAgentReply(core::Repository& repository, core::Conversation& conversation,
                              std::int64_t /*message_id*/) const {
  auto sla = OpenSlaRepository(repository);
  for (auto& clock : sla->ListActiveClocks(conversation.id)) {
    if (IsResponseMetric(clock.metric)) {
      StopClock(repository, *sla, conversation, clock, "answered");
    }
  }
}

void SlaService::OnStatusChanged(core::Repository& repository,
                                 core::Conversation& conversation) const {
  auto sla = OpenSlaRepository(repository);
  SyncClocks(repository, *sla, conversation);
}

}  // namespace mobilelink::routing
