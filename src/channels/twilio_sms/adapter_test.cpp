#include "mobilelink/channels/twilio_sms/adapter.hpp"

#include <gtest/gtest.h>

#include "mobilelink/channels/common/form.hpp"
#include "mobilelink/channels/testing/adapter_harness.hpp"
#include "mobilelink/channels/twilio_sms/signature.hpp"

namespace mobilelink::channels::twilio_sms {
namespace {

using channels::testing::ExpectedMessage;
using channels::testing::ExpectedStatus;
using channels::testing::InboundCase;
using channels::testing::ReadFixture;
using core::DeliveryStatus;

constexpr std::string_view kAuthTokenValue = "test_auth_token_secret_0001";
constexpr std::string_view kPublicUrl = "https://hooks.example.com/webhooks/twilio/inbox-1";
constexpr std::string_view kForm = "application/x-www-form-urlencoded";

InboxConfig MakeInbox() {
  InboxConfig inbox;
  inbox.id = "inbox-1";
  inbox.channel = "twilio_sms";
  inbox.settings = {{"account_sid", "AC00000000000000000000000000000001"},
                    {"auth_token", std::string(kAuthTokenValue)},
                    {"from", "+12025550145"},
                    {"api_base_url", "http://127.0.0.1:9/twilio"},
                    {"public_url", std::string(kPublicUrl)}};
  return inbox;
}

channels::testing::SignatureHook SignWith(std::string token, std::string url_suffix = "") {
  return [token, url_suffix](const std::string& body, const std::string& url) {
    auto params = common::ParseForm(body).value_or(common::FormPairs{});
    return std::optional<std::string>(ComputeSignature(token, url + url_suffix, params));
  };
}

channels::testing::SignatureHook SignValid() { return SignWith(std::string(kAuthTokenValue)); }

channels::testing::SignatureHook SignNone() {
  return [](const std::string&, const std::string&) { return std::optional<std::string>(); };
}

// Signs over the other route's URL, as if the request reached the wrong endpoint.
channels::testing::SignatureHook SignOverUrl(std::string url) {
  return [url](const std::string& body, const std::string&) {
    auto params = common::ParseForm(body).value_or(common::FormPairs{});
    return std::optional<std::string>(ComputeSignature(kAuthTokenValue, url, params));
  };
}

http::HttpRequest MakeRequest(const InboundCase& row, const std::string& body) {
  http::HttpRequest request;
  request.method = row.method;
  request.path = row.status_route ? "/webhooks/twilio/inbox-1/status" : "/webhooks/twilio/inbox-1";
  request.query = row.query;
  request.target = request.path + (row.query.empty() ? "" : "?" + row.query);
  request.body = body;
  if (!row.content_type.empty()) {
    request.headers.Add("Content-Type", row.content_type);
  }
  std::string url = std::string(kPublicUrl) + (row.status_route ? "/status" : "");
  if (auto signature = row.sign(body, url)) {
    request.headers.Add("X-Twilio-Signature", *signature);
  }
  return request;
}

ParsedWebhook ParseCase(const InboundCase& row, const std::string& body) {
  static const TwilioSmsAdapter adapter;
  http::HttpRequest request = MakeRequest(row, body);
  WebhookRequest webhook{&request, {}, row.status_route};
  return adapter.ParseWebhook(MakeInbox(), webhook);
}

InboundCase Accepted(std::string name, std::string fixture, std::vector<ExpectedMessage> messages) {
  InboundCase row{std::move(name), std::move(fixture)};
  row.content_type = kForm;
  row.sign = SignValid();
  row.messages = std::move(messages);
  return row;
}

InboundCase Status(std::string name, std::string fixture, std::vector<ExpectedStatus> statuses) {
  InboundCase row = Accepted(std::move(name), std::move(fixture), {});
  row.status_route = true;
  row.statuses = std::move(statuses);
  return row;
}

InboundCase Renamed(InboundCase row, std::string name) {
  row.name = std::move(name);
  return row;
}

InboundCase Rejected(InboundCase row, WebhookOutcome outcome, int http_status, std::string reason,
                     std::string field = "") {
  row.outcome = outcome;
  row.http_status = http_status;
  row.messages.clear();
  row.statuses.clear();
  row.reason = std::move(reason);
  row.field = std::move(field);
  return row;
}

const std::string kSid11 = "SM00000000000000000000000000000011";
const std::string kCustomer = "+12025550123";

std::vector<InboundCase> InboundCases() {
  InboundCase text =
      Accepted("InboundText", "inbound_text.form", {{kSid11, kCustomer, "Where is my order?"}});
  InboundCase charset = text;
  charset.name = "InboundTextWithCharset";
  charset.content_type = "Application/X-WWW-Form-Urlencoded; charset=utf-8";
  InboundCase default_port = text;
  default_port.name = "SignedWithDefaultPort";
  default_port.sign = SignOverUrl("https://hooks.example.com:443/webhooks/twilio/inbox-1");

  InboundCase wrong_media = text;
  wrong_media.content_type = "application/json";
  InboundCase unsigned_text = text;
  unsigned_text.sign = SignNone();
  InboundCase other_url = text;
  other_url.sign = SignOverUrl("https://hooks.example.com/webhooks/twilio/inbox-2");
  InboundCase wrong_token = Accepted("SignatureInvalid", "signature_invalid.form", {});
  wrong_token.sign = SignWith("wrong_token");
  InboundCase status_on_inbound_url =
      Status("StatusSignedForInboundUrl", "status_delivered.form", {});
  status_on_inbound_url.sign = SignOverUrl(std::string(kPublicUrl));

  return {
      text,
      charset,
      default_port,
      Accepted("InboundMmsTwoImages", "inbound_mms_two_images.form",
               {{"MM00000000000000000000000000000012",
                 kCustomer,
                 "",
                 {{"https://media.example.com/m/0001.jpg", "image/jpeg"},
                  {"https://media.example.com/m/0002.png", "image/png"}}}}),
      Accepted("InboundMmsDocExample", "inbound_mms_doc_example.form",
               {{"SM00000000000000000000000000000001",
                 kCustomer,
                 "Where is my order?",
                 {{"https://media.example.com/m/0001.jpg", "image/jpeg"}}}}),
      Accepted(
          "InboundWithProfileName", "inbound_whatsapp_profile.form",
          {{"SM00000000000000000000000000000013", "+447700900123", "Hello", {}, "Pat Example"}}),
      Accepted("InboundNationalFrom", "inbound_national_from.form",
               {{"SM00000000000000000000000000000014", kCustomer, "hi"}}),
      Rejected(Accepted("InboundMissingSid", "inbound_missing_sid.form", {}),
               WebhookOutcome::kMalformed, 400, "MessageSid is missing", "MessageSid"),
      Rejected(Accepted("InboundBadFrom", "inbound_bad_from.form", {}), WebhookOutcome::kMalformed,
               400, "From is not a valid phone number", "From"),
      Rejected(Accepted("InboundBadNumMedia", "inbound_bad_num_media.form", {}),
               WebhookOutcome::kMalformed, 400, "NumMedia must be a whole number from 0 to 10",
               "NumMedia"),
      Rejected(Accepted("InboundMissingMediaUrl", "inbound_missing_media_url.form", {}),
               WebhookOutcome::kMalformed, 400, "MediaUrl1 is missing", "MediaUrl1"),
      Rejected(Accepted("InboundMediaUrlFile", "inbound_media_url_file.form", {}),
               WebhookOutcome::kMalformed, 400, "MediaUrl0 must be an absolute http or https URL",
               "MediaUrl0"),
      Rejected(Accepted("InboundMediaUrlJavascript", "inbound_media_url_javascript.form", {}),
               WebhookOutcome::kMalformed, 400, "MediaUrl0 must be an absolute http or https URL",
               "MediaUrl0"),
      Rejected(Accepted("InboundMediaUrlRelative", "inbound_media_url_relative.form", {}),
               WebhookOutcome::kMalformed, 400, "MediaUrl0 must be an absolute http or https URL",
               "MediaUrl0"),
      Rejected(Accepted("InboundOtherAccount", "inbound_other_account.form", {}),
               WebhookOutcome::kMalformed, 400, "AccountSid does not match", "AccountSid"),
      Rejected(Accepted("InboundBadEscape", "inbound_bad_escape.form", {}),
               WebhookOutcome::kMalformed, 400, "malformed percent-escape"),
      Rejected(wrong_token, WebhookOutcome::kSignatureInvalid, 403,
               "X-Twilio-Signature does not match", "X-Twilio-Signature"),
      Rejected(Renamed(unsigned_text, "SignatureMissing"), WebhookOutcome::kSignatureInvalid, 403,
               "X-Twilio-Signature header is missing", "X-Twilio-Signature"),
      Rejected(Renamed(other_url, "SignedForOtherUrl"), WebhookOutcome::kSignatureInvalid, 403,
               "X-Twilio-Signature does not match", "X-Twilio-Signature"),
      Rejected(Renamed(wrong_media, "WrongContentType"), WebhookOutcome::kUnsupportedMedia, 415,
               "Content-Type", "Content-Type"),
      Status("StatusDelivered", "status_delivered.form",
             {{"SM00000000000000000000000000000002", DeliveryStatus::kDelivered}}),
      Status("StatusOutOfOrder", "status_out_of_order.form",
             {{"SM00000000000000000000000000000002", DeliveryStatus::kSent}}),
      Status("StatusUndelivered", "status_undelivered.form",
             {{"SM00000000000000000000000000000002", DeliveryStatus::kFailed, "30003"}}),
      Status("StatusCanceled", "status_canceled.form",
             {{"SM00000000000000000000000000000003", DeliveryStatus::kFailed}}),
      Rejected(Status("StatusReceived", "status_received.form", {}), WebhookOutcome::kIgnored, 200,
               "is not a delivery status", "MessageStatus"),
      Rejected(Status("UnknownStatus", "unknown_status.form", {}), WebhookOutcome::kIgnored, 200,
               "is not a known status"),
      Rejected(Status("StatusMissingStatus", "status_missing_status.form", {}),
               WebhookOutcome::kMalformed, 400, "MessageStatus is missing", "MessageStatus"),
      Rejected(status_on_inbound_url, WebhookOutcome::kSignatureInvalid, 403,
               "X-Twilio-Signature does not match"),
  };
}

InboundCase FindCase(std::string_view name) {
  for (const InboundCase& row : InboundCases()) {
    if (row.name == name) {
      return row;
    }
  }
  ADD_FAILURE() << "no inbound case named " << name;
  return {};
}

class TwilioSmsInbound : public ::testing::TestWithParam<InboundCase> {};

TEST_P(TwilioSmsInbound, Run) {
  const InboundCase& row = GetParam();
  ParsedWebhook parsed = ParseCase(row, ReadFixture("twilio_sms", row.fixture));
  channels::testing::ExpectParsed(row, parsed);
  for (const core::InboundMessage& message : parsed.messages) {
    EXPECT_EQ(message.inbox_id, "inbox-1");
  }
}

INSTANTIATE_TEST_SUITE_P(Inbound, TwilioSmsInbound, ::testing::ValuesIn(InboundCases()),
                         channels::testing::CaseName);

TEST(TwilioSmsAdapter, InboundAnswersEmptyTwiml) {
  ParsedWebhook parsed =
      ParseCase(FindCase("InboundText"), ReadFixture("twilio_sms", "inbound_text.form"));
  ASSERT_TRUE(parsed.response.has_value());
  EXPECT_EQ(parsed.response->body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>");
  EXPECT_EQ(channels::testing::HeaderValue(parsed.response->headers, "Content-Type"), "text/xml");
}

TEST(TwilioSmsAdapter, AcceptsServerCandidateUrl) {
  TwilioSmsAdapter adapter;
  InboxConfig inbox = MakeInbox();
  inbox.settings.erase("public_url");
  InboundCase row = FindCase("InboundText");
  row.sign = SignOverUrl("https://proxy.example.com/webhooks/twilio/inbox-1");
  http::HttpRequest request = MakeRequest(row, ReadFixture("twilio_sms", "inbound_text.form"));
  WebhookRequest webhook{&request, {"https://proxy.example.com/webhooks/twilio/inbox-1"}, false};
  EXPECT_EQ(adapter.ParseWebhook(inbox, webhook).outcome, WebhookOutcome::kAccepted);
}

TEST(TwilioSmsAdapter, RejectsWhenNoUrlKnown) {
  TwilioSmsAdapter adapter;
  InboxConfig inbox = MakeInbox();
  inbox.settings.erase("public_url");
  http::HttpRequest request =
      MakeRequest(FindCase("InboundText"), ReadFixture("twilio_sms", "inbound_text.form"));
  ParsedWebhook parsed = adapter.ParseWebhook(inbox, {&request, {}, false});
  EXPECT_EQ(parsed.outcome, WebhookOutcome::kSignatureInvalid);
  EXPECT_NE(parsed.reason.find("set public_url"), std::string::npos);
}

TEST(TwilioSmsAdapter, RejectsMissingRequest) {
  TwilioSmsAdapter adapter;
  EXPECT_EQ(adapter.ParseWebhook(MakeInbox(), {}).outcome, WebhookOutcome::kMalformed);
}

// Builds a GET request whose parameters are the fixture's form, in the query string.
http::HttpRequest MakeGetRequest(std::string_view fixture) {
  http::HttpRequest request;
  request.method = "GET";
  request.path = "/webhooks/twilio/inbox-1";
  request.query = ReadFixture("twilio_sms", fixture);
  request.target = request.path + "?" + request.query;
  return request;
}

TEST(TwilioSmsAdapter, AcceptsSignedGetForm) {
  TwilioSmsAdapter adapter;
  http::HttpRequest request = MakeGetRequest("inbound_text.form");
  request.headers.Add("X-Twilio-Signature",
                      ComputeSignature(kAuthTokenValue,
                                       std::string(kPublicUrl) + "?" + request.query, {}));
  ParsedWebhook parsed = adapter.ParseWebhook(MakeInbox(), {&request, {}, false});
  EXPECT_EQ(parsed.outcome, WebhookOutcome::kAccepted) << parsed.reason;
  ASSERT_EQ(parsed.messages.size(), 1u);
  EXPECT_EQ(parsed.messages[0].provider_message_id, kSid11);
  EXPECT_EQ(parsed.messages[0].text, "Where is my order?");
}

TEST(TwilioSmsAdapter, RejectsUnsignedGetAsSignatureMissing) {
  TwilioSmsAdapter adapter;
  http::HttpRequest request = MakeGetRequest("inbound_text.form");
  ParsedWebhook parsed = adapter.ParseWebhook(MakeInbox(), {&request, {}, false});
  EXPECT_EQ(parsed.outcome, WebhookOutcome::kSignatureInvalid);
  ASSERT_TRUE(parsed.response.has_value());
  EXPECT_EQ(parsed.response->status, 403);
  EXPECT_NE(parsed.response->body.find("\"field\":\"X-Twilio-Signature\""), std::string::npos)
      << parsed.response->body;
}

TEST(TwilioSmsAdapter, NoSecretInAnyReason) {
  TwilioSmsAdapter adapter;
  for (const InboundCase& row : InboundCases()) {
    ParsedWebhook parsed = ParseCase(row, ReadFixture("twilio_sms", row.fixture));
    EXPECT_FALSE(channels::testing::ContainsSecret(adapter, MakeInbox(), parsed.reason))
        << row.name;
    ASSERT_TRUE(parsed.response.has_value());
    EXPECT_FALSE(channels::testing::ContainsSecret(adapter, MakeInbox(), parsed.response->body))
        << row.name;
  }
}

TEST(TwilioSmsAdapter, DeclaresSecretSettings) {
  TwilioSmsAdapter adapter;
  int secrets = 0;
  for (const SettingSpec& spec : adapter.Settings()) {
    secrets += spec.secret ? 1 : 0;
    EXPECT_EQ(spec.secret, spec.key == "auth_token") << spec.key;
  }
  EXPECT_EQ(secrets, 1);
}

// Truncated and bit-flipped fixtures must never crash the parser. Each variant is signed
// validly, so it reaches the form and field checks; an accepted result must be well formed.
TEST(TwilioSmsAdapter, SurvivesMutatedFixtures) {
  for (const InboundCase& row : InboundCases()) {
    std::string body = ReadFixture("twilio_sms", row.fixture);
    InboundCase signed_row = row;
    signed_row.content_type = kForm;
    signed_row.sign = SignValid();
    for (const std::string& variant : channels::testing::MutateBytes(body)) {
      ParsedWebhook parsed = ParseCase(signed_row, variant);
      ASSERT_TRUE(parsed.response.has_value());
      if (parsed.outcome != WebhookOutcome::kAccepted) {
        EXPECT_TRUE(parsed.messages.empty());
        EXPECT_TRUE(parsed.statuses.empty());
        continue;
      }
      for (const core::InboundMessage& message : parsed.messages) {
        EXPECT_FALSE(message.provider_message_id.empty());
        EXPECT_EQ(message.from.value.front(), '+');
        EXPECT_LE(message.media.size(), 10u);
      }
      for (const core::StatusUpdate& update : parsed.statuses) {
        EXPECT_FALSE(update.provider_message_id.empty());
      }
    }
  }
}

}  // namespace
}  // namespace mobilelink::channels::twilio_sms
