// Teams, assignment, escalation and the agent live feed, end to end over SMS and WebSocket.

#include <algorithm>

#include "server_fixture.hpp"
#include "websocket_client.hpp"

namespace mobilelink::integration {
namespace {

constexpr char kCustomerA[] = "+12025550131";
constexpr char kCustomerB[] = "+12025550132";
constexpr char kEngineeringNotice[] =
    "An engineer will look at this; expect an answer within 4 hours.";
constexpr std::chrono::milliseconds kFrameWait{5000};

namespace json = boost::json;

// Alice (capacity 1) and carol work the support team, which bob supervises and which
// overflows to backup.
class RoutingApi : public ServerFixture {
 protected:
  [[nodiscard]] std::string AdjustConfigYaml(std::string yaml) const override {
    const std::string alice = "    name: Alice Agent\n    role: agent\n";
    yaml.insert(yaml.find(alice) + alice.size(),
                "    teams: [support]\n    capacity: {total: 1, sms: 1}\n");
    const std::string carol = "    name: Carol Supervisor\n    role: supervisor\n";
    yaml.insert(yaml.find(carol) + carol.size(), "    teams: [support, backup]\n");
    yaml +=
        "teams:\n"
        "  - id: support\n"
        "    name: Support\n"
        "    overflow_team: backup\n"
        "    supervisors: [bob]\n"
        "  - id: backup\n"
        "    name: Backup\n"
        "routing:\n"
        "  default_team: support\n"
        "  notices:\n"
        "    needs_engineering: \"An engineer will look at this; expect an answer within "
        "{wait}.\"\n";
    return yaml;
  }

  std::int64_t AgentId(const std::string& login) const {
    return Store().Integer("SELECT id FROM agents WHERE login = '" + login + "'");
  }

  std::int64_t HandOff(const std::string& message_sid, const std::string& customer) {
    EXPECT_EQ(PostSms(message_sid, customer, "I want to talk to a human").status, 200);
    return Store().Integer("SELECT conversation_id FROM messages WHERE provider_message_id = '" +
                           message_sid + "'");
  }

  std::optional<std::int64_t> AssigneeOf(std::int64_t conversation) const {
    const auto id =
        Store().Integer("SELECT COALESCE(assignee_agent_id, 0) FROM conversations WHERE id = " +
                        std::to_string(conversation));
    return id == 0 ? std::nullopt : std::optional<std::int64_t>(id);
  }

  http::ClientResponse SetPresence(const std::string& token, std::int64_t agent_id,
                                   const std::string& presence) const {
    return Api("PUT", "/api/v1/agents/" + std::to_string(agent_id) + "/presence", token,
               json::serialize(json::object{{"presence", presence}}));
  }

  static std::string Path(std::int64_t id, const std::string& action) {
    return "/api/v1/conversations/" + std::to_string(id) + "/" + action;
  }

  // Opens the feed and authenticates with the first frame; returns false on failure.
  bool OpenFeed(WebSocketClient& client, const std::string& token) const {
    const auto error = client.Connect(app_->Port(), "/api/v1/feed", kFrameWait);
    EXPECT_EQ(error, "");
    if (!error.empty()) {
      return false;
    }
    client.SendJson({{"type", "auth"}, {"token", token}}, kFrameWait);
    return client.ReadType("ready", kFrameWait).has_value();
  }

  // Reads event frames until one of `type` (and of `conversation`, when set) arrives.
  static std::optional<json::object> ReadEvent(WebSocketClient& client, const std::string& type,
                                               std::optional<std::int64_t> conversation = {}) {
    for (int frames = 0; frames < 100; ++frames) {
      auto frame = client.ReadType("event", kFrameWait);
      if (!frame) {
        return std::nullopt;
      }
      const auto& event = frame->at("event").as_object();
      if (event.at("type").as_string() != type) {
        continue;
      }
      if (conversation && (!event.contains("conversation_id") ||
                           event.at("conversation_id").as_int64() != *conversation)) {
        continue;
      }
      return event;
    }
    return std::nullopt;
  }

  static bool SawMessage(const WebSocketClient& client, std::int64_t message_id) {
    for (const auto& frame : client.Received()) {
      const auto* event = frame.if_contains("event");
      if (event == nullptr) {
        continue;
      }
      const auto& body = event->as_object();
      if (body.at("type").as_string() == "message.received" && body.contains("message_id") &&
          body.at("message_id").as_int64() == message_id) {
        return true;
      }
    }
    return false;
  }
};

TEST_F(RoutingApi, PresenceRoutes) {
  const std::string alice = Login("alice", kAgentPassword);
  const std::string bob = Login("bob", kSupervisorPassword);
  const auto alice_id = AgentId("alice");

  EXPECT_EQ(SetPresence(alice, alice_id, "online").status, 200);
  const auto self = Api("GET", "/api/v1/agents/" + std::to_string(alice_id), alice);
  ASSERT_EQ(self.status, 200) << self.body;
  const auto body = ParseJson(self.body).as_object();
  EXPECT_EQ(body.at("presence").as_string(), "online");
  EXPECT_EQ(body.at("console_connected").as_bool(), false);
  EXPECT_EQ(body.at("capacity").as_object().at("total").as_int64(), 1);

  EXPECT_EQ(SetPresence(alice, AgentId("bob"), "online").status, 403);
  EXPECT_EQ(SetPresence(bob, alice_id, "away").status, 200);
  EXPECT_EQ(SetPresence(alice, alice_id, "busy").status, 422);
  EXPECT_EQ(SetPresence(bob, 999999, "online").status, 404);
  EXPECT_EQ(Api("PUT", "/api/v1/agents/abc/presence", alice, "{}").status, 400);
  EXPECT_EQ(Api("PUT", "/api/v1/agents/1/presence", "", "{}").status, 401);
  EXPECT_EQ(Api("GET", "/api/v1/agents", alice).status, 403);
  EXPECT_EQ(Api("GET", "/api/v1/agents/" + std::to_string(AgentId("bob")), alice).status, 403);

  const auto listed = Api("GET", "/api/v1/agents", bob);
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(ParseJson(listed.body).as_object().at("agents").as_array().size(), 3u);
  EXPECT_EQ(Store().Text("SELECT presence FROM agent_presence WHERE agent_id = " +
                         std::to_string(alice_id)),
            "away");
}

TEST_F(RoutingApi, AssignsOnHandoffAndDrainsOnResolve) {
  const std::string alice = Login("alice", kAgentPassword);
  ASSERT_EQ(SetPresence(alice, AgentId("alice"), "online").status, 200);
  const auto first = HandOff("SM50000000000000000000000000000001", kCustomerA);
  ASSERT_TRUE(WaitUntil([&] { return AssigneeOf(first) == AgentId("alice"); }));
  const auto second = HandOff("SM50000000000000000000000000000002", kCustomerB);

  const auto queues = Api("GET", "/api/v1/queues", alice);
  ASSERT_EQ(queues.status, 200) << queues.body;
  const auto support = ParseJson(queues.body).as_object().at("queues").as_array().at(0).as_object();
  EXPECT_EQ(support.at("team").as_string(), "support");
  ASSERT_EQ(support.at("count").as_int64(), 1);
  const auto waiting = support.at("conversations").as_array().at(0).as_object();
  EXPECT_EQ(waiting.at("conversation_id").as_int64(), second);
  // A standard conversation's first-response clock runs from the handoff, due in 24 hours
  // with the default policy and no calendar.
  bool first_response_listed = false;
  for (const auto& clock : waiting.at("sla").as_array()) {
    if (clock.as_object().at("metric").as_string() == "first_response") {
      first_response_listed = true;
      EXPECT_GT(clock.as_object().at("due_at").as_int64(),
                waiting.at("queued_at").as_int64() + 23 * 3600 * 1000);
    }
  }
  EXPECT_TRUE(first_response_listed);
  EXPECT_FALSE(AssigneeOf(second));

  EXPECT_EQ(Api("POST", Path(first, "accept"), alice).status, 200);
  EXPECT_EQ(Api("POST", Path(first, "resolve"), alice).status, 200);
  EXPECT_TRUE(WaitUntil([&] { return AssigneeOf(second) == AgentId("alice"); }));
}

TEST_F(RoutingApi, ClaimOverCapacityConflicts) {
  const std::string alice = Login("alice", kAgentPassword);
  const auto first = HandOff("SM50000000000000000000000000000003", kCustomerA);
  const auto second = HandOff("SM50000000000000000000000000000004", kCustomerB);
  EXPECT_EQ(Api("POST", Path(first, "claim"), alice).status, 200);
  const auto over = Api("POST", Path(second, "claim"), alice);
  EXPECT_EQ(over.status, 409);
  EXPECT_EQ(ErrorCode(over.body), "over_capacity");
  EXPECT_FALSE(AssigneeOf(second));
}

TEST_F(RoutingApi, RouteErrors) {
  const std::string alice = Login("alice", kAgentPassword);
  const std::string bob = Login("bob", kSupervisorPassword);
  const auto conversation = HandOff("SM50000000000000000000000000000005", kCustomerA);
  const std::string agent_body = json::serialize(json::object{{"agent_id", AgentId("carol")}});

  EXPECT_EQ(Api("POST", Path(conversation, "assign"), alice, agent_body).status, 403);
  EXPECT_EQ(Api("POST", Path(conversation, "assign"), bob, "{}").status, 422);
  EXPECT_EQ(Api("POST", Path(conversation, "assign"), bob,
                json::serialize(json::object{{"agent_id", 999999}}))
                .status,
            404);
  EXPECT_EQ(Api("POST", Path(999999, "assign"), bob, agent_body).status, 404);
  EXPECT_EQ(Api("POST", "/api/v1/conversations/x/assign", bob, agent_body).status, 400);
  EXPECT_EQ(Api("POST", Path(conversation, "transfer"), bob, R"({"agent_id": 1, "team": "backup"})")
                .status,
            422);
  EXPECT_EQ(Api("POST", Path(conversation, "transfer"), bob, R"({"team": "nope"})").status, 404);
  EXPECT_EQ(Api("POST", Path(conversation, "transfer"), alice, R"({"team": "backup"})").status,
            403);
  EXPECT_EQ(Api("POST", Path(conversation, "escalate"), bob, R"({"reason": "boredom"})").status,
            422);
  EXPECT_EQ(Api("PUT", Path(conversation, "priority"), bob, R"({"priority": "urgent"})").status,
            422);
  EXPECT_EQ(Api("POST", Path(conversation, "accept"), alice).status, 403);

  http::Headers form;
  form.Set("Authorization", "Bearer " + bob);
  form.Set("Content-Type", "text/plain");
  EXPECT_EQ(Request("POST", Path(conversation, "assign"), agent_body, form).status, 415);

  EXPECT_EQ(Api("POST", Path(conversation, "assign"), bob, agent_body).status, 200);
  EXPECT_EQ(AssigneeOf(conversation), AgentId("carol"));
  EXPECT_EQ(Api("PUT", Path(conversation, "priority"), bob, R"({"priority": "high"})").status, 200);
  EXPECT_EQ(
      Store().Text("SELECT priority FROM conversations WHERE id = " + std::to_string(conversation)),
      "high");
}

TEST_F(RoutingApi, EscalationNotifiesCustomer) {
  const std::string alice = Login("alice", kAgentPassword);
  const auto conversation = HandOff("SM50000000000000000000000000000006", kCustomerA);
  ASSERT_EQ(Api("POST", Path(conversation, "claim"), alice).status, 200);
  const auto escalated =
      Api("POST", Path(conversation, "escalate"), alice, R"({"reason": "needs_engineering"})");
  EXPECT_EQ(escalated.status, 200) << escalated.body;
  EXPECT_EQ(
      Store().Integer("SELECT tier FROM conversations WHERE id = " + std::to_string(conversation)),
      2);
  EXPECT_TRUE(WaitForSends(kEngineeringNotice));
  EXPECT_EQ(Api("POST", Path(conversation, "escalate"), alice, R"({"reason": "manual"})").status,
            409);
}

TEST_F(RoutingApi, FeedShowsAgentsOnlyTheirOwn) {
  const std::string alice = Login("alice", kAgentPassword);
  const std::string bob = Login("bob", kSupervisorPassword);
  WebSocketClient alice_feed;
  WebSocketClient bob_feed;
  ASSERT_TRUE(OpenFeed(alice_feed, alice));
  ASSERT_TRUE(OpenFeed(bob_feed, bob));
  const auto alice_state = Api("GET", "/api/v1/agents/" + std::to_string(AgentId("alice")), alice);
  EXPECT_EQ(ParseJson(alice_state.body).as_object().at("console_connected").as_bool(), true);

  const auto conversation = HandOff("SM50000000000000000000000000000007", kCustomerA);
  // Queued conversations are visible to every agent.
  ASSERT_TRUE(ReadEvent(alice_feed, "conversation.handed_off", conversation));
  ASSERT_TRUE(ReadEvent(bob_feed, "escalation.raised", conversation));

  ASSERT_EQ(Api("POST", Path(conversation, "assign"), bob,
                json::serialize(json::object{{"agent_id", AgentId("carol")}}))
                .status,
            200);
  ASSERT_EQ(PostSms("SM50000000000000000000000000000008", kCustomerA, "Are you there?").status,
            200);
  const auto message = Store().Integer(
      "SELECT id FROM messages WHERE provider_message_id = 'SM50000000000000000000000000000008'");
  // Bob, a supervisor, also sees the handoff message of the same conversation first.
  bool bob_saw_message = false;
  for (int i = 0; i < 3 && !bob_saw_message; ++i) {
    const auto seen = ReadEvent(bob_feed, "message.received", conversation);
    ASSERT_TRUE(seen);
    bob_saw_message = seen->at("message_id").as_int64() == message;
  }
  EXPECT_TRUE(bob_saw_message);
  // Alice's own presence change comes after the message; she sees it, but not the message on
  // carol's conversation.
  ASSERT_EQ(SetPresence(alice, AgentId("alice"), "online").status, 200);
  ASSERT_TRUE(ReadEvent(alice_feed, "agent.presence_changed"));
  EXPECT_FALSE(SawMessage(alice_feed, message));
  EXPECT_TRUE(ReadEvent(bob_feed, "agent.presence_changed"));
}

TEST_F(RoutingApi, FeedRejectsBadToken) {
  WebSocketClient feed;
  ASSERT_EQ(feed.Connect(app_->Port(), "/api/v1/feed", kFrameWait), "");
  feed.SendJson({{"type", "auth"}, {"token", "not-a-token"}}, kFrameWait);
  const auto error = feed.ReadType("error", kFrameWait);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->at("code").as_string(), "unauthorized");
  EXPECT_FALSE(feed.ReadType("ready", std::chrono::milliseconds(200)));
}

}  // namespace
}  // namespace mobilelink::integration
