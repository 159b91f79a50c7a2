// Signed links sent by SMS while a flow waits at an `authenticate: link` step. Each chat message
// during the wait sends a new link, and web chat visitors are anonymous, so the SMS that one
// customer's phone receives must be bounded per phone, as passcodes are.

#include "flows_fixture.hpp"
#include "websocket_client.hpp"

namespace mobilelink::integration {
namespace {

constexpr char kLinkPrefix[] = "Confirm it is you: ";

// The OTP service sends at most this many passcodes to one phone in its 15-minute window.
constexpr int kCodesPerWindow = 3;

class LinkRecipientLimit : public Flows {
 protected:
  // The order status flow confirms with a link sent by SMS instead of a passcode.
  void EditConfig(YAML::Node& config) const override {
    UseSmsLinkForOrderStatus(config, std::string(kLinkPrefix) + "{{link}}");
  }

  int LinksSentToDana() const {
    int codes = 0;
    for (const auto& send : fake_->Messages()) {
      if (send.to == kDana && send.text.rfind(kLinkPrefix, 0) == 0) {
        ++codes;
      }
    }
    return codes;
  }

  // Opens a web chat session, starts the order status flow with Dana's number and then writes
  // `extra_messages` more chat messages while the flow waits for the link.
  void ChatWhileWaiting(int extra_messages) {
    WebSocketClient client;
    ASSERT_TRUE(client.Connect(app_->Port(), "/webchat/chat/socket", kWaitLimit).empty());
    ASSERT_TRUE(client.SendJson({{"type", "hello"}}, kWaitLimit));
    ASSERT_TRUE(client.ReadType("session", kWaitLimit).has_value());
    const char* const texts[] = {"where is my order", kDana};
    int sent = 0;
    for (const char* text : texts) {
      ASSERT_TRUE(client.SendJson(
          {{"type", "message"}, {"client_id", "m" + std::to_string(sent++)}, {"text", text}},
          kWaitLimit));
      ASSERT_TRUE(client.ReadType("ack", kWaitLimit).has_value());
    }
    for (int i = 0; i < extra_messages; ++i) {
      ASSERT_TRUE(client.SendJson(
          {{"type", "message"}, {"client_id", "m" + std::to_string(sent++)}, {"text", "hello?"}},
          kWaitLimit));
      ASSERT_TRUE(client.ReadType("ack", kWaitLimit).has_value());
    }
    client.Close();
  }
};

TEST_F(LinkRecipientLimit, VisitorsShareOnePhoneLimit) {
  for (int visitor = 0; visitor < kCodesPerWindow + 1; ++visitor) {
    ChatWhileWaiting(2);
  }
  ASSERT_TRUE(WaitUntil([&] { return LinksSentToDana() >= 1; }));
  ASSERT_TRUE(WaitForOutboxIdle());
  EXPECT_LE(LinksSentToDana(), kCodesPerWindow);
}

}  // namespace
}  // namespace mobilelink::integration
