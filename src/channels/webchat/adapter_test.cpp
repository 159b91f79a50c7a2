#include "mobilelink/channels/webchat/adapter.hpp"

#include <gtest/gtest.h>

namespace mobilelink::channels::webchat {
namespace {

TEST(WebchatAdapter, DeclaresPushDelivery) {
  const WebchatAdapter adapter;
  const Capabilities& capabilities = adapter.GetCapabilities();
  EXPECT_TRUE(capabilities.push_delivery);
  EXPECT_EQ(capabilities.identity_scope, "inbox");
  EXPECT_FALSE(capabilities.keyword_opt_out);
  EXPECT_FALSE(capabilities.sms_segments);
  EXPECT_FALSE(capabilities.reply_window.has_value());
}

TEST(WebchatAdapter, WebhookIsIgnoredWith404) {
  const WebchatAdapter adapter;
  const InboxConfig inbox{"chat", "webchat", {}};
  const http::HttpRequest request;
  const ParsedWebhook parsed = adapter.ParseWebhook(inbox, {&request, {}, false});
  EXPECT_EQ(parsed.outcome, WebhookOutcome::kIgnored);
  ASSERT_TRUE(parsed.response.has_value());
  EXPECT_EQ(parsed.response->status, 404);
  EXPECT_TRUE(parsed.messages.empty());
}

TEST(WebchatAdapter, BuildsNoHttpSend) {
  const WebchatAdapter adapter;
  const InboxConfig inbox{"chat", "webchat", {}};
  EXPECT_FALSE(adapter.BuildSend(inbox, OutboundMessage{}).has_value());
}

TEST(WebchatAdapter, SettingsAreOptional) {
  const WebchatAdapter adapter;
  for (const SettingSpec& spec : adapter.Settings()) {
    EXPECT_FALSE(spec.required) << spec.key;
    EXPECT_FALSE(spec.secret) << spec.key;
  }
}

}  // namespace
}  // namespace mobilelink::channels::webchat
