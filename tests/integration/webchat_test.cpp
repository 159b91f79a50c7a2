// Web chat over a real WebSocket: session start, message acknowledgement, pushed replies,
// resume with history, and resend of the same client id.

#include "server_fixture.hpp"
#include "websocket_client.hpp"

namespace mobilelink::integration {
namespace {

namespace json = boost::json;

class Webchat : public ServerFixture {
 protected:
  static constexpr char kSocketPath[] = "/webchat/chat/socket";

  void Connect(WebSocketClient& client) {
    const std::string error = client.Connect(app_->Port(), kSocketPath, kWaitLimit);
    ASSERT_TRUE(error.empty()) << error;
  }

  static std::string Text(const json::object& frame, std::string_view key) {
    const auto* value = frame.if_contains(key);
    return value != nullptr && value->is_string() ? std::string(value->as_string())
                                                  : std::string();
  }
};

TEST_F(Webchat, MessageAckReplyAndResume) {
  WebSocketClient first;
  Connect(first);
  ASSERT_TRUE(first.SendJson({{"type", "hello"}}, kWaitLimit));
  const auto session = first.ReadType("session", kWaitLimit);
  ASSERT_TRUE(session.has_value());
  const std::string token = Text(*session, "token");
  ASSERT_FALSE(token.empty());
  EXPECT_FALSE(session->at("resumed").as_bool());

  ASSERT_TRUE(
      first.SendJson({{"type", "message"}, {"client_id", "c-1"}, {"text", "hello"}}, kWaitLimit));
  const auto ack = first.ReadType("ack", kWaitLimit);
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(Text(*ack, "client_id"), "c-1");
  EXPECT_FALSE(ack->at("duplicate").as_bool());
  const std::int64_t message_id = ack->at("message_id").as_int64();
  EXPECT_GT(message_id, 0);

  const auto pushed = first.ReadType("message", kWaitLimit);
  ASSERT_TRUE(pushed.has_value());
  const auto& reply = pushed->at("message").as_object();
  EXPECT_EQ(Text(reply, "text"), kGreetingAnswer);
  EXPECT_EQ(Text(reply, "direction"), "outbound");
  const std::int64_t last_seen = reply.at("id").as_int64();
  first.Close();

  // An agent replies while the visitor is away.
  const std::int64_t conversation = Store().Integer(
      "SELECT conversation_id FROM messages WHERE id = " + std::to_string(message_id));
  const auto answer =
      Api("POST", "/api/v1/conversations/" + std::to_string(conversation) + "/messages",
          Login("bob", kSupervisorPassword), R"({"text":"An agent wrote while you were away"})");
  ASSERT_EQ(answer.status, 202) << answer.body;
  ASSERT_TRUE(WaitForOutboxIdle());

  WebSocketClient second;
  Connect(second);
  ASSERT_TRUE(second.SendJson({{"type", "hello"}, {"token", token}, {"last_message_id", last_seen}},
                              kWaitLimit));
  const auto resumed = second.ReadType("session", kWaitLimit);
  ASSERT_TRUE(resumed.has_value());
  EXPECT_TRUE(resumed->at("resumed").as_bool());
  const auto history = second.ReadType("history", kWaitLimit);
  ASSERT_TRUE(history.has_value());
  std::vector<std::string> texts;
  for (const auto& item : history->at("messages").as_array()) {
    EXPECT_GT(item.as_object().at("id").as_int64(), last_seen);
    texts.push_back(Text(item.as_object(), "text"));
  }
  ASSERT_EQ(texts.size(), 1u);
  EXPECT_EQ(texts[0], "An agent wrote while you were away");

  ASSERT_TRUE(
      second.SendJson({{"type", "message"}, {"client_id", "c-1"}, {"text", "hello"}}, kWaitLimit));
  const auto resent = second.ReadType("ack", kWaitLimit);
  ASSERT_TRUE(resent.has_value());
  EXPECT_TRUE(resent->at("duplicate").as_bool());
  EXPECT_EQ(resent->at("message_id").as_int64(), message_id);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM messages WHERE client_message_id = 'c-1'"), 1);
}

TEST_F(Webchat, MessageBeforeHelloIsError) {
  WebSocketClient client;
  Connect(client);
  ASSERT_TRUE(
      client.SendJson({{"type", "message"}, {"client_id", "c-2"}, {"text", "hi"}}, kWaitLimit));
  const auto error = client.ReadType("error", kWaitLimit);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(Text(*error, "code"), "hello_required");
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM messages"), 0);
}

TEST_F(Webchat, UnknownTokenIsSessionExpired) {
  WebSocketClient client;
  Connect(client);
  ASSERT_TRUE(client.SendJson({{"type", "hello"}, {"token", "no-such-token"}}, kWaitLimit));
  const auto error = client.ReadType("error", kWaitLimit);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(Text(*error, "code"), "session_expired");
}

TEST_F(Webchat, AgentTypingReachesSocket) {
  WebSocketClient client;
  Connect(client);
  ASSERT_TRUE(client.SendJson({{"type", "hello"}}, kWaitLimit));
  ASSERT_TRUE(client.ReadType("session", kWaitLimit).has_value());
  ASSERT_TRUE(
      client.SendJson({{"type", "message"}, {"client_id", "t-1"}, {"text", "hi"}}, kWaitLimit));
  const auto ack = client.ReadType("ack", kWaitLimit);
  ASSERT_TRUE(ack.has_value());
  const std::int64_t conversation = ack->at("conversation_id").as_int64();

  const auto typing = Api("POST", "/api/v1/conversations/" + std::to_string(conversation) +
                                      "/typing",
                          Login("bob", kSupervisorPassword));
  ASSERT_EQ(typing.status, 200) << typing.body;
  const auto frame = client.ReadType("typing", kWaitLimit);
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(Text(*frame, "state"), "start");
}

TEST_F(Webchat, ReadOnlyOwnMessages) {
  WebSocketClient owner;
  Connect(owner);
  ASSERT_TRUE(owner.SendJson({{"type", "hello"}}, kWaitLimit));
  ASSERT_TRUE(owner.ReadType("session", kWaitLimit).has_value());
  ASSERT_TRUE(
      owner.SendJson({{"type", "message"}, {"client_id", "r-1"}, {"text", "hello"}}, kWaitLimit));
  const auto pushed = owner.ReadType("message", kWaitLimit);
  ASSERT_TRUE(pushed.has_value());
  const std::int64_t reply_id = pushed->at("message").as_object().at("id").as_int64();
  ASSERT_TRUE(WaitForOutboxIdle());

  // Another visitor gets an error and the reply's status does not change.
  WebSocketClient other;
  Connect(other);
  ASSERT_TRUE(other.SendJson({{"type", "hello"}}, kWaitLimit));
  ASSERT_TRUE(other.ReadType("session", kWaitLimit).has_value());
  ASSERT_TRUE(other.SendJson({{"type", "read"}, {"message_id", reply_id}}, kWaitLimit));
  const auto error = other.ReadType("error", kWaitLimit);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(Text(*error, "code"), "invalid_message_id");
  const std::string status_sql = "SELECT status FROM messages WHERE id = " + std::to_string(reply_id);
  EXPECT_NE(Store().Text(status_sql), "read");

  // The visitor the reply was sent to marks it read.
  ASSERT_TRUE(owner.SendJson({{"type", "read"}, {"message_id", reply_id}}, kWaitLimit));
  bool read = false;
  for (int attempt = 0; attempt < 200 && !read; ++attempt) {
    read = Store().Text(status_sql) == "read";
    if (!read) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  EXPECT_TRUE(read);
}

TEST_F(Webchat, HistoryPagesPastLimit) {
  WebSocketClient client;
  Connect(client);
  ASSERT_TRUE(client.SendJson({{"type", "hello"}}, kWaitLimit));
  const auto session = client.ReadType("session", kWaitLimit);
  ASSERT_TRUE(session.has_value());
  const std::string token = Text(*session, "token");
  // Each message stores the inbound and the bot's reply: 120 messages make 240 rows.
  for (int i = 0; i < 120; ++i) {
    ASSERT_TRUE(client.SendJson({{"type", "message"},
                                 {"client_id", "h-" + std::to_string(i)},
                                 {"text", "hello"}},
                                kWaitLimit));
    ASSERT_TRUE(client.ReadType("ack", kWaitLimit).has_value());
  }
  ASSERT_TRUE(WaitForOutboxIdle());
  client.Close();

  WebSocketClient again;
  Connect(again);
  ASSERT_TRUE(again.SendJson({{"type", "hello"}, {"token", token}, {"last_message_id", 0}},
                             kWaitLimit));
  ASSERT_TRUE(again.ReadType("session", kWaitLimit).has_value());
  const auto first_page = again.ReadType("history", kWaitLimit);
  ASSERT_TRUE(first_page.has_value());
  EXPECT_EQ(first_page->at("messages").as_array().size(), 200u);
  EXPECT_TRUE(first_page->at("more").as_bool());
  const std::int64_t after = first_page->at("last_message_id").as_int64();
  ASSERT_TRUE(again.SendJson({{"type", "history"}, {"after", after}}, kWaitLimit));
  const auto second_page = again.ReadType("history", kWaitLimit);
  ASSERT_TRUE(second_page.has_value());
  EXPECT_EQ(second_page->at("messages").as_array().size(), 40u);
  EXPECT_FALSE(second_page->at("more").as_bool());
}

}  // namespace
}  // namespace mobilelink::integration
