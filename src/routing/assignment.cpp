// Auto-assignment of RoutingService: the team queues drain to agents that are online and within
// capacity, by the team's policy.

#include <algorithm>

#include <boost/json.hpp>

#include "mobilelink/events/event_types.hpp"
#include "mobilelink/routing/routing_service.hpp"

namespace mobilelink::routing {

namespace {

// Bounds one drain of one team; the next drain continues where this one stopped.
constexpr int kMaxDrainPerTeam = 200;

bool HasSkill(const AgentRouting& agent, const std::string& skill) {
  return std::find(agent.skills.begin(), agent.skills.end(), skill) != agent.skills.end();
}

int LimitFor(const Capacity& capacity, const std::string& channel_kind) {
  const auto found = capacity.per_channel.find(channel_kind);
  return found == capacity.per_channel.end() ? capacity.total
                                             : std::min(capacity.total, found->second);
}

}  // namespace

bool RoutingService::Assign(RoutingRepository& routes, const QueueEntry& entry,
                            std::optional<std::int64_t> expected, std::int64_t agent_id,
                            bool offered) const {
  const Capacity capacity = CapacityOf(agent_id);
  AssignRequest request;
  request.conversation_id = entry.conversation_id;
  request.expected_assignee = expected;
  request.agent_id = agent_id;
  request.channel_kind = entry.channel_kind;
  request.max_total = capacity.total;
  if (const auto found = capacity.per_channel.find(entry.channel_kind);
      found != capacity.per_channel.end()) {
    request.max_for_channel = found->second;
  }
  request.offered = offered;
  request.now = clock_.Now();
  return routes.AssignWithinCapacity(request);
}

std::vector<RoutingService::Candidate> RoutingService::Candidates(RoutingRepository& routes,
                                                                  const Team& team) const {
  std::vector<Candidate> candidates;
  for (const auto& [agent_id, routing] : routing_by_id_) {
    if (std::find(routing->teams.begin(), routing->teams.end(), team.id) == routing->teams.end()) {
      continue;
    }
    if (routes.GetPresence(agent_id) != Presence::kOnline) {
      continue;
    }
    candidates.push_back({agent_id, routes.LoadOf(agent_id), routing});
  }
  return candidates;
}

std::optional<std::int64_t> RoutingService::PickAgent(
    RoutingRepository& routes, const Team& team, const QueueEntry& entry,
    const std::vector<Candidate>& candidates) const {
  std::vector<const Candidate*> eligible;
  for (const auto& candidate : candidates) {
    const Capacity& capacity = candidate.routing->capacity;
    const auto on_channel = candidate.load.per_channel.find(entry.channel_kind);
    const int channel_load =
        on_channel == candidate.load.per_channel.end() ? 0 : on_channel->second;
    if (candidate.load.total >= capacity.total ||
        channel_load >= LimitFor(capacity, entry.channel_kind)) {
      continue;
    }
    if (team.policy == Policy::kSkills && !entry.required_skill.empty() &&
        !HasSkill(*candidate.routing, entry.required_skill)) {
      continue;
    }
    eligible.push_back(&candidate);
  }
  if (eligible.empty()) {
    return std::nullopt;
  }
  if (team.policy == Policy::kRoundRobin) {
    // Candidates are ordered by agent id; the rotation continues after the last agent picked.
    const auto last = routes.LastRoundRobinAgent(team.id);
    for (const Candidate* candidate : eligible) {
      if (!last || candidate->agent_id > *last) {
        return candidate->agent_id;
      }
    }
    return eligible.front()->agent_id;
  }
  // Least busy, also the tie-break of the skills policy: fewest open conversations, then fewest
  // on this channel, then the lowest id so that the choice is stable.
  const auto busy = [&](const Candidate* candidate) {
    const auto on_channel = candidate->load.per_channel.find(entry.channel_kind);
    return std::make_tuple(candidate->load.total,
                           on_channel == candidate->load.per_channel.end() ? 0 : on_channel->second,
                           candidate->agent_id);
  };
  return (*std::min_element(eligible.begin(), eligible.end(),
                            [&](const Candidate* left, const Candidate* right) {
                              return busy(left) < busy(right);
                            }))
      ->agent_id;
}

int RoutingService::DrainTeam(core::Repository& repository, RoutingRepository& routes,
                              const Team& team) const {
  auto candidates = Candidates(routes, team);
  if (candidates.empty()) {
    return 0;
  }
  int assigned = 0;
  for (const auto& entry : routes.ListWaiting(team.id, kMaxDrainPerTeam)) {
    const auto agent_id = PickAgent(routes, team, entry, candidates);
    if (!agent_id) {
      continue;
    }
    if (!Assign(routes, entry, std::nullopt, *agent_id, true)) {
      continue;
    }
    ++assigned;
    for (auto& candidate : candidates) {
      if (candidate.agent_id == *agent_id) {
        candidate.load.total += 1;
        candidate.load.per_channel[entry.channel_kind] += 1;
      }
    }
    if (team.policy == Policy::kRoundRobin) {
      routes.SetLastRoundRobinAgent(team.id, *agent_id);
    }
    if (auto conversation = repository.GetConversation(entry.conversation_id)) {
      Emit(repository, events::kConversationAssigned, *conversation, *agent_id,
           boost::json::serialize(boost::json::object{{"team", team.id},
                                                      {"offered", true},
                                                      {"by", "auto"},
                                                      {"policy", ToString(team.policy)}}));
    }
  }
  return assigned;
}

int RoutingService::DrainAll(core::Repository& repository) const {
  auto routes = OpenRoutingRepository(repository);
  int assigned = 0;
  for (const auto& team : config_.teams) {
    assigned += DrainTeam(repository, *routes, team);
  }
  return assigned;
}

}  // namespace mobilelink::routing
