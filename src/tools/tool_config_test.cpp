#include "mobilelink/tools/tool_config.hpp"

#include <stdlib.h>

#include <gtest/gtest.h>

#include "mobilelink/tools/listen_address.hpp"

namespace mobilelink::tools {
namespace {

constexpr char kConfig[] = R"(
server:
  public_url: https://support.example.test/
bot:
  handoff_message: An agent will reply soon.
inboxes:
  - id: sms-main
    channel: twilio_sms
    account_sid: AC1
    auth_token: ${TOOL_CONFIG_TEST_TOKEN}
    from: "+14155550000"
  - id: wa-main
    channel: whatsapp
    settings:
      phone_number_id: "200000000000001"
      app_secret: ${TOOL_CONFIG_TEST_UNSET}
    bot:
      handoff_message: Un agente te responderá.
)";

TEST(ToolConfig, ReadsInboxesAndResolvesEnv) {
  setenv("TOOL_CONFIG_TEST_TOKEN", "secret-token", 1);
  unsetenv("TOOL_CONFIG_TEST_UNSET");
  const auto config = ParseToolConfig(kConfig);
  EXPECT_EQ(config.public_url, "https://support.example.test");
  ASSERT_EQ(config.inboxes.size(), 2u);
  const auto* sms = config.FindTwilioInbox("AC1");
  ASSERT_NE(sms, nullptr);
  EXPECT_EQ(sms->Get("auth_token"), "secret-token");
  EXPECT_EQ(sms->Get("from"), "+14155550000");
  EXPECT_EQ(config.HandoffMessage(*sms), "An agent will reply soon.");

  const auto* whatsapp = config.FindWhatsAppInbox("200000000000001");
  ASSERT_NE(whatsapp, nullptr);
  EXPECT_EQ(whatsapp->id, "wa-main");
  EXPECT_EQ(config.HandoffMessage(*whatsapp), "Un agente te responderá.");
  EXPECT_THROW((void)whatsapp->Get("app_secret"), ToolConfigError);
}

TEST(ToolConfig, RejectsInboxWithoutId) {
  EXPECT_THROW(ParseToolConfig("inboxes:\n  - channel: whatsapp\n"), ToolConfigError);
  EXPECT_THROW(ParseToolConfig("inboxes: [\n"), ToolConfigError);
}

TEST(ToolConfig, ResolvesSeveralReferences) {
  setenv("TOOL_CONFIG_TEST_A", "a", 1);
  EXPECT_EQ(ResolveEnvReferences("x${TOOL_CONFIG_TEST_A}y${TOOL_CONFIG_TEST_A}"), "xaya");
  EXPECT_EQ(ResolveEnvReferences("no reference ${"), "no reference ${");
}

TEST(ListenAddress, ParsesHostAndPort) {
  const auto address = ParseListenAddress("127.0.0.1:9090");
  ASSERT_TRUE(address.has_value());
  EXPECT_EQ(address->host, "127.0.0.1");
  EXPECT_EQ(address->port, 9090);
  EXPECT_EQ(ParseListenAddress("[::1]:0")->host, "::1");
  EXPECT_EQ(ParseListenAddress(":8080")->host, "127.0.0.1");
  EXPECT_FALSE(ParseListenAddress("127.0.0.1").has_value());
  EXPECT_FALSE(ParseListenAddress("127.0.0.1:70000").has_value());
  EXPECT_FALSE(ParseListenAddress("host:port").has_value());
}

}  // namespace
}  // namespace mobilelink::tools
