#include <gtest/gtest.h>

#include "mobilelink/channels/testing/adapter_harness.hpp"
#include "mobilelink/channels/whatsapp/adapter.hpp"

namespace mobilelink::channels::whatsapp {
namespace {

using channels::testing::HeaderValue;
using channels::testing::ReadFixture;

InboxConfig MakeInbox() {
  InboxConfig inbox;
  inbox.id = "inbox-2";
  inbox.channel = "whatsapp";
  inbox.settings = {{"phone_number_id", "200000000000001"},
                    {"access_token", "access_token_secret_0001"},
                    {"app_secret", "example_app_secret_0001"},
                    {"verify_token", "verify_token_secret_0001"},
                    {"api_base_url", "http://127.0.0.1:9/graph"}};
  return inbox;
}

http::ClientResponse MakeResponse(int status, std::string body) {
  http::ClientResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

TEST(WhatsAppOutbound, BuildsTextRequest) {
  WhatsAppAdapter adapter;
  OutboundMessage message;
  message.to = "+12025550123";
  message.text = "Your ticket 4711 was updated.";
  auto request = adapter.BuildSend(MakeInbox(), message);
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->method, "POST");
  EXPECT_EQ(request->url, "http://127.0.0.1:9/graph/v21.0/200000000000001/messages");
  EXPECT_EQ(HeaderValue(request->headers, "Authorization"), "Bearer access_token_secret_0001");
  EXPECT_EQ(HeaderValue(request->headers, "Content-Type"), "application/json");
  EXPECT_EQ(request->body,
            R"({"messaging_product":"whatsapp","recipient_type":"individual",)"
            R"("to":"12025550123","type":"text",)"
            R"("text":{"preview_url":false,"body":"Your ticket 4711 was updated."}})");
}

TEST(WhatsAppOutbound, CarriesCallbackData) {
  WhatsAppAdapter adapter;
  OutboundMessage message;
  message.to = "+12025550123";
  message.text = "Your ticket 4711 was updated.";
  message.callback_data = "mobilelink-outbox-42";
  auto request = adapter.BuildSend(MakeInbox(), message);
  ASSERT_TRUE(request.has_value());
  EXPECT_NE(request->body.find(R"("biz_opaque_callback_data":"mobilelink-outbox-42")"),
            std::string::npos)
      << request->body;
}

TEST(WhatsAppOutbound, CutsCallbackDataAt512) {
  WhatsAppAdapter adapter;
  OutboundMessage message;
  message.to = "+12025550123";
  message.text = "Hello";
  message.callback_data = std::string(600, 'x');
  auto request = adapter.BuildSend(MakeInbox(), message);
  ASSERT_TRUE(request.has_value());
  EXPECT_NE(request->body.find("\"" + std::string(512, 'x') + "\""), std::string::npos);
  EXPECT_EQ(request->body.find(std::string(513, 'x')), std::string::npos);
}

TEST(WhatsAppOutbound, DefaultsToGraphApi) {
  WhatsAppAdapter adapter;
  InboxConfig inbox = MakeInbox();
  inbox.settings.erase("api_base_url");
  inbox.settings["api_version"] = "v22.0";
  auto request = adapter.BuildSend(inbox, OutboundMessage{});
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->url, "https://graph.facebook.com/v22.0/200000000000001/messages");
}

TEST(WhatsAppOutbound, AcceptedReportsWamid) {
  WhatsAppAdapter adapter;
  SendResult result =
      adapter.ParseSendResponse(MakeResponse(200, ReadFixture("whatsapp", "send_ok.json")));
  EXPECT_TRUE(result.ok);
  EXPECT_EQ(result.provider_message_id, "wamid.EXAMPLE0200");
  EXPECT_EQ(result.status, core::DeliveryStatus::kQueued);
}

struct SendCase {
  std::string name;
  int http_status;
  std::string fixture;
  std::string raw_body;
  SendFailure failure;
  bool retryable;
  std::string error_code;
};

class WhatsAppSendResponse : public ::testing::TestWithParam<SendCase> {};

TEST_P(WhatsAppSendResponse, Run) {
  const SendCase& row = GetParam();
  WhatsAppAdapter adapter;
  std::string body = row.fixture.empty() ? row.raw_body : ReadFixture("whatsapp", row.fixture);
  SendResult result = adapter.ParseSendResponse(MakeResponse(row.http_status, body));
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(ToString(result.failure), ToString(row.failure));
  EXPECT_EQ(result.retryable, row.retryable);
  EXPECT_EQ(result.error_code, row.error_code);
  EXPECT_FALSE(result.error_message.empty());
  EXPECT_EQ(result.error_message.find("access_token_secret_0001"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Outbound, WhatsAppSendResponse,
    ::testing::Values(
        SendCase{"OutsideWindow", 400, "send_error_window.json", "",
                 SendFailure::kOutsideReplyWindow, false, "131047"},
        SendCase{"Throttled", 429, "send_error_throttled.json", "", SendFailure::kThrottled, true,
                 "130429"},
        SendCase{"TokenExpired", 401, "send_error_token.json", "", SendFailure::kConfigInvalid,
                 false, "190"},
        SendCase{"PairRateLimit", 400, "", R"({"error":{"code":131056,"message":"pair"}})",
                 SendFailure::kThrottled, true, "131056"},
        SendCase{"InvalidParameter", 400, "", R"({"error":{"code":100,"message":"bad"}})",
                 SendFailure::kMessageInvalid, false, "100"},
        SendCase{"MissingParameter", 400, "", R"({"error":{"code":131008,"message":"bad"}})",
                 SendFailure::kMessageInvalid, false, "131008"},
        SendCase{"Undeliverable", 400, "", R"({"error":{"code":131026,"message":"no"}})",
                 SendFailure::kProviderError, false, "131026"},
        SendCase{"UnmappedCodeOnServerError", 500, "", R"({"error":{"code":1,"message":"x"}})",
                 SendFailure::kProviderError, true, "1"},
        SendCase{"ServerErrorWithoutBody", 502, "", "", SendFailure::kResponseStatus, true, ""},
        SendCase{"OkWithoutId", 200, "", R"({"messages":[]})", SendFailure::kResponseUnparseable,
                 false, ""}),
    [](const ::testing::TestParamInfo<SendCase>& info) { return info.param.name; });

TEST(WhatsAppOutbound, SurvivesMutatedResponses) {
  WhatsAppAdapter adapter;
  for (std::string_view fixture : {"send_ok.json", "send_error_window.json"}) {
    for (const std::string& variant :
         channels::testing::MutateBytes(ReadFixture("whatsapp", fixture))) {
      SendResult ok = adapter.ParseSendResponse(MakeResponse(200, variant));
      EXPECT_EQ(ok.ok, !ok.provider_message_id.empty());
      SendResult failed = adapter.ParseSendResponse(MakeResponse(400, variant));
      EXPECT_FALSE(failed.ok);
    }
  }
}

}  // namespace
}  // namespace mobilelink::channels::whatsapp
