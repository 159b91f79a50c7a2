#include "mobilelink/channels/twilio_sms/adapter.hpp"

#include <string>

#include "mobilelink/channels/common/form.hpp"
#include "mobilelink/channels/common/settings.hpp"
#include "mobilelink/channels/common/webhook.hpp"
#include "mobilelink/channels/twilio_sms/internal.hpp"
#include "mobilelink/channels/twilio_sms/signature.hpp"

namespace mobilelink::channels::twilio_sms {
namespace {

constexpr std::string_view kSignatureHeader = "X-Twilio-Signature";
constexpr std::string_view kFormMediaType = "application/x-www-form-urlencoded";

Capabilities MakeCapabilities() {
  Capabilities capabilities;
  // Twilio rejects a Body over 1600 characters.
  // https://www.twilio.com/docs/messaging/api/message-resource (Twilio, Message resource)
  capabilities.max_text_chars = 1600;
  capabilities.sms_segments = true;
  capabilities.keyword_opt_out = true;
  // Image types that Twilio converts for every carrier; a message's media total at most 5 MB.
  // https://www.twilio.com/docs/messaging/guides/accepted-mime-types (Twilio, MIME types)
  capabilities.media_types = {"image/jpeg", "image/png", "image/gif"};
  capabilities.max_media_bytes = 5 * 1024 * 1024;
  // NOTE: One message per second is a conservative default for a single number; an inbox on a
  // Messaging Service, toll-free number or short code raises it with rate_per_second.
  capabilities.default_rate_per_second = 1;
  capabilities.identity_scope = "global";
  return capabilities;
}

std::vector<SettingSpec> MakeSettings() {
  return {
      {std::string(kAccountSid), true, false, "", "Twilio account id (AC...)"},
      {std::string(kAuthToken), true, true, "", "Twilio auth token; signs webhooks"},
      {std::string(kFrom), true, false, "", "sending number in E.164, or a short code"},
      {std::string(kApiBaseUrl), false, false, std::string(kDefaultApiBaseUrl),
       "base URL of the Twilio REST API"},
      {std::string(kPublicUrl), false, false, "",
       "exact public webhook URL that Twilio signs, without the /status suffix"},
      {std::string(kMessagingServiceSid), false, false, "",
       "Messaging Service id (MG...), sent instead of From when set"},
      {std::string(kDefaultRegion), false, false, std::string(kDefaultRegionValue),
       "ISO 3166 region for numbers without a country code"},
      {std::string(kRatePerSecond), false, false, "", "outbound messages per second"},
  };
}

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

bool IsAsciiLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

bool AllDigits(std::string_view text) {
  for (char c : text) {
    if (!IsAsciiDigit(c)) {
      return false;
    }
  }
  return true;
}

// Returns true for a From value that Twilio can send with. That is an E.164 number ('+' and 8 to
// 15 digits) or a short code of 5 or 6 digits. It may also be an alphanumeric sender id: at most
// 11 letters, digits and spaces, with at least one letter.
// https://www.twilio.com/docs/glossary/what-alphanumeric-sender-id (Twilio, alphanumeric id)
bool IsSenderId(std::string_view from) {
  if (from.starts_with('+')) {
    std::string_view digits = from.substr(1);
    return digits.size() >= 8 && digits.size() <= 15 && AllDigits(digits);
  }
  if (AllDigits(from)) {
    return from.size() == 5 || from.size() == 6;
  }
  if (from.size() > 11) {
    return false;
  }
  bool has_letter = false;
  for (char c : from) {
    if (!IsAsciiLetter(c) && !IsAsciiDigit(c) && c != ' ') {
      return false;
    }
    has_letter = has_letter || IsAsciiLetter(c);
  }
  return has_letter;
}

// Returns the URLs Twilio may have signed: those the server derived from the request, then the
// configured public URL with the request's query string.
std::vector<std::string> CandidateUrls(const InboxConfig& inbox, const WebhookRequest& request) {
  std::vector<std::string> urls = request.public_urls;
  std::string configured = inbox.Get(kPublicUrl);
  if (configured.empty()) {
    return urls;
  }
  if (request.status_route) {
    configured += "/status";
  }
  if (!request.request->query.empty()) {
    configured += "?" + request.request->query;
  }
  urls.push_back(std::move(configured));
  return urls;
}

}  // namespace

TwilioSmsAdapter::TwilioSmsAdapter()
    : capabilities_(MakeCapabilities()), settings_(MakeSettings()) {}

std::optional<std::string> TwilioSmsAdapter::ValidateSetting(std::string_view key,
                                                             std::string_view value) const {
  if (key == kRatePerSecond) {
    return common::CheckRatePerSecond(value);
  }
  if (key == kFrom && !IsSenderId(value)) {
    return "expected an E.164 number such as +12025550145, a 5 or 6 digit short code, or an "
           "alphanumeric sender id of 1 to 11 letters, digits and spaces with at least one "
           "letter, got '" + std::string(value) + "'";
  }
  return std::nullopt;
}

std::string SettingOr(const InboxConfig& inbox, std::string_view key, std::string_view fallback) {
  std::string value = inbox.Get(key);
  return value.empty() ? std::string(fallback) : value;
}

ParsedWebhook TwilioSmsAdapter::ParseWebhook(const InboxConfig& inbox,
                                             const WebhookRequest& request) const {
  if (request.request == nullptr) {
    return common::RejectWebhook(WebhookOutcome::kMalformed, "request is missing");
  }
  const http::HttpRequest& http_request = *request.request;
  // A number's webhook can be set to GET. Twilio then sends the parameters in the query string,
  // which is part of the signed URL, and there are no body parameters to append: twilio-node's
  // validateIncomingRequest (src/webhooks/webhooks.ts) signs the URL plus the parsed body, which
  // is empty for a GET. Status callbacks arrive only as POST, on their own route.
  const bool query_form = http_request.method == "GET" && !request.status_route;
  if (!query_form && !common::HasMediaType(http_request.headers, kFormMediaType)) {
    return common::RejectWebhook(WebhookOutcome::kUnsupportedMedia,
                                 "Content-Type must be application/x-www-form-urlencoded",
                                 "Content-Type");
  }

  auto params = common::ParseForm(query_form ? http_request.query : http_request.body);
  if (!params) {
    return common::RejectWebhook(WebhookOutcome::kMalformed,
                                 query_form
                                     ? "query string has a malformed percent-escape"
                                     : "request body is not a valid form: malformed percent-escape");
  }

  // Twilio signs every parameter it sent, so verification runs over all of them before any is
  // read. https://www.twilio.com/docs/usage/security#validating-requests (Twilio, security)
  auto signature = common::FindHeader(http_request.headers, kSignatureHeader);
  if (!signature || signature->empty()) {
    return common::RejectWebhook(WebhookOutcome::kSignatureInvalid,
                                 "X-Twilio-Signature header is missing", kSignatureHeader);
  }
  std::vector<std::string> urls = CandidateUrls(inbox, request);
  if (urls.empty()) {
    return common::RejectWebhook(
        WebhookOutcome::kSignatureInvalid,
        "X-Twilio-Signature cannot be checked: no public URL is known; set public_url",
        kSignatureHeader);
  }
  const common::FormPairs signed_params = query_form ? common::FormPairs{} : *params;
  if (!VerifySignature(inbox.Get(kAuthToken), urls, signed_params, *signature)) {
    return common::RejectWebhook(
        WebhookOutcome::kSignatureInvalid,
        "X-Twilio-Signature does not match the request URL and parameters; check auth_token "
        "and public_url",
        kSignatureHeader);
  }

  if (request.status_route) {
    return ParseStatusForm(inbox, *params);
  }
  return ParseInboundForm(inbox, *params);
}

}  // namespace mobilelink::channels::twilio_sms
