// WhatsApp Cloud API end to end: the verification handshake, a signed inbound message and its
// reply, the 24-hour reply window and one contact across SMS and WhatsApp.

#include "server_fixture.hpp"

namespace mobilelink::integration {
namespace {

constexpr char kWaId[] = "12025550123";
constexpr char kCustomer[] = "+12025550123";

class WhatsApp : public ServerFixture {
 protected:
  http::ClientResponse Handshake(const std::string& verify_token) const {
    return Request("GET", "/webhooks/whatsapp/whatsapp?hub.mode=subscribe&hub.verify_token=" +
                              verify_token + "&hub.challenge=1158201444");
  }
};

TEST_F(WhatsApp, HandshakeEchoesChallenge) {
  const auto response = Handshake(kWhatsAppVerifyToken);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "1158201444");
}

TEST_F(WhatsApp, HandshakeWrongTokenIs403) {
  const auto response = Handshake("not-the-token");
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(response.body.find("1158201444"), std::string::npos);
}

TEST_F(WhatsApp, InboundTextGetsBotReply) {
  const auto response = PostWhatsApp(WhatsAppTextNotification("wamid.ITEST0001", kWaId, "hello"));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM messages WHERE provider_message_id = "
                            "'wamid.ITEST0001' AND inbox_id = 'whatsapp'"),
            1);
  ASSERT_TRUE(WaitForSends(kGreetingAnswer));
  const auto sends = SendsWithText(kGreetingAnswer);
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_EQ(sends[0].provider, "whatsapp");
  EXPECT_EQ(sends[0].to, kCustomer);
  EXPECT_EQ(sends[0].from, kWhatsAppPhoneNumberId);
  EXPECT_NE(sends[0].path.find(std::string("/") + kWhatsAppPhoneNumberId + "/messages"),
            std::string::npos)
      << sends[0].path;
}

TEST_F(WhatsApp, SamePhoneIsOneContact) {
  ASSERT_EQ(PostSms("SM30000000000000000000000000000001", kCustomer, "hello").status, 200);
  ASSERT_EQ(PostWhatsApp(WhatsAppTextNotification("wamid.ITEST0002", kWaId, "thanks")).status,
            200);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM contacts"), 1);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM conversations"), 1);
  EXPECT_EQ(Store().Integer("SELECT COUNT(DISTINCT conversation_id) FROM messages "
                            "WHERE direction = 'inbound'"),
            1);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM messages WHERE direction = 'inbound'"), 2);
}

class WhatsAppWindow : public ServerFixture {
 protected:
  WhatsAppWindow() { use_manual_clock_ = true; }
};

TEST_F(WhatsAppWindow, StaleReplyIs422) {
  ASSERT_EQ(PostWhatsApp(WhatsAppTextNotification("wamid.ITEST0003", kWaId, "hello")).status,
            200);
  ASSERT_TRUE(WaitForSends(kGreetingAnswer));
  const std::int64_t conversation = Store().Integer(
      "SELECT conversation_id FROM messages WHERE provider_message_id = 'wamid.ITEST0003'");
  ASSERT_GT(conversation, 0);
  const std::string path = "/api/v1/conversations/" + std::to_string(conversation) + "/messages";

  const auto inside = Api("POST", path, Login("bob", kSupervisorPassword),
                          R"({"text":"Reply inside the window"})");
  EXPECT_EQ(inside.status, 202) << inside.body;
  EXPECT_TRUE(WaitForSends("Reply inside the window"));

  manual_clock_.Advance(std::chrono::hours(25));
  // Access tokens live 12 hours on the same clock, so log in again after the jump.
  const auto outside = Api("POST", path, Login("bob", kSupervisorPassword),
                           R"({"text":"Reply outside the window"})");
  EXPECT_EQ(outside.status, 422) << outside.body;
  EXPECT_EQ(ErrorCode(outside.body), "outside_reply_window") << outside.body;
  EXPECT_EQ(
      Store().Integer("SELECT COUNT(*) FROM messages WHERE text = 'Reply outside the window'"), 0);
  ASSERT_TRUE(WaitForOutboxIdle());
  EXPECT_TRUE(SendsWithText("Reply outside the window").empty());
}

}  // namespace
}  // namespace mobilelink::integration
