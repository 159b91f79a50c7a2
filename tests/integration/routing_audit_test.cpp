// Audit rows of the routing routes: each successful claim, accept, assign, transfer, escalate,
// priority and presence change appends one row in its own transaction, and the chain checks out.

#include <cstdio>

#include "server_fixture.hpp"

namespace mobilelink::integration {
namespace {

namespace json = boost::json;

class RoutingAudit : public ServerFixture {
 protected:
  [[nodiscard]] std::string AdjustConfigYaml(std::string yaml) const override {
    const std::string alice = "    name: Alice Agent\n    role: agent\n";
    yaml.insert(yaml.find(alice) + alice.size(), "    teams: [support]\n");
    const std::string carol = "    name: Carol Supervisor\n    role: supervisor\n";
    yaml.insert(yaml.find(carol) + carol.size(), "    teams: [support, backup]\n");
    yaml +=
        "teams:\n"
        "  - id: support\n"
        "    name: Support\n"
        "    supervisors: [bob]\n"
        "  - id: backup\n"
        "    name: Backup\n"
        "    supervisors: [bob]\n"
        "routing:\n"
        "  default_team: support\n";
    return yaml;
  }

  std::int64_t AgentId(const std::string& login) const {
    return Store().Integer("SELECT id FROM agents WHERE login = '" + login + "'");
  }

  static std::string Path(std::int64_t id, const std::string& action) {
    return "/api/v1/conversations/" + std::to_string(id) + "/" + action;
  }

  // Returns "actor_id action target old -> new" of the newest audit row.
  std::string LastRow() const {
    const auto rows = Store().Texts(
        "SELECT actor_id || ' ' || action || ' ' || target || ' ' || old_value || ' -> ' || "
        "new_value FROM audit_log ORDER BY id DESC LIMIT 1");
    return rows.empty() ? std::string() : rows.front();
  }

  std::int64_t Rows() const { return Store().Integer("SELECT COUNT(*) FROM audit_log"); }

  int RunAuditVerify() const {
    const std::string command = std::string(MOBILELINK_BINARY) + " audit verify --db '" +
                                StorePath().string() + "' > /dev/null 2>&1";
    return WEXITSTATUS(std::system(command.c_str()));
  }
};

TEST_F(RoutingAudit, EachRouteAppendsOneRow) {
  const std::string alice = Login("alice", kAgentPassword);
  const std::string bob = Login("bob", kSupervisorPassword);
  const std::string carol = Login("carol", kSupervisorPassword);
  const std::string alice_id = std::to_string(AgentId("alice"));
  const std::string bob_id = std::to_string(AgentId("bob"));
  const std::string carol_id = std::to_string(AgentId("carol"));
  ASSERT_EQ(PostSms("SM-audit-route-1", "+12025550151", "I want to talk to a human").status, 200);
  const std::int64_t conversation = Store().Integer(
      "SELECT conversation_id FROM messages WHERE provider_message_id = 'SM-audit-route-1'");
  const std::string target = "conversation:" + std::to_string(conversation);
  const std::int64_t before = Rows();

  ASSERT_EQ(Api("POST", Path(conversation, "claim"), alice).status, 200);
  EXPECT_EQ(LastRow(), alice_id + " conversation.claimed " + target +
                           " team=support agent=none accepted=no priority=standard tier=1 -> "
                           "team=support agent=" + alice_id +
                           " accepted=yes priority=standard tier=1");

  ASSERT_EQ(Api("POST", Path(conversation, "accept"), alice).status, 200);
  EXPECT_EQ(LastRow().rfind(alice_id + " conversation.accepted " + target, 0), 0u) << LastRow();

  const auto assigned = Api("POST", Path(conversation, "assign"), bob,
                            json::serialize(json::object{{"agent_id", AgentId("carol")}}));
  ASSERT_EQ(assigned.status, 200) << assigned.body;
  EXPECT_EQ(LastRow().rfind(bob_id + " conversation.assigned " + target, 0), 0u) << LastRow();
  EXPECT_NE(LastRow().find("-> team=support agent=" + carol_id), std::string::npos) << LastRow();

  const auto transferred =
      Api("POST", Path(conversation, "transfer"), carol, R"({"team": "backup"})");
  ASSERT_EQ(transferred.status, 200) << transferred.body;
  EXPECT_EQ(LastRow().rfind(carol_id + " conversation.transferred " + target, 0), 0u)
      << LastRow();
  EXPECT_NE(LastRow().find("-> team=backup"), std::string::npos) << LastRow();

  const auto prioritized =
      Api("PUT", Path(conversation, "priority"), bob, R"({"priority": "high"})");
  ASSERT_EQ(prioritized.status, 200) << prioritized.body;
  EXPECT_EQ(LastRow().rfind(bob_id + " conversation.priority_changed " + target, 0), 0u)
      << LastRow();
  EXPECT_NE(LastRow().find("-> team=backup agent=none accepted=no priority=high"),
            std::string::npos)
      << LastRow();

  const auto escalated =
      Api("POST", Path(conversation, "escalate"), bob, R"({"reason": "manual"})");
  ASSERT_EQ(escalated.status, 200) << escalated.body;
  EXPECT_EQ(LastRow().rfind(bob_id + " conversation.escalated " + target, 0), 0u) << LastRow();

  const auto presence = Api("PUT", "/api/v1/agents/" + alice_id + "/presence", alice,
                            R"({"presence": "away"})");
  ASSERT_EQ(presence.status, 200) << presence.body;
  EXPECT_EQ(LastRow(), alice_id + " agent.presence_changed agent:" + alice_id + " offline -> away");

  EXPECT_EQ(Rows(), before + 7);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'conversation.%' "
                            "AND channel = 'twilio_sms' AND conversation_id = " +
                            std::to_string(conversation)),
            6);
  EXPECT_EQ(RunAuditVerify(), 0);
}

TEST_F(RoutingAudit, RejectedRouteAppendsNothing) {
  const std::string alice = Login("alice", kAgentPassword);
  ASSERT_EQ(PostSms("SM-audit-route-2", "+12025550152", "I want to talk to a human").status, 200);
  const std::int64_t conversation = Store().Integer(
      "SELECT conversation_id FROM messages WHERE provider_message_id = 'SM-audit-route-2'");
  const std::int64_t before = Rows();
  EXPECT_EQ(Api("POST", Path(conversation, "accept"), alice).status, 403);
  EXPECT_EQ(Api("PUT", "/api/v1/agents/" + std::to_string(AgentId("bob")) + "/presence", alice,
                R"({"presence": "online"})")
                .status,
            403);
  EXPECT_EQ(Rows(), before);
}

}  // namespace
}  // namespace mobilelink::integration
