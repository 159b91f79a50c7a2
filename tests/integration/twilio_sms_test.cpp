// Twilio SMS end to end: signed webhooks into the real server, replies out to the fake
// provider, status callbacks back in, and consent keywords.

#include <algorithm>
#include <latch>
#include <thread>

#include "server_fixture.hpp"

namespace mobilelink::integration {
namespace {

constexpr char kCustomer[] = "+12025550123";

class TwilioSms : public ServerFixture {
 protected:
  std::int64_t InboundCount() const {
    return Store().Integer("SELECT COUNT(*) FROM messages WHERE direction = 'inbound'");
  }

  std::int64_t ConversationOf(const std::string& message_sid) const {
    return Store().Integer("SELECT conversation_id FROM messages WHERE provider_message_id = '" +
                           message_sid + "'");
  }

  std::string OutboundStatus(const std::string& provider_message_id) const {
    return Store().Text(
        "SELECT status FROM messages WHERE direction = 'outbound' AND provider_message_id = '" +
        provider_message_id + "'");
  }

  std::int64_t OptedOut(const std::string& address) const {
    return Store().Integer("SELECT COUNT(*) FROM opt_outs WHERE inbox_id = 'sms' AND address = '" +
                           address + "' AND opted_out = 1");
  }
};

TEST_F(TwilioSms, InboundReplyIsDelivered) {
  const auto response = PostSms("SM10000000000000000000000000000001", kCustomer, "hello");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM messages WHERE provider_message_id = "
                            "'SM10000000000000000000000000000001' AND text = 'hello'"),
            1);

  ASSERT_TRUE(WaitForSends(kGreetingAnswer));
  const auto sends = SendsWithText(kGreetingAnswer);
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_EQ(sends[0].provider, "twilio");
  EXPECT_EQ(sends[0].to, kCustomer);
  EXPECT_EQ(sends[0].from, kTwilioFrom);

  // The fake provider posts signed `sent` and then `delivered` callbacks to the status route.
  const std::string sid = sends[0].message_id;
  EXPECT_TRUE(WaitUntil([&] { return OutboundStatus(sid) == "delivered"; }))
      << "outbound status is '" << OutboundStatus(sid) << "'";
  EXPECT_EQ(fake_->CallbacksAbandoned(), 0u);
}

TEST_F(TwilioSms, BadSignatureIsRejected) {
  const auto form = TwilioInboundForm("SM10000000000000000000000000000002", kCustomer, "hello");
  const auto forged = PostTwilioSigned("/webhooks/twilio/sms", form, "bm90IGEgc2lnbmF0dXJl");
  EXPECT_EQ(forged.status, 403);

  // A valid signature of other parameters must not cover this body.
  const auto other = TwilioInboundForm("SM10000000000000000000000000000002", kCustomer, "hi");
  const auto tampered = PostTwilioSigned(
      "/webhooks/twilio/sms", form,
      channels::twilio_sms::ComputeSignature(kTwilioAuthToken,
                                             public_url_ + "/webhooks/twilio/sms", other));
  EXPECT_EQ(tampered.status, 403);

  EXPECT_EQ(InboundCount(), 0);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM contacts"), 0);
}

TEST_F(TwilioSms, MissingSignatureIsRejected) {
  const auto form = TwilioInboundForm("SM10000000000000000000000000000003", kCustomer, "hello");
  const auto response = PostTwilioSigned("/webhooks/twilio/sms", form, std::nullopt);
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(ErrorCode(response.body), "signature_invalid") << response.body;
  EXPECT_EQ(InboundCount(), 0);
}

TEST_F(TwilioSms, RetriedWebhookIsStoredOnce) {
  const std::string sid = "SM10000000000000000000000000000004";
  ASSERT_EQ(PostSms(sid, kCustomer, "hello").status, 200);
  ASSERT_EQ(PostSms(sid, kCustomer, "hello").status, 200);
  ASSERT_TRUE(WaitForSends(kGreetingAnswer));
  ASSERT_TRUE(WaitForOutboxIdle());
  EXPECT_EQ(InboundCount(), 1);
  EXPECT_EQ(SendsWithText(kGreetingAnswer).size(), 1u);
}

TEST_F(TwilioSms, ConcurrentDuplicatesStoredOnce) {
  const std::string sid = "SM10000000000000000000000000000005";
  std::latch start(2);
  int statuses[2] = {0, 0};
  std::vector<std::thread> senders;
  for (int i = 0; i < 2; ++i) {
    senders.emplace_back([&, i] {
      start.arrive_and_wait();
      statuses[i] = PostSms(sid, kCustomer, "hello").status;
    });
  }
  for (auto& sender : senders) {
    sender.join();
  }
  EXPECT_EQ(statuses[0], 200);
  EXPECT_EQ(statuses[1], 200);
  ASSERT_TRUE(WaitForSends(kGreetingAnswer));
  ASSERT_TRUE(WaitForOutboxIdle());
  EXPECT_EQ(InboundCount(), 1);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM conversations"), 1);
  EXPECT_EQ(SendsWithText(kGreetingAnswer).size(), 1u);
}

TEST_F(TwilioSms, LateSentKeepsDelivered) {
  tools::FakeBehaviour behaviour;
  behaviour.callbacks = false;
  fake_->SetBehaviour(behaviour);
  ASSERT_EQ(PostSms("SM10000000000000000000000000000006", kCustomer, "hello").status, 200);
  ASSERT_TRUE(WaitForSends(kGreetingAnswer));
  ASSERT_TRUE(WaitForOutboxIdle());
  const std::string sid = SendsWithText(kGreetingAnswer).at(0).message_id;
  ASSERT_EQ(OutboundStatus(sid), "queued");

  const std::string path = "/webhooks/twilio/sms/status";
  ASSERT_EQ(PostTwilio(path, TwilioStatusForm(sid, kCustomer, "delivered")).status, 200);
  EXPECT_EQ(OutboundStatus(sid), "delivered");
  ASSERT_EQ(PostTwilio(path, TwilioStatusForm(sid, kCustomer, "sent")).status, 200);
  EXPECT_EQ(OutboundStatus(sid), "delivered");
}

TEST_F(TwilioSms, StopBlocksAgentUntilStart) {
  const std::string stop_sid = "SM10000000000000000000000000000007";
  ASSERT_EQ(PostSms(stop_sid, kCustomer, "STOP").status, 200);
  ASSERT_TRUE(WaitForSends(kOptOutConfirmation));
  ASSERT_TRUE(WaitForOutboxIdle());
  EXPECT_EQ(SendsWithText(kOptOutConfirmation).size(), 1u);
  EXPECT_EQ(OptedOut(kCustomer), 1);
  // The bot sends no reply to a consent keyword.
  EXPECT_EQ(fake_->Messages().size(), 1u);

  const std::int64_t conversation = ConversationOf(stop_sid);
  ASSERT_GT(conversation, 0);
  const std::string token = Login("bob", kSupervisorPassword);
  const std::string path = "/api/v1/conversations/" + std::to_string(conversation) + "/messages";
  const auto blocked = Api("POST", path, token, R"({"text":"Are you still there?"})");
  EXPECT_EQ(blocked.status, 409);
  EXPECT_EQ(ErrorCode(blocked.body), "contact_opted_out") << blocked.body;
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM messages WHERE text = 'Are you still there?'"),
            0);

  ASSERT_EQ(PostSms("SM10000000000000000000000000000008", kCustomer, "START").status, 200);
  ASSERT_TRUE(WaitForSends(kOptInConfirmation));
  EXPECT_EQ(OptedOut(kCustomer), 0);
  const auto allowed = Api("POST", path, token, R"({"text":"Welcome back"})");
  EXPECT_EQ(allowed.status, 202) << allowed.body;
  EXPECT_TRUE(WaitForSends("Welcome back"));
  ASSERT_TRUE(WaitForOutboxIdle());
  EXPECT_TRUE(SendsWithText("Are you still there?").empty());
  EXPECT_EQ(SendsWithText(kOptOutConfirmation).size(), 1u);
}

TEST_F(TwilioSms, ReplyQueuedBeforeStopIsNotSent) {
  const std::string handoff_sid = "SM10000000000000000000000000000020";
  ASSERT_EQ(PostSms(handoff_sid, kCustomer, "I want to talk to a human").status, 200);
  ASSERT_TRUE(WaitForSends(kHandoffMessage));
  const std::int64_t conversation = ConversationOf(handoff_sid);
  ASSERT_GT(conversation, 0);
  const std::string token = Login("bob", kSupervisorPassword);

  // The provider responds with 503, so the reply waits in the outbox for a retry.
  tools::FakeBehaviour failing;
  failing.fail_next = 1000;
  failing.fail_status = 503;
  fake_->SetBehaviour(failing);
  const std::string reply = "Reply queued before STOP";
  const auto queued = Api("POST", "/api/v1/conversations/" + std::to_string(conversation) +
                                      "/messages",
                          token, R"({"text":"Reply queued before STOP"})");
  ASSERT_EQ(queued.status, 202) << queued.body;
  ASSERT_TRUE(WaitUntil([&] {
    for (const auto& send : fake_->Messages()) {
      if (send.text == reply) {
        return true;
      }
    }
    return false;
  }));

  ASSERT_EQ(PostSms("SM10000000000000000000000000000021", kCustomer, "STOP").status, 200);
  fake_->SetBehaviour(tools::FakeBehaviour{});
  ASSERT_TRUE(WaitForSends(kOptOutConfirmation));
  ASSERT_TRUE(WaitForOutboxIdle());
  EXPECT_TRUE(SendsWithText(reply).empty());
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM messages WHERE text = '" + reply +
                            "' AND status = 'failed' AND error_code = 'contact_opted_out'"),
            1);
}

TEST_F(TwilioSms, StopWithCourtesyOptsOut) {
  ASSERT_EQ(PostSms("SM10000000000000000000000000000009", kCustomer, "Stop. Thank you").status,
            200);
  ASSERT_TRUE(WaitForSends(kOptOutConfirmation));
  EXPECT_EQ(OptedOut(kCustomer), 1);
}

TEST_F(TwilioSms, StopInsideSentenceIsNotOptOut) {
  const std::string other = "+12025550124";
  ASSERT_EQ(PostSms("SM10000000000000000000000000000010", other,
                    "we have got to stop meeting like this")
                .status,
            200);
  // The bot replies to the message, which shows it was read as ordinary text.
  ASSERT_TRUE(WaitForSends(kFallbackMessage));
  ASSERT_TRUE(WaitForOutboxIdle());
  EXPECT_EQ(OptedOut(other), 0);
  EXPECT_TRUE(SendsWithText(kOptOutConfirmation).empty());
}

}  // namespace
}  // namespace mobilelink::integration
