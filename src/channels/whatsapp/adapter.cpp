#include "mobilelink/channels/whatsapp/adapter.hpp"

#include <string>

#include "mobilelink/channels/common/form.hpp"
#include "mobilelink/channels/common/hmac.hpp"
#include "mobilelink/channels/common/settings.hpp"
#include "mobilelink/channels/common/webhook.hpp"
#include "mobilelink/channels/whatsapp/internal.hpp"
#include "mobilelink/channels/whatsapp/signature.hpp"

namespace mobilelink::channels::whatsapp {
namespace {

constexpr std::string_view kSignatureHeader = "X-Hub-Signature-256";

Capabilities MakeCapabilities() {
  Capabilities capabilities;
  capabilities.max_text_chars = 4096;
  // Free-form messages need a customer message in the last 24 hours; outside it only
  // templates go out (error 131047).
  // https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes
  // (Meta, WhatsApp error codes)
  capabilities.reply_window = std::chrono::hours(24);
  capabilities.quick_replies = true;
  capabilities.read_receipts = true;
  // BuildSend sends text only, so no outbound media type is declared.
  capabilities.media_types = {};
  // Cloud API carries 80 messages per second per business number by default, inbound and
  // outbound together, and returns error 130429 above it.
  // https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput
  // (Meta, WhatsApp throughput)
  // NOTE: Inbound traffic shares this limit, so an inbox that receives a lot sets a lower
  // rate_per_second.
  capabilities.default_rate_per_second = 80;
  capabilities.identity_scope = "global";
  // Sends carry biz_opaque_callback_data, which Meta echoes in every status webhook.
  capabilities.status_callback_data = true;
  return capabilities;
}

std::vector<SettingSpec> MakeSettings() {
  return {
      {std::string(kPhoneNumberId), true, false, "", "Graph API id of the business number"},
      {std::string(kAccessToken), true, true, "", "Graph API access token"},
      {std::string(kAppSecret), true, true, "", "app secret; key of X-Hub-Signature-256"},
      {std::string(kVerifyToken), true, true, "", "hub.verify_token of the webhook handshake"},
      {std::string(kApiBaseUrl), false, false, std::string(kDefaultApiBaseUrl),
       "base URL of the Graph API"},
      {std::string(kApiVersion), false, false, std::string(kDefaultApiVersion),
       "Graph API version"},
      {std::string(kDisplayPhoneNumber), false, false, "", "the number as customers see it"},
      {std::string(kRatePerSecond), false, false, "", "outbound messages per second"},
  };
}

// Verifies Meta's subscription request and returns its challenge: GET
// ?hub.mode=subscribe&hub.verify_token=..&hub.challenge=..
// https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/create-webhook-endpoint
// (Meta, WhatsApp webhook endpoint)
ParsedWebhook ParseHandshake(const InboxConfig& inbox, const http::HttpRequest& request) {
  auto query = common::ParseForm(request.query);
  if (!query) {
    return common::RejectWebhook(WebhookOutcome::kMalformed,
                                 "query string has a malformed percent-escape");
  }
  const std::string* mode = common::FindFormValue(*query, "hub.mode");
  const std::string* token = common::FindFormValue(*query, "hub.verify_token");
  const std::string* challenge = common::FindFormValue(*query, "hub.challenge");
  if (mode == nullptr || *mode != "subscribe") {
    return common::RejectWebhook(WebhookOutcome::kSignatureInvalid,
                                 "hub.mode must be \"subscribe\"", "hub.mode");
  }
  std::string expected = inbox.Get(kVerifyToken);
  if (token == nullptr || expected.empty() || !common::ConstantTimeEquals(expected, *token)) {
    return common::RejectWebhook(WebhookOutcome::kSignatureInvalid,
                                 "hub.verify_token does not match the inbox's verify_token",
                                 "hub.verify_token");
  }
  if (challenge == nullptr || challenge->empty()) {
    return common::RejectWebhook(WebhookOutcome::kMalformed, "hub.challenge is missing",
                                 "hub.challenge");
  }

  ParsedWebhook parsed;
  parsed.outcome = WebhookOutcome::kHandshake;
  parsed.response = common::MakeResponse(200, "text/plain; charset=utf-8", *challenge);
  return parsed;
}

}  // namespace

WhatsAppAdapter::WhatsAppAdapter() : capabilities_(MakeCapabilities()), settings_(MakeSettings()) {}

std::optional<std::string> WhatsAppAdapter::ValidateSetting(std::string_view key,
                                                            std::string_view value) const {
  if (key == kRatePerSecond) {
    return common::CheckRatePerSecond(value);
  }
  // The Graph API id of a business number is a string of digits, and webhooks carry it as
  // written, so spaces, a sign or a leading zero would never match them.
  if (key == kPhoneNumberId &&
      (value.empty() || value.front() == '0' ||
       value.find_first_not_of("0123456789") != std::string_view::npos)) {
    return "phone_number_id must be the digits of the number's Graph API id, as Meta shows it "
           "(no spaces, sign or leading zero), got '" +
           std::string(value) + "'";
  }
  return std::nullopt;
}

ParsedWebhook WhatsAppAdapter::ParseWebhook(const InboxConfig& inbox,
                                            const WebhookRequest& request) const {
  if (request.request == nullptr) {
    return common::RejectWebhook(WebhookOutcome::kMalformed, "request is missing");
  }
  const http::HttpRequest& http_request = *request.request;
  if (http_request.method == "GET") {
    return ParseHandshake(inbox, http_request);
  }
  if (!common::HasMediaType(http_request.headers, "application/json")) {
    return common::RejectWebhook(WebhookOutcome::kUnsupportedMedia,
                                 "Content-Type must be application/json", "Content-Type");
  }

  auto signature = common::FindHeader(http_request.headers, kSignatureHeader);
  if (!signature || signature->empty()) {
    return common::RejectWebhook(WebhookOutcome::kSignatureInvalid,
                                 "X-Hub-Signature-256 header is missing", kSignatureHeader);
  }
  if (!VerifySignature(inbox.Get(kAppSecret), http_request.body, *signature)) {
    return common::RejectWebhook(
        WebhookOutcome::kSignatureInvalid,
        "X-Hub-Signature-256 does not match the request body; check app_secret",
        kSignatureHeader);
  }
  return ParseNotification(inbox, http_request.body);
}

}  // namespace mobilelink::channels::whatsapp
