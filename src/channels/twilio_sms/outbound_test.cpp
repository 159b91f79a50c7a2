#include <gtest/gtest.h>

#include "mobilelink/channels/testing/adapter_harness.hpp"
#include "mobilelink/channels/twilio_sms/adapter.hpp"

namespace mobilelink::channels::twilio_sms {
namespace {

using channels::testing::HeaderValue;
using channels::testing::ReadFixture;

constexpr std::string_view kAuthTokenValue = "test_auth_token_secret_0001";
constexpr std::string_view kAccount = "AC00000000000000000000000000000001";
constexpr std::string_view kMessagesUrl =
    "http://127.0.0.1:9/twilio/2010-04-01/Accounts/AC00000000000000000000000000000001/"
    "Messages.json";

InboxConfig MakeInbox() {
  InboxConfig inbox;
  inbox.id = "inbox-1";
  inbox.channel = "twilio_sms";
  inbox.settings = {{"account_sid", std::string(kAccount)},
                    {"auth_token", std::string(kAuthTokenValue)},
                    {"from", "+12025550145"},
                    {"api_base_url", "http://127.0.0.1:9/twilio/"}};
  return inbox;
}

OutboundMessage MakeMessage() {
  OutboundMessage message;
  message.message_id = 42;
  message.to = "+12025550123";
  message.text = "Your ticket 4711 was updated.";
  return message;
}

http::ClientResponse MakeResponse(int status, std::string body) {
  http::ClientResponse response;
  response.status = status;
  response.headers.Add("Content-Type", "application/json");
  response.body = std::move(body);
  return response;
}

// Base64 of "AC00000000000000000000000000000001:test_auth_token_secret_0001".
constexpr std::string_view kBasic =
    "Basic QUMwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMTp0ZXN0X2F1dGhfdG9rZW5fc2VjcmV0XzAwMDE=";

TEST(TwilioSmsOutbound, BuildsTextRequest) {
  TwilioSmsAdapter adapter;
  OutboundMessage message = MakeMessage();
  message.status_callback_url = "https://hooks.example.com/webhooks/twilio/inbox-1/status";
  auto request = adapter.BuildSend(MakeInbox(), message);
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->method, "POST");
  EXPECT_EQ(request->url, kMessagesUrl);
  EXPECT_EQ(HeaderValue(request->headers, "Authorization"), kBasic);
  EXPECT_EQ(HeaderValue(request->headers, "Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(HeaderValue(request->headers, "Accept"), "application/json");
  EXPECT_EQ(request->body,
            "To=%2B12025550123&From=%2B12025550145&Body=Your+ticket+4711+was+updated."
            "&StatusCallback=https%3A%2F%2Fhooks.example.com%2Fwebhooks%2Ftwilio%2Finbox-1%2F"
            "status");
}

TEST(TwilioSmsOutbound, BuildsServiceRequestWithMedia) {
  TwilioSmsAdapter adapter;
  InboxConfig inbox = MakeInbox();
  inbox.settings["messaging_service_sid"] = "MG00000000000000000000000000000001";
  OutboundMessage message = MakeMessage();
  message.text = "Photos";
  message.media = {{"https://cdn.example.com/a.jpg", "image/jpeg"},
                   {"https://cdn.example.com/b.png", "image/png"}};
  auto request = adapter.BuildSend(inbox, message);
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->body,
            "To=%2B12025550123&MessagingServiceSid=MG00000000000000000000000000000001"
            "&Body=Photos&MediaUrl=https%3A%2F%2Fcdn.example.com%2Fa.jpg"
            "&MediaUrl=https%3A%2F%2Fcdn.example.com%2Fb.png");
}

TEST(TwilioSmsOutbound, DefaultsToTwilioApi) {
  TwilioSmsAdapter adapter;
  InboxConfig inbox = MakeInbox();
  inbox.settings.erase("api_base_url");
  auto request = adapter.BuildSend(inbox, MakeMessage());
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->url,
            "https://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000001/"
            "Messages.json");
}

struct SendCase {
  std::string name;
  int http_status;
  std::string fixture;  // Empty: the body is `raw_body`.
  std::string raw_body;
  bool ok;
  SendFailure failure;
  bool retryable;
  std::string error_code;
};

class TwilioSmsSendResponse : public ::testing::TestWithParam<SendCase> {};

TEST_P(TwilioSmsSendResponse, Run) {
  const SendCase& row = GetParam();
  TwilioSmsAdapter adapter;
  std::string body = row.fixture.empty() ? row.raw_body : ReadFixture("twilio_sms", row.fixture);
  SendResult result = adapter.ParseSendResponse(MakeResponse(row.http_status, body));
  EXPECT_EQ(result.ok, row.ok);
  EXPECT_EQ(result.retryable, row.retryable);
  EXPECT_EQ(result.error_code, row.error_code);
  if (!row.ok) {
    EXPECT_EQ(ToString(result.failure), ToString(row.failure));
    EXPECT_FALSE(result.error_message.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Outbound, TwilioSmsSendResponse,
    ::testing::Values(SendCase{"Created", 201, "send_ok.json", "", true,
                               SendFailure::kProviderError, false, ""},
                      SendCase{"OptedOut", 400, "send_error_opted_out.json", "", false,
                               SendFailure::kContactOptedOut, false, "21610"},
                      SendCase{"AuthFailed", 401, "send_error_auth.json", "", false,
                               SendFailure::kConfigInvalid, false, "20003"},
                      SendCase{"UnmappedCode", 400, "send_error_unknown_code.json", "", false,
                               SendFailure::kProviderError, false, "21999"},
                      SendCase{"ServerError", 503, "", "<html>busy</html>", false,
                               SendFailure::kResponseStatus, true, ""},
                      SendCase{"ClientErrorWithoutCode", 404, "", "", false,
                               SendFailure::kResponseStatus, false, ""},
                      SendCase{"CreatedWithoutSid", 201, "", "{\"status\":\"queued\"}", false,
                               SendFailure::kResponseUnparseable, false, ""},
                      SendCase{"CreatedGarbage", 201, "", "not json", false,
                               SendFailure::kResponseUnparseable, false, ""}),
    [](const ::testing::TestParamInfo<SendCase>& info) { return info.param.name; });

TEST(TwilioSmsOutbound, CreatedReportsSidAndStatus) {
  TwilioSmsAdapter adapter;
  SendResult result =
      adapter.ParseSendResponse(MakeResponse(201, ReadFixture("twilio_sms", "send_ok.json")));
  EXPECT_EQ(result.provider_message_id, "SM00000000000000000000000000000021");
  EXPECT_EQ(result.status, core::DeliveryStatus::kQueued);
}

TEST(TwilioSmsOutbound, ThrottledKeepsRetryAfter) {
  TwilioSmsAdapter adapter;
  http::ClientResponse response = MakeResponse(429, "{\"code\":20429,\"message\":\"Too many\"}");
  response.headers.Add("Retry-After", "7");
  SendResult result = adapter.ParseSendResponse(response);
  EXPECT_EQ(result.failure, SendFailure::kThrottled);
  EXPECT_TRUE(result.retryable);
  ASSERT_TRUE(result.retry_after.has_value());
  EXPECT_EQ(result.retry_after->count(), 7);
}

TEST(TwilioSmsOutbound, NoSecretInErrorMessages) {
  TwilioSmsAdapter adapter;
  for (std::string_view fixture :
       {"send_error_opted_out.json", "send_error_auth.json", "send_error_unknown_code.json"}) {
    SendResult result =
        adapter.ParseSendResponse(MakeResponse(400, ReadFixture("twilio_sms", fixture)));
    EXPECT_FALSE(channels::testing::ContainsSecret(adapter, MakeInbox(), result.error_message));
  }
}

core::TimePoint NoonJanuaryFirst() {
  return core::TimePoint(std::chrono::seconds(1735732800));  // 2025-01-01T12:00:00Z.
}

TEST(TwilioSmsOutbound, BuildsLookupRequest) {
  TwilioSmsAdapter adapter;
  auto request = adapter.BuildLookup(MakeInbox(), MakeMessage(), NoonJanuaryFirst());
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->method, "GET");
  EXPECT_EQ(request->url, std::string(kMessagesUrl) +
                              "?To=%2B12025550123&From=%2B12025550145&PageSize=50");
  EXPECT_EQ(HeaderValue(request->headers, "Authorization"), kBasic);
  EXPECT_TRUE(request->body.empty());
}

TEST(TwilioSmsOutbound, LookupSkipsMessagesBeforeAttempt) {
  TwilioSmsAdapter adapter;
  OutboundMessage message = MakeMessage();
  message.attempted_at = NoonJanuaryFirst() + std::chrono::milliseconds(400);
  LookupResult result = adapter.ParseLookupResponse(
      message, MakeResponse(200, ReadFixture("twilio_sms", "lookup_found.json")));
  EXPECT_TRUE(result.conclusive);
  EXPECT_TRUE(result.found);
  EXPECT_EQ(result.provider_message_id, "SM00000000000000000000000000000032");
  EXPECT_EQ(result.candidates, std::vector<std::string>{"SM00000000000000000000000000000032"});
}

// The page lists the same text sent at 11:00:00 and 12:00:05, oldest first.
TEST(TwilioSmsOutbound, LookupListsEveryMatchNewestFirst) {
  TwilioSmsAdapter adapter;
  LookupResult result = adapter.ParseLookupResponse(
      MakeMessage(), MakeResponse(200, ReadFixture("twilio_sms", "lookup_found.json")));
  EXPECT_TRUE(result.found);
  EXPECT_EQ(result.provider_message_id, "SM00000000000000000000000000000032");
  const std::vector<std::string> expected = {"SM00000000000000000000000000000032",
                                             "SM00000000000000000000000000000031"};
  EXPECT_EQ(result.candidates, expected);
}

TEST(TwilioSmsOutbound, LookupIgnoresOtherBody) {
  TwilioSmsAdapter adapter;
  OutboundMessage message = MakeMessage();
  message.text = "Another text";
  LookupResult result = adapter.ParseLookupResponse(
      message, MakeResponse(200, ReadFixture("twilio_sms", "lookup_found.json")));
  EXPECT_TRUE(result.conclusive);
  EXPECT_FALSE(result.found);
  EXPECT_TRUE(result.candidates.empty());
}

TEST(TwilioSmsOutbound, LookupEmptyPageIsConclusive) {
  TwilioSmsAdapter adapter;
  LookupResult result = adapter.ParseLookupResponse(
      MakeMessage(), MakeResponse(200, ReadFixture("twilio_sms", "lookup_empty.json")));
  EXPECT_TRUE(result.conclusive);
  EXPECT_FALSE(result.found);
}

TEST(TwilioSmsOutbound, LookupErrorIsInconclusive) {
  TwilioSmsAdapter adapter;
  LookupResult result = adapter.ParseLookupResponse(MakeMessage(), MakeResponse(500, "oops"));
  EXPECT_FALSE(result.conclusive);
  EXPECT_FALSE(result.found);
}

TEST(TwilioSmsOutbound, SurvivesMutatedResponses) {
  TwilioSmsAdapter adapter;
  for (std::string_view fixture : {"send_ok.json", "lookup_found.json"}) {
    std::string body = ReadFixture("twilio_sms", fixture);
    for (const std::string& variant : channels::testing::MutateBytes(body)) {
      SendResult sent = adapter.ParseSendResponse(MakeResponse(201, variant));
      EXPECT_EQ(sent.ok, !sent.provider_message_id.empty());
      LookupResult found = adapter.ParseLookupResponse(MakeMessage(), MakeResponse(200, variant));
      EXPECT_EQ(found.found, !found.provider_message_id.empty());
      EXPECT_EQ(found.found, !found.candidates.empty());
    }
  }
}

}  // namespace
}  // namespace mobilelink::channels::twilio_sms
