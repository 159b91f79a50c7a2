#include "mobilelink/routing/routing_service.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "mobilelink/events/event_types.hpp"

namespace mobilelink::routing {

namespace json = boost::json;

namespace {}  // namespace

std::string_view ToString(RoutingError error) {
  switch (error) {
    case RoutingError::kNone:
      return "none";
    case RoutingError::kConversationNotFound:
      return "conversation_not_found";
    case RoutingError::kResolved:
      return "conversation_resolved";
    case RoutingError::kNotHandedOff:
      return "not_handed_off";
    case RoutingError::kAlreadyAssigned:
      return "already_assigned";
    case RoutingError::kOverCapacity:
      return "over_capacity";
    case RoutingError::kNotAssignee:
      return "not_assignee";
    case RoutingError::kForbidden:
      return "forbidden";
    case RoutingError::kAgentNotFound:
      return "agent_not_found";
    case RoutingError::kTeamNotFound:
      return "team_not_found";
    case RoutingError::kNotOffered:
      return "not_offered";
    case RoutingError::kAlreadyEscalated:
      return "already_escalated";
  }
  return "none";
}

RoutingOutcome RoutingService::LoadForAction(core::Repository& repository,
                                             std::int64_t conversation_id, const Actor* actor,
                                             core::Conversation& conversation) const {
  const std::string name = "conversation " + std::to_string(conversation_id);
  auto found = repository.GetConversation(conversation_id);
  if (!found) {
    return {RoutingError::kConversationNotFound, name + " not found"};
  }
  conversation = std::move(*found);
  if (conversation.status == core::ConversationStatus::kResolved) {
    return {RoutingError::kResolved, name + " is resolved"};
  }
  if (conversation.tier == 0) {
    return {RoutingError::kNotHandedOff, name + " is with the bot; it has not been handed off"};
  }
  if (actor != nullptr && !actor->supervisor && conversation.assignee_agent_id != actor->agent_id) {
    return {RoutingError::kNotAssignee,
            name + " is not assigned to you; only its assignee or a supervisor may do this"};
  }
  return {};
}

RoutingService::RoutingService(RoutingConfig config, const core::ConversationService& conversations,
                               const core::TimeSource& clock)
    : config_(std::move(config)), conversations_(conversations), clock_(clock) {}

void RoutingService::ResolveAgents(core::Repository& repository) {
  agent_ids_.clear();
  routing_by_id_.clear();
  for (const auto& stored : repository.ListAgents()) {
    agent_ids_[stored.login] = stored.id;
  }
  for (const auto& agent : config_.agents) {
    if (const auto found = agent_ids_.find(agent.login); found != agent_ids_.end()) {
      routing_by_id_[found->second] = &agent;
    }
  }
}

const Team* RoutingService::FindTeam(std::string_view team_id) const {
  for (const auto& team : config_.teams) {
    if (team.id == team_id) {
      return &team;
    }
  }
  return nullptr;
}

const AgentRouting* RoutingService::FindAgentRouting(std::int64_t agent_id) const {
  const auto found = routing_by_id_.find(agent_id);
  return found == routing_by_id_.end() ? nullptr : found->second;
}

Capacity RoutingService::CapacityOf(std::int64_t agent_id) const {
  const AgentRouting* routing = FindAgentRouting(agent_id);
  return routing ? routing->capacity : Capacity{};
}

std::string RoutingService::TeamForIntent(const std::string& intent) const {
  if (!intent.empty()) {
    for (const auto& team : config_.teams) {
      if (std::find(team.skills.begin(), team.skills.end(), intent) != team.skills.end()) {
        return team.id;
      }
    }
  }
  if (!config_.settings.default_team.empty()) {
    return config_.settings.default_team;
  }
  return config_.teams.empty() ? std::string() : config_.teams.front().id;
}

void RoutingService::Emit(core::Repository& repository, std::string_view type,
                          const core::Conversation& conversation,
                          std::optional<std::int64_t> agent_id, std::string data_json) const {
  core::Event event;
  event.type = std::string(type);
  event.conversation_id = conversation.id;
  event.contact_id = conversation.contact_id;
  event.agent_id = agent_id;
  event.inbox_id = conversation.last_inbox_id;
  event.data_json = std::move(data_json);
  event.occurred_at = clock_.Now();
  repository.AppendEvent(event);
}

QueueEntry RoutingService::EntryFor(RoutingRepository& routes,
                                    const core::Conversation& conversation) const {
  if (auto entry = routes.GetEntry(conversation.id)) {
    return *entry;
  }
  QueueEntry entry;
  entry.conversation_id = conversation.id;
  entry.team_id = TeamForIntent("");
  const core::InboxProfile* inbox = conversations_.FindInbox(conversation.last_inbox_id);
  entry.channel_kind = inbox ? ChannelKind(inbox->channel) : std::string();
  entry.queued_at = conversation.handed_off_at.value_or(clock_.Now());
  routes.SaveEntry(entry);
  return *routes.GetEntry(conversation.id);
}

void RoutingService::OnConversationHandedOff(core::Repository& repository,
                                             const core::Conversation& conversation,
                                             const std::string& reason,
                                             const std::string& intent) const {
  auto routes = OpenRoutingRepository(repository);
  const core::TimePoint now = clock_.Now();
  QueueEntry entry;
  entry.conversation_id = conversation.id;
  entry.team_id = TeamForIntent(intent);
  const Team* team = FindTeam(entry.team_id);
  if (team != nullptr &&
      std::find(team->skills.begin(), team->skills.end(), intent) != team->skills.end()) {
    entry.required_skill = intent;
  }
  const core::InboxProfile* inbox = conversations_.FindInbox(conversation.last_inbox_id);
  entry.channel_kind = inbox ? ChannelKind(inbox->channel) : std::string();
  entry.queued_at = conversation.handed_off_at.value_or(now);
  routes->SaveEntry(entry);

  const auto escalation_reason = reason == "customer_request" ? EscalationReason::kCustomerRequest
                                                              : EscalationReason::kBotUnresolved;
  EmitEscalation(repository, conversation, 0, 1, escalation_reason, entry.team_id);
  if (timers_ != nullptr) {
    timers_->ScheduleAcceptTimeout(repository, conversation.id,
                                   now + config_.settings.accept_timeout);
    timers_->ScheduleResolutionTimeout(repository, conversation.id,
                                       now + config_.settings.tier2_after);
  }
  // The handoff writes the conversation row after this call, so the auto-assigner assigns it
  // in a later unit of work.
  RequestDrain();
}

RoutingOutcome RoutingService::Claim(core::Repository& repository, std::int64_t conversation_id,
                                     std::int64_t agent_id) const {
  core::Conversation conversation;
  if (auto check = LoadForAction(repository, conversation_id, nullptr, conversation); !check.ok()) {
    return check;
  }
  auto routes = OpenRoutingRepository(repository);
  if (conversation.assignee_agent_id == agent_id) {
    auto entry = EntryFor(*routes, conversation);
    if (!entry.accepted_at) {
      routes->MarkAccepted(conversation_id, clock_.Now());
      Emit(repository, events::kConversationAccepted, conversation, agent_id,
           json::serialize(json::object{{"team", entry.team_id}}));
    }
    return {};
  }
  if (conversation.assignee_agent_id) {
    return {RoutingError::kAlreadyAssigned,
            "conversation " + std::to_string(conversation_id) + " is assigned to another agent"};
  }
  const QueueEntry entry = EntryFor(*routes, conversation);
  if (!Assign(*routes, entry, std::nullopt, agent_id, false)) {
    return {RoutingError::kOverCapacity,
            "you are at your capacity for " +
                (entry.channel_kind.empty() ? std::string("conversations") : entry.channel_kind) +
                "; resolve or hand back a conversation first"};
  }
  Emit(repository, events::kConversationAssigned, conversation, agent_id,
       json::serialize(json::object{{"team", entry.team_id}, {"offered", false}, {"by", "claim"}}));
  return {};
}

RoutingOutcome RoutingService::Accept(core::Repository& repository, std::int64_t conversation_id,
                                      const Actor& actor) const {
  core::Conversation conversation;
  if (auto check = LoadForAction(repository, conversation_id, nullptr, conversation); !check.ok()) {
    return check;
  }
  if (conversation.assignee_agent_id != actor.agent_id) {
    return {RoutingError::kNotAssignee,
            "conversation " + std::to_string(conversation_id) + " is not offered to you"};
  }
  auto routes = OpenRoutingRepository(repository);
  const QueueEntry entry = EntryFor(*routes, conversation);
  if (entry.accepted_at) {
    return {};
  }
  if (!entry.offered_at) {
    return {RoutingError::kNotOffered,
            "conversation " + std::to_string(conversation_id) + " has no open offer"};
  }
  routes->MarkAccepted(conversation_id, clock_.Now());
  Emit(repository, events::kConversationAccepted, conversation, actor.agent_id,
       json::serialize(json::object{{"team", entry.team_id}}));
  return {};
}

RoutingOutcome RoutingService::TransferToAgent(core::Repository& repository,
                                               std::int64_t conversation_id, const Actor& actor,
                                               std::int64_t agent_id) const {
  core::Conversation conversation;
  if (auto check = LoadForAction(repository, conversation_id, &actor, conversation); !check.ok()) {
    return check;
  }
  const auto target = repository.GetAgent(agent_id);
  if (!target || !target->active) {
    return {RoutingError::kAgentNotFound, "agent " + std::to_string(agent_id) + " not found"};
  }
  if (conversation.assignee_agent_id == agent_id) {
    return {};
  }
  auto routes = OpenRoutingRepository(repository);
  const QueueEntry entry = EntryFor(*routes, conversation);
  if (!Assign(*routes, entry, conversation.assignee_agent_id, agent_id, false)) {
    return {RoutingError::kOverCapacity, "agent " + target->login + " is at capacity for " +
                                             entry.channel_kind + "; choose another agent"};
  }
  json::object data{{"to_agent_id", agent_id}};
  if (conversation.assignee_agent_id) {
    data["from_agent_id"] = *conversation.assignee_agent_id;
  }
  Emit(repository, events::kConversationTransferred, conversation, actor.agent_id,
       json::serialize(data));
  Emit(repository, events::kConversationAssigned, conversation, agent_id,
       json::serialize(
           json::object{{"team", entry.team_id}, {"offered", false}, {"by", "transfer"}}));
  RequestDrain();
  return {};
}

RoutingOutcome RoutingService::TransferToTeam(core::Repository& repository,
                                              std::int64_t conversation_id, const Actor& actor,
                                              const std::string& team_id) const {
  core::Conversation conversation;
  if (auto check = LoadForAction(repository, conversation_id, &actor, conversation); !check.ok()) {
    return check;
  }
  if (FindTeam(team_id) == nullptr) {
    return {RoutingError::kTeamNotFound, "team '" + team_id + "' is not configured"};
  }
  auto routes = OpenRoutingRepository(repository);
  QueueEntry entry = EntryFor(*routes, conversation);
  const std::string from_team = entry.team_id;
  routes->Unassign(conversation_id, clock_.Now());
  entry.team_id = team_id;
  entry.required_skill.clear();
  entry.offered_at.reset();
  entry.accepted_at.reset();
  routes->SaveEntry(entry);
  Emit(repository, events::kConversationTransferred, conversation, actor.agent_id,
       json::serialize(json::object{{"from_team", from_team}, {"to_team", team_id}}));
  RequestDrain();
  return {};
}

RoutingOutcome RoutingService::SetPriority(core::Repository& repository,
                                           std::int64_t conversation_id, const Actor& actor,
                                           core::Priority priority) const {
  core::Conversation conversation;
  if (auto check = LoadForAction(repository, conversation_id, nullptr, conversation); !check.ok()) {
    return check;
  }
  // Any agent may reprioritize a queued conversation; an assigned one needs its assignee.
  if (conversation.assignee_agent_id) {
    if (auto check = LoadForAction(repository, conversation_id, &actor, conversation);
        !check.ok()) {
      return check;
    }
  }
  if (sla_ != nullptr) {
    const auto changed = sla_->SetPriority(repository, conversation_id, priority, actor.agent_id);
    if (!changed.ok()) {
      return {changed.error == core::ActionError::kConversationNotFound
                  ? RoutingError::kConversationNotFound
                  : RoutingError::kResolved,
              changed.detail};
    }
    RequestDrain();
    return {};
  }
  const core::Priority previous = conversation.priority;
  if (previous == priority) {
    return {};
  }
  conversation.priority = priority;
  conversation.updated_at = clock_.Now();
  repository.UpdateConversation(conversation);
  Emit(repository, events::kConversationPriorityChanged, conversation, actor.agent_id,
       json::serialize(json::object{{"priority", core::ToString(priority)},
                                    {"previous", core::ToString(previous)},
                                    {"source", "agent"}}));
  RequestDrain();
  return {};
}

RoutingOutcome RoutingService::SetPresence(core::Repository& repository, std::int64_t agent_id,
                                           const Actor& actor, Presence presence) const {
  if (!actor.supervisor && actor.agent_id != agent_id) {
    return {RoutingError::kForbidden, "agents may set only their own presence"};
  }
  if (!repository.GetAgent(agent_id)) {
    return {RoutingError::kAgentNotFound, "agent " + std::to_string(agent_id) + " not found"};
  }
  auto routes = OpenRoutingRepository(repository);
  const Presence previous = routes->GetPresence(agent_id);
  routes->SetPresence(agent_id, presence, clock_.Now());
  if (previous != presence) {
    core::Event event;
    event.type = std::string(events::kAgentPresenceChanged);
    event.agent_id = agent_id;
    event.data_json = json::serialize(
        json::object{{"presence", ToString(presence)}, {"previous", ToString(previous)}});
    event.occurred_at = clock_.Now();
    repository.AppendEvent(event);
  }
  if (presence == Presence::kOnline) {
    RequestDrain();
  }
  return {};
}

std::vector<AgentState> RoutingService::ListAgentStates(core::Repository& repository) const {
  auto routes = OpenRoutingRepository(repository);
  std::vector<AgentState> states;
  for (auto& agent : repository.ListAgents()) {
    AgentState state;
    state.presence = routes->GetPresence(agent.id, &state.presence_changed_at);
    state.load = routes->LoadOf(agent.id);
    state.agent = std::move(agent);
    states.push_back(std::move(state));
  }
  return states;
}

SlaScope RoutingService::SlaScopeOf(core::Repository& repository,
                                    const core::Conversation& conversation) const {
  SlaScope scope;
  const auto entry = OpenRoutingRepository(repository)->GetEntry(conversation.id);
  scope.team_id = entry ? entry->team_id : TeamForIntent("");
  if (const Team* team = FindTeam(scope.team_id)) {
    scope.calendar_id = team->calendar;
  }
  return scope;
}

std::string DescribeWait(std::chrono::seconds wait) {
  const auto plural = [](long long count, const char* unit) {
    return std::to_string(count) + " " + unit + (count == 1 ? "" : "s");
  };
  const long long seconds = wait.count();
  if (seconds < 60) {
    return plural(seconds, "second");
  }
  if (seconds < 2 * 3600) {
    return plural((seconds + 59) / 60, "minute");
  }
  return plural((seconds + 3599) / 3600, "hour");
}

}  // namespace mobilelink::routing
