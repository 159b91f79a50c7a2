// Signed links sent by SMS while a flow waits at an `authenticate: link` step. Each chat message
// during the wait sends a new link, and web chat visitors are anonymous, so the SMS that one
// customer's phone receives must be bounded per phone, as passcodes are.

#include <yaml-cpp/yaml.h>

#include "server_fixture.hpp"
#include "websocket_client.hpp"

namespace mobilelink::integration {
namespace {

constexpr char kDana[] = "+12025550123";
constexpr char kLinkPrefix[] = "Confirm it is you: ";

// The OTP service sends at most this many passcodes to one phone in its 15-minute window.
constexpr int kCodesPerWindow = 3;

class LinkRecipientLimit : public ServerFixture {
 protected:
  void SetUp() override {
    ServerFixture::SetUp();
    const auto imported = Api("POST", "/api/v1/customers:import", Login("dora", kSupervisorPassword),
                              R"({"customers": [
        {"customer_id": "C-1001", "phone": "+12025550123", "name": "Dana Rivera",
         "currency": "USD", "card_status": "active"}]})");
    ASSERT_EQ(imported.status, 200) << imported.body;
  }

  // The fixture's config with the demo's bot rules and flows, and an admin who imports customers.
  [[nodiscard]] std::string ConfigYaml(const std::string& fake_url) const override {
    YAML::Node config = YAML::Load(ServerFixture::ConfigYaml(fake_url));
    const YAML::Node demo = YAML::LoadFile(MOBILELINK_SOURCE_DIR "/config/demo.yaml");
    config["bot"] = demo["bot"];
    // The demo names its Markdown folder relative to the repository root, and these tests need
    // no folder articles.
    config["bot"].remove("knowledge_base_dir");
    config["flows"] = demo["flows"];
    // The order status flow confirms with a link sent by SMS instead of a passcode.
    for (auto flow : config["flows"]) {
      if (flow["name"].as<std::string>() != "order_status") {
        continue;
      }
      for (auto step : flow["steps"]) {
        if (step["authenticate"]) {
          step["authenticate"] = "link";
          step.remove("code_message");
          step.remove("reprompt");
          step["link_message"] = std::string(kLinkPrefix) + "{{link}}";
          step["sms_inbox"] = "sms";
        }
      }
    }
    YAML::Node admin;
    admin["login"] = "dora";
    admin["name"] = "Dora Admin";
    admin["role"] = "admin";
    admin["password_hash"] = TestAgentHashes().supervisor;
    config["agents"].push_back(admin);
    YAML::Emitter out;
    out << config;
    return out.c_str();
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
