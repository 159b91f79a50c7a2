#include "mobilelink/channels/twilio_sms/adapter.hpp"

#include <string>

#include "mobilelink/channels/common/form.hpp"
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
  if (!common::HasMediaType(http_request.headers, kFormMediaType)) {
    return common::RejectWebhook(WebhookOutcome::kUnsupportedMedia,
                                 "Content-Type must be application/x-www-form-urlencoded");
  }

  auto params = common::ParseForm(http_request.body);
  if (!params) {
    return common::RejectWebhook(WebhookOutcome::kMalformed,
                                 "request body is not a valid form: malformed percent-escape");
  }

  // Twilio signs every parameter it sent, so verification runs over all of them before any is
  // read. https://www.twilio.com/docs/usage/security#validating-requests (Twilio, security)
  auto signature = common::FindHeader(http_request.headers, kSignatureHeader);
  if (!signature || signature->empty()) {
    return common::RejectWebhook(WebhookOutcome::kSignatureInvalid,
                                 "X-Twilio-Signature header is missing");
  }
  std::vector<std::string> urls = CandidateUrls(inbox, request);
  if (urls.empty()) {
    return common::RejectWebhook(
        WebhookOutcome::kSignatureInvalid,
        "X-Twilio-Signature cannot be checked: no public URL is known; set public_url");
  }
  if (!VerifySignature(inbox.Get(kAuthToken), urls, *params, *signature)) {
    return common::RejectWebhook(
        WebhookOutcome::kSignatureInvalid,
        "X-Twilio-Signature does not match the request URL and parameters; check auth_token "
        "and public_url");
  }

  if (request.status_route) {
    return ParseStatusForm(inbox, *params);
  }
  return ParseInboundForm(inbox, *params);
}

}  // namespace mobilelink::channels::twilio_sms
