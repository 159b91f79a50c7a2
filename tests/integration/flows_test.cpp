// The demo flows end to end: SMS and WhatsApp through the fake provider, web chat over a real
// WebSocket, a flow call to a local refunds service and the customer API.

#include "flows_fixture.hpp"
#include "websocket_client.hpp"

namespace mobilelink::integration {
namespace {

namespace json = boost::json;

TEST_F(Flows, SmsOrderStatus) {
  ASSERT_EQ(Sms("where is my order").status, 200);
  ASSERT_EQ(Sms(LatestCode()).status, 200);
  EXPECT_TRUE(WaitForReply("Your order A-5521 (Wireless earbuds) is shipped, last updated 2026-11-28."));
  EXPECT_TRUE(WaitForReply("Anything else I can help with?"));
  ASSERT_TRUE(WaitForOutboxIdle());
  bool sent_to_customer = false;
  for (const auto& send : fake_->Messages()) {
    sent_to_customer = sent_to_customer || (send.to == kDana && send.text.find("A-5521") != std::string::npos);
  }
  EXPECT_TRUE(sent_to_customer);
  EXPECT_EQ(FlowStates(), 0);
}

TEST_F(Flows, SmsNumberedConfirmThenStop) {
  ASSERT_EQ(Sms("change my address").status, 200);
  ASSERT_EQ(Sms(LatestCode()).status, 200);
  ASSERT_TRUE(WaitForReply("What is your new address? Please write it on one line."));
  ASSERT_EQ(Sms("77 New Street, Chicago, IL 60601").status, 200);
  ASSERT_TRUE(WaitForReply(
      "Should I replace the address on your account with the one you just sent?\n1. Yes\n2. No"));
  EXPECT_EQ(FlowStates(), 1);
  const auto before = Store().Integer("SELECT COUNT(*) FROM messages WHERE direction = 'outbound'");
  ASSERT_EQ(Sms("STOP").status, 200);
  ASSERT_TRUE(WaitForReply(kOptOutConfirmation));
  ASSERT_TRUE(WaitForOutboxIdle());
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM messages WHERE direction = 'outbound'"),
            before + 1);
  EXPECT_EQ(FlowStates(), 0);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM events WHERE type = 'flow.abandoned' AND "
                            "data_json LIKE '%opt_out%'"),
            1);
}

TEST_F(Flows, SmsRefundSendsSecureLink) {
  ASSERT_EQ(Sms("I want a refund").status, 200);
  ASSERT_EQ(Sms(LatestCode()).status, 200);
  ASSERT_TRUE(WaitForReply(
      "Request a refund of 89.90 USD for order A-5521 (Wireless earbuds)?\n1. Yes\n2. No"));
  ASSERT_EQ(Sms("1").status, 200);
  EXPECT_TRUE(WaitForReply(std::string("Refund R-77 is open. Confirm where the money goes on this "
                                       "secure page: ") +
                           kRefundLink + " We never ask for card numbers in messages."));
  ASSERT_EQ(refunds_.Keys().size(), 1u);
  EXPECT_EQ(refunds_.Keys()[0].rfind("flow-", 0), 0u);
  EXPECT_NE(refunds_.Bodies()[0].find("\"order_id\": \"A-5521\""), std::string::npos);
}

TEST_F(Flows, RestartWhileWaitingResumesCall) {
  refunds_.Hold(true);
  ASSERT_EQ(Sms("I want a refund").status, 200);
  ASSERT_EQ(Sms(LatestCode()).status, 200);
  ASSERT_TRUE(WaitForReply(
      "Request a refund of 89.90 USD for order A-5521 (Wireless earbuds)?\n1. Yes\n2. No"));
  ASSERT_EQ(Sms("yes").status, 200);
  ASSERT_TRUE(WaitUntil([&] { return refunds_.Keys().size() == 1; }));
  const std::uint16_t port = app_->Port();
  StopServers();
  EXPECT_EQ(Store().Integer("SELECT waiting FROM flow_states"), 1);
  refunds_.Hold(false);

  tools::FakeProviderOptions fake_options;
  fake_options.loopback_callbacks_only = true;
  StartServers(fake_options, port);
  EXPECT_TRUE(WaitForReply(std::string("Refund R-77 is open. Confirm where the money goes on this "
                                       "secure page: ") +
                           kRefundLink + " We never ask for card numbers in messages."));
  const auto keys = refunds_.Keys();
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0], keys[1]);
  EXPECT_EQ(FlowStates(), 0);
}

TEST_F(Flows, WhatsappConfirmSendsButtons) {
  ASSERT_EQ(PostWhatsApp(WhatsAppTextNotification("wamid.flow1", "12025550123", "freeze my card"))
                .status,
            200);
  ASSERT_EQ(PostWhatsApp(WhatsAppTextNotification("wamid.flow2", "12025550123", LatestCode()))
                .status,
            200);
  ASSERT_TRUE(WaitUntil([&] {
    for (const auto& send : fake_->Messages()) {
      if (send.provider == "whatsapp" && send.Field("interactive.type") == "button") {
        return true;
      }
    }
    return false;
  }));
  std::string body;
  for (const auto& send : fake_->Messages()) {
    if (send.provider == "whatsapp") {
      body = send.body;
    }
  }
  const auto request = ParseJson(body).as_object();
  const auto& buttons =
      request.at("interactive").as_object().at("action").as_object().at("buttons").as_array();
  ASSERT_EQ(buttons.size(), 2u);
  EXPECT_EQ(buttons[0].as_object().at("reply").as_object().at("id").as_string(), "yes");
}

TEST_F(Flows, WebchatCardFreezeWithOptions) {
  WebSocketClient client;
  ASSERT_TRUE(client.Connect(app_->Port(), "/webchat/chat/socket", kWaitLimit).empty());
  ASSERT_TRUE(client.SendJson({{"type", "hello"}}, kWaitLimit));
  ASSERT_TRUE(client.ReadType("session", kWaitLimit).has_value());
  auto next_text = [&]() -> json::object {
    const auto frame = client.ReadType("message", kWaitLimit);
    return frame ? frame->at("message").as_object() : json::object();
  };

  ASSERT_TRUE(client.SendJson({{"type", "message"}, {"client_id", "c1"}, {"text", "freeze my card"}},
                              kWaitLimit));
  EXPECT_EQ(next_text()["text"], "What is the mobile number on your account?");
  ASSERT_TRUE(client.SendJson({{"type", "message"}, {"client_id", "c2"}, {"text", "+12025550123"}},
                              kWaitLimit));
  // The passcode goes by SMS to the account's phone; the chat gets the prompt.
  EXPECT_EQ(next_text()["text"],
            "I sent a 6-digit code by SMS to the phone number on your account. Please send it here.");
  bool code_by_sms = false;
  ASSERT_TRUE(WaitUntil([&] {
    for (const auto& send : fake_->Messages()) {
      code_by_sms = code_by_sms || (send.provider == "twilio" && send.to == kDana &&
                                    send.text.rfind("Your verification code is ", 0) == 0);
    }
    return code_by_sms;
  }));
  ASSERT_TRUE(client.SendJson({{"type", "message"}, {"client_id", "c2b"}, {"text", LatestCode()}},
                              kWaitLimit));
  const auto confirm = next_text();
  EXPECT_EQ(confirm.at("text"),
            "Freeze your card now? Payments with it stop until you unfreeze it in the app.");
  ASSERT_TRUE(confirm.contains("options"));
  ASSERT_EQ(confirm.at("options").as_array().size(), 2u);
  EXPECT_EQ(confirm.at("options").as_array()[0].as_object().at("id"), "yes");

  ASSERT_TRUE(client.SendJson(
      {{"type", "message"}, {"client_id", "c3"}, {"text", "Yes"}, {"reply_id", "yes"}}, kWaitLimit));
  EXPECT_EQ(next_text()["text"],
            "Your card is frozen. If it was stolen, an agent can order a new one: just type agent.");

  // The lookup linked the visitor to the customer. The conversation is still with the bot, so a
  // supervisor sees the profile, with an audit row, and an agent does not.
  const std::int64_t conversation = Store().Integer(
      "SELECT conversation_id FROM messages WHERE inbox_id = 'chat' ORDER BY id DESC LIMIT 1");
  const std::string route = "/api/v1/conversations/" + std::to_string(conversation) + "/customer";
  const auto hidden = Api("GET", route, Login("alice", kAgentPassword));
  EXPECT_EQ(hidden.status, 403) << hidden.body;
  const auto shown = Api("GET", route, Login("bob", kSupervisorPassword));
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM audit_log WHERE action = 'customer.read'"), 1);
  const auto body = ParseJson(shown.body).as_object();
  EXPECT_EQ(body.at("customer").as_object().at("card_status"), "frozen");
  EXPECT_EQ(body.at("transactions").as_array().size(), 1u);
}

TEST_F(Flows, SmsBalanceAsksPasscodeFirst) {
  ASSERT_EQ(Sms("what is my balance").status, 200);
  const std::string code = LatestCode();
  ASSERT_TRUE(WaitForReply(kCodePrompt));
  ASSERT_TRUE(WaitForOutboxIdle());
  for (const auto& send : fake_->Messages()) {
    EXPECT_EQ(send.text.find("1843.27"), std::string::npos) << send.text;
  }
  ASSERT_EQ(Sms(code).status, 200);
  EXPECT_TRUE(WaitForReply("Your balance is 1843.27 USD. I found no payments yet."));
}

TEST_F(Flows, WebchatBalanceAsksPasscodeFirst) {
  WebSocketClient client;
  ASSERT_TRUE(client.Connect(app_->Port(), "/webchat/chat/socket", kWaitLimit).empty());
  ASSERT_TRUE(client.SendJson({{"type", "hello"}}, kWaitLimit));
  ASSERT_TRUE(client.ReadType("session", kWaitLimit).has_value());
  auto next_text = [&]() -> std::string {
    const auto frame = client.ReadType("message", kWaitLimit);
    return frame ? std::string(frame->at("message").as_object().at("text").as_string())
                 : std::string();
  };
  ASSERT_TRUE(client.SendJson(
      {{"type", "message"}, {"client_id", "b1"}, {"text", "what is my balance"}}, kWaitLimit));
  EXPECT_EQ(next_text(), "What is the mobile number on your account?");
  // A typed account number shows no data, because the passcode goes to that phone by SMS.
  ASSERT_TRUE(client.SendJson(
      {{"type", "message"}, {"client_id", "b2"}, {"text", "+12025550123"}}, kWaitLimit));
  EXPECT_EQ(next_text(), kCodePrompt);
  const std::string code = LatestCode();
  ASSERT_TRUE(client.SendJson({{"type", "message"}, {"client_id", "b3"}, {"text", code}},
                              kWaitLimit));
  EXPECT_EQ(next_text(), "Your balance is 1843.27 USD. I found no payments yet.");
}

TEST_F(Flows, ImportApiChecksRoleAndRecords) {
  const auto forbidden =
      Api("POST", "/api/v1/customers:import", Login("alice", kAgentPassword), R"({"customers":[]})");
  EXPECT_EQ(forbidden.status, 403);
  const auto invalid = Api("POST", "/api/v1/customers:import", admin_token_,
                           R"({"customers":[{"customer_id":"C-2","phone":"555"}]})");
  ASSERT_EQ(invalid.status, 422);
  const auto errors = ParseJson(invalid.body).as_object().at("errors").as_array();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].as_object().at("location"), "customers[0]");
  EXPECT_EQ(errors[0].as_object().at("field"), "phone");
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM customer_profiles WHERE external_id = 'C-2'"), 0);
  EXPECT_EQ(Api("POST", "/api/v1/customers:import", "", "{}").status, 401);
}

}  // namespace
}  // namespace mobilelink::integration
