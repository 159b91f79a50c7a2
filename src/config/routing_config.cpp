#include "mobilelink/config/routing_config.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "mobilelink/config/value_checks.hpp"

namespace mobilelink::config {

namespace {

constexpr int kMaxTimeoutSeconds = 7 * 24 * 3600;
constexpr int kMaxCapacity = 1000;
const std::set<std::string> kChannelKinds{"sms", "whatsapp", "webchat"};

routing::EscalationNotices ParseNotices(const Node& node) {
  routing::EscalationNotices notices;
  if (!node.node.IsDefined()) {
    return notices;
  }
  CheckKeys(node, {"accept_timeout", "resolution_timeout", "needs_engineering", "manual"});
  for (auto [key, text] : {std::pair{"accept_timeout", &notices.accept_timeout},
                           std::pair{"resolution_timeout", &notices.resolution_timeout},
                           std::pair{"needs_engineering", &notices.needs_engineering},
                           std::pair{"manual", &notices.manual}}) {
    const Node notice = Child(node, key);
    *text = Text(notice, false);
    // The escalation fills {team} with the team's name and {wait} with the expected wait.
    CheckTemplate(notice.path, *text, kSingleBraces, {"team", "wait"});
  }
  return notices;
}

routing::RoutingSettings ParseSettings(const Node& node) {
  routing::RoutingSettings settings;
  if (!node.node.IsDefined()) {
    return settings;
  }
  CheckKeys(node, {"accept_timeout_s", "tier2_after_s", "tier2_expected_wait_s", "default_team",
                   "tier2_team", "notices"});
  settings.accept_timeout =
      std::chrono::seconds(Integer(Child(node, "accept_timeout_s"), 120, 1, kMaxTimeoutSeconds));
  settings.tier2_after =
      std::chrono::seconds(Integer(Child(node, "tier2_after_s"), 900, 1, kMaxTimeoutSeconds));
  settings.tier2_expected_wait = std::chrono::seconds(
      Integer(Child(node, "tier2_expected_wait_s"), 4 * 3600, 1, kMaxTimeoutSeconds));
  settings.default_team = Text(Child(node, "default_team"), false);
  settings.tier2_team = Text(Child(node, "tier2_team"), false);
  settings.notices = ParseNotices(Child(node, "notices"));
  return settings;
}

routing::Team ParseTeam(const Node& item) {
  CheckKeys(item, {"id", "name", "skills", "policy", "overflow_team", "calendar", "supervisors"});
  routing::Team team;
  team.id = Text(Child(item, "id"), true);
  team.name = Text(Child(item, "name"), false, team.id);
  team.skills = TextList(Child(item, "skills"));
  const std::string policy = Text(Child(item, "policy"), false, "least_busy");
  const auto parsed = routing::ParsePolicy(policy);
  if (!parsed) {
    Fail(item.path + ".policy",
         "unknown policy '" + policy + "'; expected least_busy, round_robin or skills");
  }
  team.policy = *parsed;
  team.overflow_team = Text(Child(item, "overflow_team"), false);
  team.calendar = Text(Child(item, "calendar"), false);
  team.supervisors = TextList(Child(item, "supervisors"));
  return team;
}

routing::Capacity ParseCapacity(const Node& node) {
  routing::Capacity capacity;
  if (!node.node.IsDefined()) {
    return capacity;
  }
  CheckKeys(node, {"total", "sms", "whatsapp", "webchat"});
  capacity.total = Integer(Child(node, "total"), capacity.total, 1, kMaxCapacity);
  for (const auto& kind : kChannelKinds) {
    const Node limit = Child(node, kind);
    if (limit.node.IsDefined()) {
      capacity.per_channel[kind] = Integer(limit, 0, 0, kMaxCapacity);
    }
  }
  return capacity;
}

void RequireTeam(const std::set<std::string>& team_ids, const std::string& id,
                 const std::string& path) {
  if (!id.empty() && !team_ids.contains(id)) {
    Fail(path, "unknown team '" + id + "'; expected one of the ids under teams: " + Join(team_ids));
  }
}

}  // namespace

routing::RoutingConfig ParseRouting(const Node& routing, const Node& teams, const Node& agents) {
  routing::RoutingConfig config;
  config.settings = ParseSettings(routing);

  std::set<std::string> team_ids;
  ForEachItem(teams, [&](const Node& item) {
    auto team = ParseTeam(item);
    if (!team_ids.insert(team.id).second) {
      Fail(item.path + ".id", "duplicate team id '" + team.id + "'");
    }
    config.teams.push_back(std::move(team));
  });

  std::set<std::string> logins;
  ForEachItem(agents, [&](const Node& item) {
    routing::AgentRouting agent;
    agent.login = Text(Child(item, "login"), true);
    agent.teams = TextList(Child(item, "teams"));
    for (std::size_t i = 0; i < agent.teams.size(); ++i) {
      RequireTeam(team_ids, agent.teams[i], item.path + ".teams[" + std::to_string(i) + "]");
    }
    agent.skills = TextList(Child(item, "skills"));
    agent.capacity = ParseCapacity(Child(item, "capacity"));
    logins.insert(agent.login);
    config.agents.push_back(std::move(agent));
  });

  for (std::size_t i = 0; i < config.teams.size(); ++i) {
    const auto& team = config.teams[i];
    const std::string path = teams.path + "[" + std::to_string(i) + "]";
    RequireTeam(team_ids, team.overflow_team, path + ".overflow_team");
    if (team.overflow_team == team.id) {
      Fail(path + ".overflow_team", "a team cannot overflow to itself; name another team");
    }
    for (std::size_t s = 0; s < team.supervisors.size(); ++s) {
      if (!logins.contains(team.supervisors[s])) {
        Fail(path + ".supervisors[" + std::to_string(s) + "]",
             "unknown agent login '" + team.supervisors[s] + "'; list logins from agents");
      }
    }
  }
  RequireTeam(team_ids, config.settings.default_team, routing.path + ".default_team");
  RequireTeam(team_ids, config.settings.tier2_team, routing.path + ".tier2_team");
  return config;
}

void CheckTeamCalendars(const routing::RoutingConfig& routing,
                        const std::vector<CalendarConfig>& calendars) {
  std::set<std::string> ids;
  for (const auto& calendar : calendars) {
    ids.insert(calendar.id);
  }
  for (std::size_t i = 0; i < routing.teams.size(); ++i) {
    const std::string& calendar = routing.teams[i].calendar;
    if (!calendar.empty() && !ids.contains(calendar)) {
      Fail("teams[" + std::to_string(i) + "].calendar",
           "unknown calendar '" + calendar +
               "'; expected one of the ids under calendars: " + Join(ids));
    }
  }
}

}  // namespace mobilelink::config
