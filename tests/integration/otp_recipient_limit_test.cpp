// The passcode issue limit seen from the phone that receives the codes. Web chat visitors are
// anonymous, and each new socket is a new contact, so a limit that counts codes per contact
// does not bound how many passcode SMS one customer's phone receives.

#include "flows_fixture.hpp"
#include "websocket_client.hpp"

namespace mobilelink::integration {
namespace {

constexpr char kCodePrefix[] = "Your verification code is ";

// The OTP service issues at most this many codes per contact in its 15-minute window.
constexpr int kCodesPerWindow = 3;

class OtpRecipientLimit : public Flows {
 protected:
  int CodesSentToDana() const {
    int codes = 0;
    for (const auto& send : fake_->Messages()) {
      if (send.to == kDana && send.text.rfind(kCodePrefix, 0) == 0) {
        ++codes;
      }
    }
    return codes;
  }

  // Opens a new web chat session, starts the card freeze flow with Dana's number and returns
  // the bot's reply to the number.
  std::string StartCardFreezeAsNewVisitor(int visitor) {
    WebSocketClient client;
    EXPECT_TRUE(client.Connect(app_->Port(), "/webchat/chat/socket", kWaitLimit).empty());
    EXPECT_TRUE(client.SendJson({{"type", "hello"}}, kWaitLimit));
    EXPECT_TRUE(client.ReadType("session", kWaitLimit).has_value());
    const std::string prefix = "v" + std::to_string(visitor);
    EXPECT_TRUE(client.SendJson(
        {{"type", "message"}, {"client_id", prefix + "a"}, {"text", "freeze my card"}}, kWaitLimit));
    EXPECT_TRUE(client.ReadType("message", kWaitLimit).has_value());
    EXPECT_TRUE(client.SendJson(
        {{"type", "message"}, {"client_id", prefix + "b"}, {"text", kDana}}, kWaitLimit));
    const auto answer = client.ReadType("message", kWaitLimit);
    client.Close();
    if (!answer) {
      return {};
    }
    return std::string(answer->at("message").as_object().at("text").as_string());
  }
};

TEST_F(OtpRecipientLimit, NewVisitorsShareOnePhoneLimit) {
  for (int visitor = 0; visitor < kCodesPerWindow; ++visitor) {
    StartCardFreezeAsNewVisitor(visitor);
  }
  ASSERT_TRUE(WaitUntil([&] { return CodesSentToDana() == kCodesPerWindow; }));

  // One more anonymous visitor who types the same number must not get another code to it.
  StartCardFreezeAsNewVisitor(kCodesPerWindow);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(CodesSentToDana(), kCodesPerWindow);
}

}  // namespace
}  // namespace mobilelink::integration
