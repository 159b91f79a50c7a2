#pragma once

// Plain types of the routing layer: teams, the routing facts about agents, presence, the queue
// entry of a handed-off conversation and the routing settings. Nothing here depends on SQL,
// sockets or providers.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mobilelink/core/model.hpp"
#include "mobilelink/core/repository.hpp"

namespace mobilelink::routing {

/// Rule by which a team picks the agent for the next queued conversation.
enum class Policy { kLeastBusy, kRoundRobin, kSkills };

/// Availability that the agent sets explicitly. An open console is tracked separately.
enum class Presence { kOnline, kAway, kOffline };

std::string_view ToString(Policy value);
std::string_view ToString(Presence value);
std::optional<Policy> ParsePolicy(std::string_view text);
std::optional<Presence> ParsePresence(std::string_view text);

/// Returns the capacity key of a channel: sms for twilio_sms, otherwise the channel name
/// (whatsapp, webchat).
std::string ChannelKind(std::string_view channel);

/// Maximum concurrent conversations of an agent, in total and per channel kind. A channel kind
/// without an entry is limited by the total only.
struct Capacity {
  int total = 5;
  std::map<std::string, int> per_channel;  // sms, whatsapp, webchat.
};

struct Team {
  std::string id;
  std::string name;
  std::vector<std::string> skills;
  Policy policy = Policy::kLeastBusy;
  std::string overflow_team;             // Empty when the team has none.
  std::string calendar;                  // Id of an entry of the `calendars` config section.
  std::vector<std::string> supervisors;  // Agent logins alerted on escalations of this team.
};

/// The routing facts of one configured agent.
struct AgentRouting {
  std::string login;
  std::vector<std::string> teams;
  std::vector<std::string> skills;
  Capacity capacity;
};

/// Customer-facing texts sent when a conversation escalates. `{team}` is replaced by the team
/// name and `{wait}` by the expected wait ("2 minutes"). An empty text sends nothing.
struct EscalationNotices {
  std::string accept_timeout;
  std::string resolution_timeout;
  std::string needs_engineering;
  std::string manual;
};

struct RoutingSettings {
  std::chrono::seconds accept_timeout{120};
  std::chrono::seconds tier2_after{900};
  std::chrono::seconds tier2_expected_wait{4 * 3600};  // Quoted to the customer as {wait}.
  std::string default_team;  // Team of handoffs whose intent no team lists as a skill.
  std::string tier2_team;    // When set, tier 2 escalations are queued on this team.
  EscalationNotices notices;
};

struct RoutingConfig {
  RoutingSettings settings;
  std::vector<Team> teams;
  std::vector<AgentRouting> agents;
};

/// The routing state of a handed-off conversation, kept beside the conversation row.
struct QueueEntry {
  std::int64_t conversation_id = 0;
  std::string team_id;
  std::string channel_kind;
  std::string required_skill;  // Empty when any agent of the team may take it.
  core::Priority priority = core::Priority::kStandard;
  int tier = 1;
  core::TimePoint queued_at;  // Handoff time; the queue drains by priority, then by this.
  std::optional<std::int64_t> assignee_agent_id;
  std::optional<core::TimePoint> offered_at;   // Set when the auto-assigner picked the agent.
  std::optional<core::TimePoint> accepted_at;  // Set by a claim or an accepted offer.
  int escalations = 0;
};

/// Open conversations assigned to an agent, in total and per channel kind.
struct AgentLoad {
  int total = 0;
  std::map<std::string, int> per_channel;
};

/// Routing state of an agent as the API reports it.
struct AgentState {
  core::Agent agent;
  Presence presence = Presence::kOffline;
  std::optional<core::TimePoint> presence_changed_at;
  AgentLoad load;
};

}  // namespace mobilelink::routing
