// The accept timeout moves an unaccepted handoff to the overflow team once. The overflow team
// has no overflow team of its own, so a second timeout must not escalate the conversation to
// the team it is already in, and the customer must get the busy notice only once.

#include "server_fixture.hpp"

namespace mobilelink::integration {
namespace {

constexpr char kCustomer[] = "+12025550133";
constexpr char kBusyNotice[] = "All agents are busy. Backup will answer soon.";

class AcceptTimeoutNotice : public ServerFixture {
 protected:
  AcceptTimeoutNotice() {
    use_manual_clock_ = true;
    timer_idle_poll_ = std::chrono::milliseconds(10);
  }

  [[nodiscard]] std::string AdjustConfigYaml(std::string yaml) const override {
    const std::string alice = "    name: Alice Agent\n    role: agent\n";
    yaml.insert(yaml.find(alice) + alice.size(), "    teams: [support]\n");
    yaml +=
        "teams:\n"
        "  - id: support\n"
        "    name: Support\n"
        "    overflow_team: backup\n"
        "  - id: backup\n"
        "    name: Backup\n"
        "routing:\n"
        "  default_team: support\n"
        "  accept_timeout_s: 120\n"
        "  notices:\n"
        "    accept_timeout: \"All agents are busy. {team} will answer soon.\"\n";
    return yaml;
  }

  std::int64_t AcceptTimeoutEscalations(std::int64_t conversation) const {
    return Store().Integer(
        "SELECT COUNT(*) FROM events WHERE type = 'escalation.raised' AND conversation_id = " +
        std::to_string(conversation) + " AND data_json LIKE '%accept_timeout%'");
  }
};

TEST_F(AcceptTimeoutNotice, SentOnceAfterOverflow) {
  const std::string alice = Login("alice", kAgentPassword);
  const std::int64_t alice_id = Store().Integer("SELECT id FROM agents WHERE login = 'alice'");
  ASSERT_EQ(Api("PUT", "/api/v1/agents/" + std::to_string(alice_id) + "/presence", alice,
                R"({"presence": "online"})")
                .status,
            200);
  ASSERT_EQ(PostSms("SM60000000000000000000000000000001", kCustomer, "I want to talk to a human")
                .status,
            200);
  const std::int64_t conversation = Store().Integer(
      "SELECT conversation_id FROM messages WHERE provider_message_id = "
      "'SM60000000000000000000000000000001'");

  manual_clock_.Advance(std::chrono::seconds(121));
  ASSERT_TRUE(WaitForSends(kBusyNotice));
  ASSERT_TRUE(WaitUntil([&] { return AcceptTimeoutEscalations(conversation) == 1; }));

  // Nobody accepts in the backup team either. Give its timer, if any, time to fire.
  manual_clock_.Advance(std::chrono::seconds(121));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ASSERT_TRUE(WaitForOutboxIdle());
  EXPECT_EQ(SendsWithText(kBusyNotice).size(), 1u);
  EXPECT_EQ(AcceptTimeoutEscalations(conversation), 1);
}

}  // namespace
}  // namespace mobilelink::integration
