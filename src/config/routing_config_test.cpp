#include "mobilelink/config/routing_config.hpp"

#include <string>

#include <gtest/gtest.h>

#include "mobilelink/config/testing/config_error.hpp"

namespace mobilelink::config {
namespace {

const std::string kBase = MinimalConfig(kSmsInbox);

const std::string kAgents = R"(agents:
  - login: alice
    name: Alice
    role: agent
    password_hash: "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g"
    teams: [support]
    skills: [billing]
    capacity: {total: 4, sms: 2, webchat: 3}
  - login: bob
    name: Bob
    role: supervisor
    password_hash: "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g"
)";

const std::string kCalendars = R"(calendars:
  - id: office_hours
    time_zone: Europe/Berlin
    hours:
      mon: ["09:00-17:00"]
)";

const std::string kTeams = R"(teams:
  - id: support
    name: Support
    skills: [billing]
    policy: skills
    overflow_team: backup
    calendar: office_hours
    supervisors: [bob]
  - id: backup
    policy: round_robin
)";

TEST(RoutingConfig, ParsesTeamsAndAgents) {
  const Config config = ParseConfig(kBase + kAgents + kCalendars + kTeams + R"(routing:
  accept_timeout_s: 60
  default_team: support
  tier2_team: backup
  notices:
    accept_timeout: "Wait {wait}."
)",
                                    "test.yaml");
  const auto& routing = config.routing;
  EXPECT_EQ(routing.settings.accept_timeout, std::chrono::seconds(60));
  EXPECT_EQ(routing.settings.tier2_after, std::chrono::seconds(900));
  EXPECT_EQ(routing.settings.notices.accept_timeout, "Wait {wait}.");
  ASSERT_EQ(routing.teams.size(), 2u);
  EXPECT_EQ(routing.teams[0].policy, routing::Policy::kSkills);
  EXPECT_EQ(routing.teams[0].overflow_team, "backup");
  EXPECT_EQ(routing.teams[0].calendar, "office_hours");
  EXPECT_EQ(routing.teams[1].name, "backup");
  ASSERT_EQ(routing.agents.size(), 2u);
  EXPECT_EQ(routing.agents[0].capacity.total, 4);
  EXPECT_EQ(routing.agents[0].capacity.per_channel.at("sms"), 2);
  EXPECT_FALSE(routing.agents[0].capacity.per_channel.contains("whatsapp"));
  EXPECT_EQ(routing.agents[1].capacity.total, 5);
}

TEST(RoutingConfig, DefaultsWithoutSections) {
  const Config config = ParseConfig(kBase, "test.yaml");
  EXPECT_TRUE(config.routing.teams.empty());
  EXPECT_EQ(config.routing.settings.accept_timeout, std::chrono::seconds(120));
}

TEST(RoutingConfig, RejectsBadValues) {
  const struct {
    std::string yaml;
    std::string expected;
  } cases[] = {
      {kAgents + kTeams, "teams[0].calendar: unknown calendar 'office_hours'"},
      {kAgents + kTeams + "routing:\n  accept_timeout_s: 0\n",
       "routing.accept_timeout_s: must be between 1 and 604800"},
      {kAgents + kTeams + "routing:\n  default_team: nope\n",
       "routing.default_team: unknown team 'nope'"},
      {kAgents + kTeams + "routing:\n  colour: red\n", "routing.colour: unknown key"},
      {kAgents + "teams:\n  - id: a\n    policy: fastest\n",
       "teams[0].policy: unknown policy 'fastest'"},
      {kAgents + "teams:\n  - id: support\n    overflow_team: support\n",
       "teams[0].overflow_team: a team cannot overflow to itself"},
      {kAgents + "teams:\n  - id: support\n    supervisors: [zed]\n",
       "teams[0].supervisors[0]: unknown agent login 'zed'"},
      {kAgents + "teams:\n  - id: support\n  - id: support\n", "teams[1].id: duplicate team id"},
      {kAgents + "teams:\n  - id: other\n", "agents[0].teams[0]: unknown team 'support'"},
  };
  for (const auto& test : cases) {
    EXPECT_NE(ErrorOf(kBase + test.yaml).find(test.expected), std::string::npos)
        << ErrorOf(kBase + test.yaml);
  }
}

TEST(RoutingConfig, RejectsBadCapacity) {
  std::string agents = kAgents;
  agents.replace(agents.find("sms: 2"), 6, "fax: 2");
  EXPECT_NE(
      ErrorOf(kBase + agents + kCalendars + kTeams).find("agents[0].capacity.fax: unknown key"),
      std::string::npos);
  agents = kAgents;
  agents.replace(agents.find("total: 4"), 8, "total: 0");
  EXPECT_NE(ErrorOf(kBase + agents + kCalendars + kTeams)
                .find("agents[0].capacity.total: must be between"),
            std::string::npos);
}

}  // namespace
}  // namespace mobilelink::config
