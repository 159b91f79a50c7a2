#pragma once

// Parser of the `routing` and `teams` sections and of the routing keys of `agents` items.
//
// | key | meaning | unit | default |
// | --- | --- | --- | --- |
// | routing.accept_timeout_s | time a tier 1 agent has to accept a handoff | seconds | 120 |
// | routing.tier2_after_s | time at tier 1 without resolution before tier 2 | seconds | 900 |
// | routing.tier2_expected_wait_s | wait quoted to customers at tier 2 | seconds | 14400 |
// | routing.default_team | team of handoffs whose intent no team lists | team id | first team |
// | routing.tier2_team | team that queues tier 2 work | team id | none |
// | routing.notices.* | accept_timeout, resolution_timeout, needs_engineering, manual | text | "" |
// | teams[] | id, name, skills, policy, overflow_team, calendar, supervisors | | |
// | agents[].teams, .skills | team ids and skill names | | [] |
// | agents[].capacity | total, sms, whatsapp, webchat | conversations | total 5 |

#include <set>
#include <string>
#include <vector>

#include "mobilelink/config/config.hpp"
#include "mobilelink/config/yaml_node.hpp"
#include "mobilelink/routing/model.hpp"

namespace mobilelink::config {

/// The keys that an `agents` item may carry for routing.
inline const std::set<std::string> kAgentRoutingKeys{"teams", "skills", "capacity"};

/// Parses `routing`, `teams` and the routing keys of each `agents` item, and checks every
/// reference between them. Throws ConfigError naming the key path.
routing::RoutingConfig ParseRouting(const Node& routing, const Node& teams, const Node& agents);

/// Fails unless every team's calendar names an entry of `calendars`.
void CheckTeamCalendars(const routing::RoutingConfig& routing,
                        const std::vector<CalendarConfig>& calendars);

}  // namespace mobilelink::config
