// Verification by SMS for a phone that replied STOP: the flow sends no passcode or link to it,
// replies to the web chat visitor with the reason and hands off. Real HTTP, a real WebSocket
// and the fake provider over loopback.

#include "flows_fixture.hpp"
#include "websocket_client.hpp"

namespace mobilelink::integration {
namespace {

constexpr char kOptedOutReply[] =
    "No verification text can be sent to that phone number because it has opted out of our text "
    "messages. Reply START from that phone to receive texts again, or ask here for an agent.";
constexpr char kDemoHandoff[] =
    "Thanks for your patience. I am passing you to a member of our support team, who will reply "
    "here shortly.";
constexpr char kLinkPrefix[] = "Confirm it is you: ";

class OptedOutVerification : public Flows {
 protected:
  void OptOutDana() {
    ASSERT_EQ(Sms("STOP").status, 200);
    ASSERT_TRUE(WaitForReply(kOptOutConfirmation));
    ASSERT_TRUE(WaitForOutboxIdle());
  }

  // Starts a flow on web chat with `request`, answers the phone question with Dana's number and
  // returns the bot's next `replies` messages.
  std::vector<std::string> StartOnWebchat(const std::string& request, int replies) {
    WebSocketClient client;
    EXPECT_TRUE(client.Connect(app_->Port(), "/webchat/chat/socket", kWaitLimit).empty());
    EXPECT_TRUE(client.SendJson({{"type", "hello"}}, kWaitLimit));
    EXPECT_TRUE(client.ReadType("session", kWaitLimit).has_value());
    auto next_text = [&]() -> std::string {
      const auto frame = client.ReadType("message", kWaitLimit);
      return frame ? std::string(frame->at("message").as_object().at("text").as_string())
                   : std::string();
    };
    EXPECT_TRUE(
        client.SendJson({{"type", "message"}, {"client_id", "w1"}, {"text", request}}, kWaitLimit));
    EXPECT_EQ(next_text(), "What is the mobile number on your account?");
    EXPECT_TRUE(
        client.SendJson({{"type", "message"}, {"client_id", "w2"}, {"text", kDana}}, kWaitLimit));
    std::vector<std::string> texts;
    for (int i = 0; i < replies; ++i) {
      texts.push_back(next_text());
    }
    client.Close();
    return texts;
  }

  // Checks the outcome that both methods share: one opted_out step, an abandoned flow and a
  // handoff, with nothing sent to Dana after her opt-out confirmation.
  void ExpectAbandonedWithoutSms(std::size_t sends_before) {
    ASSERT_TRUE(WaitForOutboxIdle());
    EXPECT_EQ(fake_->Messages().size(), sends_before);
    EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM outbox WHERE recipient = '+12025550123'"), 1);
    EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM events WHERE type = 'flow.step' AND "
                              "data_json LIKE '%\"outcome\":\"opted_out\"%'"),
              1);
    EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM events WHERE type = 'flow.abandoned' AND "
                              "data_json LIKE '%authentication_failed%'"),
              1);
    EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM events WHERE type = 'conversation.handed_off'"),
              1);
    EXPECT_EQ(FlowStates(), 0);
  }
};

TEST_F(OptedOutVerification, PasscodeNotSentAfterStop) {
  OptOutDana();
  const std::size_t sends_before = fake_->Messages().size();
  const auto replies = StartOnWebchat("what is my balance", 2);
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0], kOptedOutReply);
  EXPECT_EQ(replies[1], kDemoHandoff);
  ExpectAbandonedWithoutSms(sends_before);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM otp_codes"), 0);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM messages WHERE text LIKE "
                            "'Your verification code%'"),
            0);
}

TEST_F(OptedOutVerification, PasscodeSentAfterStart) {
  OptOutDana();
  ASSERT_EQ(Sms("START").status, 200);
  ASSERT_TRUE(WaitForOutboxIdle());
  const auto replies = StartOnWebchat("what is my balance", 1);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0], kCodePrompt);
  EXPECT_FALSE(LatestCode().empty());
}

class OptedOutLink : public OptedOutVerification {
 protected:
  void EditConfig(YAML::Node& config) const override {
    UseSmsLinkForOrderStatus(config, std::string(kLinkPrefix) + "{{link}}");
  }
};

TEST_F(OptedOutLink, LinkNotSentAfterStop) {
  OptOutDana();
  const std::size_t sends_before = fake_->Messages().size();
  const auto replies = StartOnWebchat("where is my order", 2);
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0], kOptedOutReply);
  EXPECT_EQ(replies[1], kDemoHandoff);
  ExpectAbandonedWithoutSms(sends_before);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM signed_links"), 0);
}

}  // namespace
}  // namespace mobilelink::integration
