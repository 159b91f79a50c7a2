// SlaService: the due timer and the breach actions.

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "mobilelink/common/log.hpp"
#include "mobilelink/common/metrics.hpp"
#include "mobilelink/events/event_types.hpp"
#include "mobilelink/routing/sla_events.hpp"
#include "mobilelink/routing/sla_service.hpp"

namespace mobilelink::routing {

namespace json = boost::json;

namespace {

constexpr int kMaxTier = 2;

std::string DescribeTarget(std::chrono::seconds target) {
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(target).count();
  if (minutes % 60 == 0) {
    return std::to_string(minutes / 60) + " h";
  }
  return std::to_string(minutes) + " min";
}

}  // namespace

void SlaService::HandleDue(core::Repository& repository, const core::Timer& timer) const {
  auto sla = OpenSlaRepository(repository);
  auto clock = sla->GetClock(std::stoll(timer.key));
  // The timer is cancelled or moved whenever the clock stops, pauses or is retargeted, so
  // these checks only guard against rows changed outside SlaService.
  if (!clock || clock->stopped_at || clock->paused_at || clock->breached_at || !clock->due_at) {
    return;
  }
  auto conversation = repository.GetConversation(clock->conversation_id);
  if (!conversation) {
    throw std::runtime_error("conversation " + std::to_string(clock->conversation_id) +
                             " of SLA clock " + timer.key + " not found");
  }
  const auto now = clock_.Now();
  clock->breached_at = now;
  sla->UpdateClock(*clock);

  const auto& actions = config_.Policy(clock->priority).breach_actions;
  json::array action_names;
  for (const auto action : actions) {
    action_names.emplace_back(config::ToString(action));
  }
  json::object extra;
  extra["actions"] = std::move(action_names);
  EmitClockEvent(repository, events::kSlaBreached, *conversation, *clock, json::serialize(extra));
  Logger("routing")->info("sla breached conversation_id={} metric={} priority={}", conversation->id,
                          config::ToString(clock->metric), core::ToString(clock->priority));
  GlobalMetrics()
      .GetCounter("mobilelink_sla_breaches_total",
                  "SLA clocks that reached their target before an agent replied or resolved.",
                  {{"metric", std::string(config::ToString(clock->metric))},
                   {"priority", std::string(core::ToString(clock->priority))}})
      .Increment();
  RunBreachActions(repository, *conversation, *clock, ScopeOf(repository, *conversation));
}

void SlaService::RunBreachActions(core::Repository& repository, core::Conversation& conversation,
                                  const SlaClock& clock, const SlaScope& scope) const {
  const auto now = clock_.Now();
  bool changed = false;
  for (const auto action : config_.Policy(clock.priority).breach_actions) {
    switch (action) {
      case config::BreachAction::kNotify:
        break;  // The sla.breached event is the notification.
      case config::BreachAction::kReassign:
        if (conversation.assignee_agent_id) {
          const auto previous = *conversation.assignee_agent_id;
          conversation.assignee_agent_id.reset();
          changed = true;
          const json::object data{{"previous_agent_id", previous}, {"reason", "sla_breach"}};
          AppendConversationEvent(repository, events::kConversationUnassigned, conversation,
                                  json::serialize(data), now);
        }
        break;
      case config::BreachAction::kRaiseTier:
        if (conversation.tier < kMaxTier) {
          const int from = conversation.tier;
          conversation.tier += 1;
          changed = true;
          const json::object data{{"from_tier", from},
                                  {"to_tier", conversation.tier},
                                  {"reason", "sla_breach"},
                                  {"team", scope.team_id}};
          AppendConversationEvent(repository, events::kEscalationRaised, conversation,
                                  json::serialize(data), now);
        }
        break;
      case config::BreachAction::kPageOnCall: {
        const std::string summary = "SLA breach: conversation " + std::to_string(conversation.id) +
                                    ", " + std::string(core::ToString(clock.priority)) + " " +
                                    std::string(config::ToString(clock.metric)) + " target " +
                                    DescribeTarget(clock.target) + ".";
        const bool paged = on_call_ != nullptr && !scope.on_call_team.empty() &&
                           on_call_->Page(repository, conversation, scope.on_call_team,
                                          "sla-" + std::to_string(clock.id), summary);
        if (!paged) {
          Logger("routing")->error(
              "sla breach not paged conversation_id={} team={} "
              "error=\"no on_call entry for the team\"",
              conversation.id, scope.on_call_team);
        }
        break;
      }
    }
  }
  if (changed) {
    conversation.updated_at = now;
    repository.UpdateConversation(conversation);
  }
}

}  // namespace mobilelink::routing
