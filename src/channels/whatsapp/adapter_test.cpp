#include "mobilelink/channels/whatsapp/adapter.hpp"

#include <gtest/gtest.h>

#include "mobilelink/channels/testing/adapter_harness.hpp"
#include "mobilelink/channels/whatsapp/signature.hpp"

namespace mobilelink::channels::whatsapp {
namespace {

using channels::testing::ExpectedMessage;
using channels::testing::ExpectedStatus;
using channels::testing::InboundCase;
using channels::testing::ReadFixture;
using core::DeliveryStatus;

constexpr std::string_view kAppSecretValue = "example_app_secret_0001";
constexpr std::string_view kVerifyTokenValue = "verify_token_secret_0001";
constexpr std::string_view kAccessTokenValue = "access_token_secret_0001";

InboxConfig MakeInbox() {
  InboxConfig inbox;
  inbox.id = "inbox-2";
  inbox.channel = "whatsapp";
  inbox.settings = {{"phone_number_id", "200000000000001"},
                    {"access_token", std::string(kAccessTokenValue)},
                    {"app_secret", std::string(kAppSecretValue)},
                    {"verify_token", std::string(kVerifyTokenValue)},
                    {"api_base_url", "http://127.0.0.1:9/graph"}};
  return inbox;
}

channels::testing::SignatureHook SignWith(std::string secret) {
  return [secret](const std::string& body, const std::string&) {
    return std::optional<std::string>(ComputeSignature(secret, body));
  };
}

channels::testing::SignatureHook SignNone() {
  return [](const std::string&, const std::string&) { return std::optional<std::string>(); };
}

ParsedWebhook ParseCase(const InboundCase& row, const std::string& body) {
  static const WhatsAppAdapter adapter;
  http::HttpRequest request;
  request.method = row.method;
  request.path = "/webhooks/whatsapp/inbox-2";
  request.query = row.query;
  request.target = request.path + (row.query.empty() ? "" : "?" + row.query);
  request.body = body;
  if (!row.content_type.empty()) {
    request.headers.Add("Content-Type", row.content_type);
  }
  if (row.sign) {
    if (auto signature = row.sign(body, "")) {
      request.headers.Add("X-Hub-Signature-256", *signature);
    }
  }
  WebhookRequest webhook{&request, {"https://hooks.example.com/webhooks/whatsapp/inbox-2"}, false};
  return adapter.ParseWebhook(MakeInbox(), webhook);
}

InboundCase Accepted(std::string name, std::string fixture, std::vector<ExpectedMessage> messages,
                     std::vector<ExpectedStatus> statuses = {}) {
  InboundCase row{std::move(name), std::move(fixture)};
  row.content_type = "application/json";
  row.sign = SignWith(std::string(kAppSecretValue));
  row.messages = std::move(messages);
  row.statuses = std::move(statuses);
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

InboundCase Handshake(std::string name, std::string query) {
  InboundCase row{std::move(name), "unknown_object.json"};
  row.method = "GET";
  row.query = std::move(query);
  row.sign = SignNone();
  row.outcome = WebhookOutcome::kHandshake;
  return row;
}

const std::string kCustomer = "+12025550123";

std::vector<InboundCase> InboundCases() {
  InboundCase unsigned_text = Accepted("SignatureMissing", "inbound_text.json", {});
  unsigned_text.sign = SignNone();
  InboundCase wrong_secret = Accepted("SignatureInvalid", "inbound_text.json", {});
  wrong_secret.sign = SignWith("other_secret");
  InboundCase form_body = Accepted("WrongContentType", "inbound_text.json", {});
  form_body.content_type = "application/x-www-form-urlencoded";

  return {
      Accepted("InboundText", "inbound_text.json",
               {{"wamid.EXAMPLE0001", kCustomer, "Hi, I need help", {}, "Pat Example"}}),
      Accepted("InboundImage", "inbound_image.json",
               {{"wamid.EXAMPLE0003",
                 kCustomer,
                 "The broken part",
                 {{"whatsapp-media:300000000000001", "image/jpeg"}},
                 "Pat Example"}}),
      Accepted(
          "InboundInteractiveButton", "inbound_interactive_button.json",
          {{"wamid.EXAMPLE0004", kCustomer, "Track my order", {}, "Pat Example", "track_order"}}),
      Accepted("InboundInteractiveList", "inbound_interactive_list.json",
               {{"wamid.EXAMPLE0005", kCustomer, "Billing", {}, "Pat Example", "billing"}}),
      Accepted("InboundTemplateButton", "inbound_template_button.json",
               {{"wamid.EXAMPLE0006",
                 kCustomer,
                 "Yes, confirm",
                 {},
                 "Pat Example",
                 "CONFIRM_APPOINTMENT"}}),
      Accepted("InboundLocation", "inbound_location.json",
               {{"wamid.EXAMPLE0007", kCustomer, "38.8977,-77.0365", {}, "Pat Example"}}),
      Accepted("InboundBatchTwoMessages", "inbound_batch_two_messages.json",
               {{"wamid.EXAMPLE0008", kCustomer, "First", {}, "Pat Example"},
                {"wamid.EXAMPLE0009", "+12025550124", "Second", {}, "Sam Example"}}),
      Accepted("StatusRead", "status_read.json", {},
               {{"wamid.EXAMPLE0002", DeliveryStatus::kRead}}),
      Accepted("StatusFailed", "status_failed.json", {},
               {{"wamid.EXAMPLE0002", DeliveryStatus::kFailed, "131047",
                 "Re-engagement message: Message failed to send because more than 24 hours have "
                 "passed since the customer last replied to this number."}}),
      Rejected(Accepted("ReactionOnly", "inbound_reaction_only.json", {}), WebhookOutcome::kIgnored,
               200, "1 item(s)"),
      Rejected(Accepted("OtherPhoneNumber", "other_phone_number.json", {}),
               WebhookOutcome::kIgnored, 200, "no message or status for this inbox"),
      Rejected(Accepted("UnknownObject", "unknown_object.json", {}), WebhookOutcome::kIgnored, 200,
               "object is not whatsapp_business_account", "object"),
      Rejected(Accepted("InboundMissingId", "inbound_missing_id.json", {}),
               WebhookOutcome::kMalformed, 400, "entry[0].changes[0].value.messages[0].id",
               "entry[0].changes[0].value.messages[0].id"),
      Rejected(Accepted("TextBodyNotString", "inbound_text_body_number.json", {}),
               WebhookOutcome::kMalformed, 400, "text.body is missing or not a string",
               "entry[0].changes[0].value.messages[0].text.body"),
      Rejected(Accepted("TruncatedBody", "truncated_body.json", {}), WebhookOutcome::kMalformed,
               400, "request body ends before its JSON value is complete"),
      Rejected(unsigned_text, WebhookOutcome::kSignatureInvalid, 403,
               "X-Hub-Signature-256 header is missing", "X-Hub-Signature-256"),
      Rejected(wrong_secret, WebhookOutcome::kSignatureInvalid, 403,
               "X-Hub-Signature-256 does not match", "X-Hub-Signature-256"),
      Rejected(form_body, WebhookOutcome::kUnsupportedMedia, 415, "application/json",
               "Content-Type"),
      Handshake(
          "HandshakeAccepted",
          "hub.mode=subscribe&hub.verify_token=verify_token_secret_0001&hub.challenge=1158201444"),
      Rejected(Handshake("HandshakeWrongToken",
                         "hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444"),
               WebhookOutcome::kSignatureInvalid, 403, "hub.verify_token does not match",
               "hub.verify_token"),
      Rejected(Handshake("HandshakeWrongMode",
                         "hub.mode=unsubscribe&hub.verify_token=verify_token_secret_0001"
                         "&hub.challenge=1"),
               WebhookOutcome::kSignatureInvalid, 403, "hub.mode"),
      Rejected(Handshake("HandshakeMissingChallenge",
                         "hub.mode=subscribe&hub.verify_token=verify_token_secret_0001"),
               WebhookOutcome::kMalformed, 400, "hub.challenge is missing"),
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

class WhatsAppInbound : public ::testing::TestWithParam<InboundCase> {};

TEST_P(WhatsAppInbound, Run) {
  const InboundCase& row = GetParam();
  ParsedWebhook parsed = ParseCase(row, ReadFixture("whatsapp", row.fixture));
  channels::testing::ExpectParsed(row, parsed);
}

INSTANTIATE_TEST_SUITE_P(Inbound, WhatsAppInbound, ::testing::ValuesIn(InboundCases()),
                         channels::testing::CaseName);

TEST(WhatsAppAdapter, HandshakeEchoesChallenge) {
  ParsedWebhook parsed = ParseCase(FindCase("HandshakeAccepted"), "");
  ASSERT_TRUE(parsed.response.has_value());
  EXPECT_EQ(parsed.response->body, "1158201444");
  EXPECT_EQ(channels::testing::HeaderValue(parsed.response->headers, "Content-Type"),
            "text/plain; charset=utf-8");
}

TEST(WhatsAppAdapter, KeepsTimestamps) {
  ParsedWebhook text =
      ParseCase(FindCase("InboundText"), ReadFixture("whatsapp", "inbound_text.json"));
  ASSERT_EQ(text.messages.size(), 1u);
  ASSERT_TRUE(text.messages[0].sent_at.has_value());
  EXPECT_EQ(core::Clock::to_time_t(*text.messages[0].sent_at), 1735689600);
  ParsedWebhook read =
      ParseCase(FindCase("StatusRead"), ReadFixture("whatsapp", "status_read.json"));
  ASSERT_EQ(read.statuses.size(), 1u);
  ASSERT_TRUE(read.statuses[0].occurred_at.has_value());
  EXPECT_EQ(core::Clock::to_time_t(*read.statuses[0].occurred_at), 1735776000);
}

TEST(WhatsAppAdapter, StatusReadsCallbackData) {
  ParsedWebhook parsed = ParseCase(FindCase("StatusRead"),
                                   ReadFixture("whatsapp", "status_callback_data.json"));
  ASSERT_EQ(parsed.outcome, WebhookOutcome::kAccepted) << parsed.reason;
  ASSERT_EQ(parsed.statuses.size(), 2u);
  EXPECT_EQ(parsed.statuses[0].provider_message_id, "wamid.EXAMPLE0003");
  EXPECT_EQ(parsed.statuses[0].status, DeliveryStatus::kSent);
  EXPECT_EQ(parsed.statuses[0].callback_data, "mobilelink-outbox-42");
  EXPECT_EQ(parsed.statuses[1].status, DeliveryStatus::kDelivered);
  EXPECT_EQ(parsed.statuses[1].callback_data, "mobilelink-outbox-42");
}

TEST(WhatsAppAdapter, StatusWithoutCallbackDataIsEmpty) {
  ParsedWebhook parsed =
      ParseCase(FindCase("StatusRead"), ReadFixture("whatsapp", "status_read.json"));
  ASSERT_EQ(parsed.statuses.size(), 1u);
  EXPECT_EQ(parsed.statuses[0].callback_data, "");
}

TEST(WhatsAppAdapter, DeclaresStatusCallbackData) {
  EXPECT_TRUE(WhatsAppAdapter().GetCapabilities().status_callback_data);
}

// A body nested 100,000 levels deep must be rejected for its depth, without recursion deep
// enough to exhaust the stack.
TEST(WhatsAppAdapter, RejectsDeepNestingAsTooDeep) {
  constexpr std::size_t kLevels = 100000;
  for (const std::string& body :
       {std::string(kLevels, '['), std::string(kLevels, '[') + std::string(kLevels, ']'),
        "{\"object\":" + std::string(kLevels, '[') + std::string(kLevels, ']') + "}"}) {
    InboundCase row = FindCase("InboundText");
    row.messages.clear();
    row.outcome = WebhookOutcome::kMalformed;
    row.http_status = 400;
    row.reason = "request body nests JSON deeper than 32 levels";
    row.field = "body";
    channels::testing::ExpectParsed(row, ParseCase(row, body));
  }
}

TEST(WhatsAppAdapter, NoSecretInAnyReason) {
  WhatsAppAdapter adapter;
  for (const InboundCase& row : InboundCases()) {
    ParsedWebhook parsed = ParseCase(row, ReadFixture("whatsapp", row.fixture));
    EXPECT_FALSE(channels::testing::ContainsSecret(adapter, MakeInbox(), parsed.reason))
        << row.name;
  }
}

TEST(WhatsAppAdapter, DeclaresSecretSettings) {
  WhatsAppAdapter adapter;
  for (const SettingSpec& spec : adapter.Settings()) {
    bool expected =
        spec.key == "access_token" || spec.key == "app_secret" || spec.key == "verify_token";
    EXPECT_EQ(spec.secret, expected) << spec.key;
  }
}

TEST(WhatsAppAdapter, DeclaresReplyWindow) {
  WhatsAppAdapter adapter;
  const Capabilities& capabilities = adapter.GetCapabilities();
  ASSERT_TRUE(capabilities.reply_window.has_value());
  EXPECT_EQ(capabilities.reply_window->count(), 24);
  EXPECT_TRUE(capabilities.quick_replies);
  EXPECT_TRUE(capabilities.read_receipts);
  EXPECT_EQ(capabilities.default_rate_per_second, 80);
}

// Truncated and bit-flipped payloads, signed validly so they reach the JSON parser, must never
// crash it; an accepted result must be well formed.
TEST(WhatsAppAdapter, SurvivesMutatedFixtures) {
  for (const InboundCase& row : InboundCases()) {
    if (row.method != "POST") {
      continue;
    }
    InboundCase signed_row = row;
    signed_row.content_type = "application/json";
    signed_row.sign = SignWith(std::string(kAppSecretValue));
    for (const std::string& variant :
         channels::testing::MutateBytes(ReadFixture("whatsapp", row.fixture))) {
      ParsedWebhook parsed = ParseCase(signed_row, variant);
      ASSERT_TRUE(parsed.response.has_value());
      if (parsed.outcome != WebhookOutcome::kAccepted) {
        EXPECT_TRUE(parsed.messages.empty());
        EXPECT_TRUE(parsed.statuses.empty());
        continue;
      }
      EXPECT_FALSE(parsed.messages.empty() && parsed.statuses.empty());
      for (const core::InboundMessage& message : parsed.messages) {
        EXPECT_FALSE(message.provider_message_id.empty());
        EXPECT_EQ(message.from.value.front(), '+');
      }
      for (const core::StatusUpdate& update : parsed.statuses) {
        EXPECT_FALSE(update.provider_message_id.empty());
      }
    }
  }
}

}  // namespace
}  // namespace mobilelink::channels::whatsapp
