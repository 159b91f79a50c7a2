// Bot-to-agent handoff and the agent REST API, end to end over SMS.

#include <algorithm>
#include <latch>
#include <thread>

#include "server_fixture.hpp"

namespace mobilelink::integration {
namespace {

constexpr char kCustomer[] = "+12025550123";

class AgentApi : public ServerFixture {
 protected:
  std::int64_t ConversationOf(const std::string& message_sid) const {
    return Store().Integer("SELECT conversation_id FROM messages WHERE provider_message_id = '" +
                           message_sid + "'");
  }

  // Returns the ids of the conversations in the agent queue.
  std::vector<std::int64_t> QueueIds(const std::string& token) const {
    const auto response = Api("GET", "/api/v1/conversations?view=queue", token);
    EXPECT_EQ(response.status, 200) << response.body;
    std::vector<std::int64_t> ids;
    const auto body = ParseJson(response.body);
    if (!body.is_object()) {
      return ids;
    }
    for (const auto& item : body.as_object().at("conversations").as_array()) {
      ids.push_back(item.as_object().at("id").as_int64());
    }
    return ids;
  }

  // Posts a message asking for a person and returns its conversation id once handed off.
  std::int64_t HandOff(const std::string& message_sid) {
    EXPECT_EQ(PostSms(message_sid, kCustomer, "I want to talk to a human").status, 200);
    EXPECT_TRUE(WaitForSends(kHandoffMessage));
    return ConversationOf(message_sid);
  }

  std::string ConversationPath(std::int64_t id, const std::string& action) const {
    return "/api/v1/conversations/" + std::to_string(id) + "/" + action;
  }
};

TEST_F(AgentApi, HandoffClaimReplyResolve) {
  const std::int64_t conversation = HandOff("SM40000000000000000000000000000001");
  ASSERT_GT(conversation, 0);
  EXPECT_EQ(Store().Integer("SELECT tier FROM conversations WHERE id = " +
                            std::to_string(conversation)),
            1);

  const std::string token = Login("alice", kAgentPassword);
  const auto queue = QueueIds(token);
  EXPECT_NE(std::find(queue.begin(), queue.end(), conversation), queue.end());

  const auto claim = Api("POST", ConversationPath(conversation, "claim"), token);
  EXPECT_EQ(claim.status, 200) << claim.body;
  const auto queue_after_claim = QueueIds(token);
  EXPECT_EQ(std::find(queue_after_claim.begin(), queue_after_claim.end(), conversation),
            queue_after_claim.end());

  const auto reply = Api("POST", ConversationPath(conversation, "messages"), token,
                         R"({"text":"Hi, this is Alice. Let me look into it."})");
  EXPECT_EQ(reply.status, 202) << reply.body;
  ASSERT_TRUE(WaitForSends("Hi, this is Alice. Let me look into it."));
  EXPECT_EQ(SendsWithText("Hi, this is Alice. Let me look into it.").at(0).to, kCustomer);

  const auto note = Api("POST", ConversationPath(conversation, "notes"), token,
                        R"({"text":"Customer sounds upset; check order history."})");
  EXPECT_EQ(note.status, 201) << note.body;
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM messages WHERE direction = 'note' AND "
                            "text = 'Customer sounds upset; check order history.'"),
            1);

  const auto resolve = Api("POST", ConversationPath(conversation, "resolve"), token);
  EXPECT_EQ(resolve.status, 200) << resolve.body;
  EXPECT_EQ(Store().Text("SELECT status FROM conversations WHERE id = " +
                         std::to_string(conversation)),
            "resolved");

  ASSERT_TRUE(WaitForOutboxIdle());
  EXPECT_TRUE(SendsWithText("Customer sounds upset; check order history.").empty());
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM outbox o JOIN messages m ON m.id = o.message_id "
                            "WHERE m.direction = 'note'"),
            0);
}

TEST_F(AgentApi, InvalidReplyBodyIsRejected) {
  const std::int64_t conversation = HandOff("SM40000000000000000000000000000009");
  const std::string token = Login("alice", kAgentPassword);
  ASSERT_EQ(Api("POST", ConversationPath(conversation, "claim"), token).status, 200);
  const std::int64_t messages_before = Store().Integer("SELECT COUNT(*) FROM messages");

  struct Case {
    std::string body;
    std::string message;
  };
  const Case cases[] = {
      {"{\"text\":\"caf\xC3\"}", "not valid UTF-8 at byte 12"},
      {R"({"text": "hi",})", "not valid JSON at byte 14"},
      {R"({"text": "hi")", "ends before its JSON value is complete"},
      {R"(["hi"])", "top level is not an object"},
      {R"({"text": ""})", "text is required"},
  };
  for (const auto& bad : cases) {
    const auto response = Api("POST", ConversationPath(conversation, "messages"), token, bad.body);
    EXPECT_GE(response.status, 400) << bad.body;
    EXPECT_LT(response.status, 500) << bad.body;
    EXPECT_NE(response.body.find(bad.message), std::string::npos) << response.body;
  }
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM messages"), messages_before);
}

TEST_F(AgentApi, ListMarksTruncation) {
  HandOff("SM40000000000000000000000000000010");
  ASSERT_EQ(PostSms("SM40000000000000000000000000000011", "+12025550177", "hello").status, 200);
  const std::string token = Login("bob", kSupervisorPassword);

  const auto cut = Api("GET", "/api/v1/conversations?view=all&limit=1", token);
  const auto whole = Api("GET", "/api/v1/conversations?view=all&limit=2", token);
  const auto zero = Api("GET", "/api/v1/conversations?view=all&limit=0", token);

  ASSERT_EQ(cut.status, 200) << cut.body;
  EXPECT_EQ(ParseJson(cut.body).as_object().at("conversations").as_array().size(), 1u);
  EXPECT_TRUE(ParseJson(cut.body).as_object().at("truncated").as_bool());
  ASSERT_EQ(whole.status, 200) << whole.body;
  EXPECT_EQ(ParseJson(whole.body).as_object().at("conversations").as_array().size(), 2u);
  EXPECT_FALSE(ParseJson(whole.body).as_object().at("truncated").as_bool());
  EXPECT_EQ(zero.status, 400) << zero.body;
  EXPECT_NE(zero.body.find("limit must be a whole number from 1 to 1000"), std::string::npos);
}

TEST_F(AgentApi, ThreeMissesHandOff) {
  const char* sids[] = {"SM40000000000000000000000000000002", "SM40000000000000000000000000000003",
                        "SM40000000000000000000000000000004"};
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(PostSms(sids[i], kCustomer, "qwerty zxcvb").status, 200);
    ASSERT_TRUE(WaitForSends(kFallbackMessage, static_cast<std::size_t>(i + 1)));
  }
  const std::int64_t conversation = ConversationOf(sids[0]);
  EXPECT_EQ(Store().Integer("SELECT tier FROM conversations WHERE id = " +
                            std::to_string(conversation)),
            0);
  EXPECT_TRUE(SendsWithText(kHandoffMessage).empty());

  ASSERT_EQ(PostSms(sids[2], kCustomer, "qwerty zxcvb").status, 200);
  ASSERT_TRUE(WaitForSends(kHandoffMessage));
  EXPECT_EQ(Store().Integer("SELECT tier FROM conversations WHERE id = " +
                            std::to_string(conversation)),
            1);
  const auto queue = QueueIds(Login("alice", kAgentPassword));
  EXPECT_NE(std::find(queue.begin(), queue.end(), conversation), queue.end());
}

TEST_F(AgentApi, ConcurrentClaimHasOneWinner) {
  const std::int64_t conversation = HandOff("SM40000000000000000000000000000005");
  ASSERT_GT(conversation, 0);
  const std::string tokens[2] = {Login("bob", kSupervisorPassword),
                                 Login("carol", kSupervisorPassword)};
  std::latch start(2);
  int statuses[2] = {0, 0};
  std::vector<std::thread> claimers;
  for (int i = 0; i < 2; ++i) {
    claimers.emplace_back([&, i] {
      start.arrive_and_wait();
      statuses[i] = Api("POST", ConversationPath(conversation, "claim"), tokens[i]).status;
    });
  }
  for (auto& claimer : claimers) {
    claimer.join();
  }
  std::sort(std::begin(statuses), std::end(statuses));
  EXPECT_EQ(statuses[0], 200);
  EXPECT_EQ(statuses[1], 409);
  EXPECT_GT(Store().Integer("SELECT assignee_agent_id FROM conversations WHERE id = " +
                            std::to_string(conversation)),
            0);
}

TEST_F(AgentApi, MissingTokenIs401) {
  const auto response = Api("GET", "/api/v1/conversations?view=queue", "");
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(ErrorCode(response.body), "unauthorized") << response.body;
  const auto forged = Api("GET", "/api/v1/conversations?view=queue", "not-a-real-token");
  EXPECT_EQ(forged.status, 401);
}

TEST_F(AgentApi, AgentCannotListAll) {
  const auto agent = Api("GET", "/api/v1/conversations?view=all", Login("alice", kAgentPassword));
  EXPECT_EQ(agent.status, 403);
  EXPECT_EQ(ErrorCode(agent.body), "forbidden") << agent.body;
  const auto supervisor =
      Api("GET", "/api/v1/conversations?view=all", Login("bob", kSupervisorPassword));
  EXPECT_EQ(supervisor.status, 200) << supervisor.body;
}

TEST_F(AgentApi, AgentCannotReadBotConversation) {
  const std::string sid = "SM20000000000000000000000000000050";
  ASSERT_EQ(PostSms(sid, kCustomer, "hello").status, 200);
  ASSERT_TRUE(WaitUntil([&] {
    return Store().Integer("SELECT COUNT(*) FROM messages WHERE provider_message_id = '" + sid +
                           "'") == 1;
  }));
  const std::int64_t conversation = Store().Integer(
      "SELECT conversation_id FROM messages WHERE provider_message_id = '" + sid + "'");
  const std::string base = "/api/v1/conversations/" + std::to_string(conversation);
  const std::string agent = Login("alice", kAgentPassword);
  EXPECT_EQ(Api("GET", base + "/messages", agent).status, 403);
  EXPECT_EQ(Api("POST", base + "/notes", agent, R"({"text":"peek"})").status, 403);
  EXPECT_EQ(Api("GET", base + "/messages", Login("bob", kSupervisorPassword)).status, 200);
}

TEST_F(AgentApi, WrongPasswordIs401) {
  http::Headers headers;
  headers.Set("Content-Type", "application/x-www-form-urlencoded");
  const auto response =
      Request("POST", "/oauth/token",
              "grant_type=password&username=alice&password=wrong-password", headers);
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(ErrorCode(response.body), "invalid_grant") << response.body;
}

TEST_F(AgentApi, RepeatedWrongPasswordsAreThrottled) {
  http::Headers headers;
  headers.Set("Content-Type", "application/x-www-form-urlencoded");
  const std::string body = "grant_type=password&username=alice&password=wrong-password";
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Request("POST", "/oauth/token", body, headers).status, 401);
  }
  const auto throttled = Request("POST", "/oauth/token", body, headers);
  EXPECT_EQ(throttled.status, 429);
  EXPECT_EQ(ErrorCode(throttled.body), "too_many_attempts") << throttled.body;
  EXPECT_TRUE(throttled.headers.Get("Retry-After").has_value());
}

}  // namespace
}  // namespace mobilelink::integration
