// Escalation of RoutingService: the accept timeout to the overflow team, tier 1 to tier 2, and
// the customer notices that explain what happens next.

#include <boost/json.hpp>

#include "mobilelink/events/event_types.hpp"
#include "mobilelink/routing/routing_service.hpp"

namespace mobilelink::routing {

namespace json = boost::json;

namespace {

constexpr EscalationReason kAllReasons[] = {
    EscalationReason::kBotUnresolved,    EscalationReason::kCustomerRequest,
    EscalationReason::kAcceptTimeout,    EscalationReason::kResolutionTimeout,
    EscalationReason::kNeedsEngineering, EscalationReason::kManual};

// Returns the conversation when it is open at tier 1, the state both timeouts act on.
std::optional<core::Conversation> OpenAtTier1(core::Repository& repository,
                                              std::int64_t conversation_id) {
  auto conversation = repository.GetConversation(conversation_id);
  if (!conversation || conversation->status == core::ConversationStatus::kResolved ||
      conversation->tier != 1) {
    return std::nullopt;
  }
  return conversation;
}

void ReplaceAll(std::string& text, std::string_view token, const std::string& value) {
  for (auto at = text.find(token); at != std::string::npos;
       at = text.find(token, at + value.size())) {
    text.replace(at, token.size(), value);
  }
}

}  // namespace

std::string_view ToString(EscalationReason reason) {
  switch (reason) {
    case EscalationReason::kBotUnresolved:
      return "bot_unresolved";
    case EscalationReason::kCustomerRequest:
      return "customer_request";
    case EscalationReason::kAcceptTimeout:
      return "accept_timeout";
    case EscalationReason::kResolutionTimeout:
      return "resolution_timeout";
    case EscalationReason::kNeedsEngineering:
      return "needs_engineering";
    case EscalationReason::kManual:
      return "manual";
  }
  return "manual";
}

std::optional<EscalationReason> ParseEscalationReason(std::string_view text) {
  for (auto reason : kAllReasons) {
    if (ToString(reason) == text) {
      return reason;
    }
  }
  return std::nullopt;
}

void RoutingService::EmitEscalation(core::Repository& repository,
                                    const core::Conversation& conversation, int from_tier,
                                    int to_tier, EscalationReason reason,
                                    const std::string& team_id) const {
  Emit(repository, events::kEscalationRaised, conversation, std::nullopt,
       json::serialize(json::object{{"from_tier", from_tier},
                                    {"to_tier", to_tier},
                                    {"reason", ToString(reason)},
                                    {"team", team_id}}));
}

bool RoutingService::SendNotice(core::Repository& repository, std::int64_t conversation_id,
                                const std::string& text, const std::string& team_name,
                                std::chrono::seconds wait) const {
  if (text.empty()) {
    return false;
  }
  std::string notice = text;
  ReplaceAll(notice, "{team}", team_name);
  ReplaceAll(notice, "{wait}", DescribeWait(wait));
  // A contact that opted out or has no address gets no notice, but the escalation is kept.
  return conversations_.SendSystemNotice(repository, conversation_id, notice).ok();
}

RoutingOutcome RoutingService::OnAcceptTimeout(core::Repository& repository,
                                               std::int64_t conversation_id) const {
  auto conversation = OpenAtTier1(repository, conversation_id);
  if (!conversation) {
    return {};
  }
  auto routes = OpenRoutingRepository(repository);
  auto entry = routes->GetEntry(conversation_id);
  if (!entry || entry->accepted_at) {
    return {};
  }
  const Team* team = FindTeam(entry->team_id);
  const std::string from_team = entry->team_id;
  const Team* overflow =
      team != nullptr && !team->overflow_team.empty() ? FindTeam(team->overflow_team) : team;
  const std::string to_team = overflow != nullptr ? overflow->id : from_team;
  // A team without an overflow team keeps the conversation. Staying is no escalation, so no
  // escalation.raised is recorded and the customer gets no second busy notice.
  const bool moved = to_team != from_team;
  const core::TimePoint now = clock_.Now();

  // An offer that was not accepted in time is withdrawn, so another agent can take it.
  if (conversation->assignee_agent_id) {
    routes->Unassign(conversation_id, now);
  }
  entry->offered_at.reset();
  entry->accepted_at.reset();
  if (moved) {
    entry->team_id = to_team;
    entry->escalations += 1;
  }
  routes->SaveEntry(*entry);
  if (moved) {
    EmitEscalation(repository, *conversation, 1, 1, EscalationReason::kAcceptTimeout, to_team);
  }

  json::array supervisor_ids;
  if (team != nullptr) {
    for (const auto& login : team->supervisors) {
      if (auto found = agent_ids_.find(login); found != agent_ids_.end()) {
        supervisor_ids.push_back(found->second);
      }
    }
  }
  const auto waiting =
      std::chrono::duration_cast<std::chrono::seconds>(now - entry->queued_at).count();
  Emit(repository, events::kSupervisorAlerted, *conversation, std::nullopt,
       json::serialize(json::object{{"reason", ToString(EscalationReason::kAcceptTimeout)},
                                    {"team", from_team},
                                    {"overflow_team", to_team},
                                    {"supervisor_ids", supervisor_ids},
                                    {"waiting_s", waiting}}));

  if (!moved) {
    RequestDrain();
    return {};
  }

  // The overflow team gets its own accept timeout. The count bounds a cycle of overflow teams.
  if (timers_ != nullptr && entry->escalations <= static_cast<int>(config_.teams.size())) {
    timers_->ScheduleAcceptTimeout(repository, conversation_id,
                                   now + config_.settings.accept_timeout);
  }
  RoutingOutcome outcome;
  outcome.queued_messages =
      SendNotice(repository, conversation_id, config_.settings.notices.accept_timeout,
                 overflow->name, config_.settings.accept_timeout);
  RequestDrain();
  return outcome;
}

RoutingOutcome RoutingService::OnResolutionTimeout(core::Repository& repository,
                                                   std::int64_t conversation_id) const {
  auto conversation = OpenAtTier1(repository, conversation_id);
  if (!conversation) {
    return {};
  }
  auto routes = OpenRoutingRepository(repository);
  return RaiseToTier2(repository, *routes, *conversation, EscalationReason::kResolutionTimeout);
}

RoutingOutcome RoutingService::Escalate(core::Repository& repository, std::int64_t conversation_id,
                                        const Actor& actor, EscalationReason reason) const {
  core::Conversation conversation;
  if (auto check = LoadForAction(repository, conversation_id, &actor, conversation); !check.ok()) {
    return check;
  }
  if (conversation.tier >= 2) {
    return {RoutingError::kAlreadyEscalated,
            "conversation " + std::to_string(conversation_id) + " is already at tier 2"};
  }
  auto routes = OpenRoutingRepository(repository);
  return RaiseToTier2(repository, *routes, conversation, reason);
}

RoutingOutcome RoutingService::RaiseToTier2(core::Repository& repository, RoutingRepository& routes,
                                            core::Conversation& conversation,
                                            EscalationReason reason) const {
  const core::TimePoint now = clock_.Now();
  QueueEntry entry = EntryFor(routes, conversation);
  const int from_tier = conversation.tier;
  conversation.tier = 2;
  conversation.updated_at = now;
  const Team* tier2_team = FindTeam(config_.settings.tier2_team);
  if (tier2_team != nullptr) {
    // Tier 2 work goes to the specialists' queue; the tier 1 agent's capacity frees up.
    conversation.assignee_agent_id.reset();
    entry.team_id = tier2_team->id;
    entry.required_skill.clear();
    entry.offered_at.reset();
    entry.accepted_at.reset();
  }
  entry.escalations += 1;
  repository.UpdateConversation(conversation);
  routes.SaveEntry(entry);
  EmitEscalation(repository, conversation, from_tier, 2, reason, entry.team_id);

  std::string text;
  switch (reason) {
    case EscalationReason::kResolutionTimeout:
      text = config_.settings.notices.resolution_timeout;
      break;
    case EscalationReason::kNeedsEngineering:
      text = config_.settings.notices.needs_engineering;
      break;
    default:
      text = config_.settings.notices.manual;
      break;
  }
  const Team* team = FindTeam(entry.team_id);
  RoutingOutcome outcome;
  outcome.queued_messages =
      SendNotice(repository, conversation.id, text, team != nullptr ? team->name : entry.team_id,
                 config_.settings.tier2_expected_wait);
  RequestDrain();
  return outcome;
}

}  // namespace mobilelink::routing
