#include "mobilelink/channels/webchat/adapter.hpp"

#include "mobilelink/channels/common/settings.hpp"

namespace mobilelink::channels::webchat {

const Capabilities& WebchatAdapter::GetCapabilities() const {
  static const Capabilities capabilities = [] {
    Capabilities value;
    value.max_text_chars = 4096;
    value.quick_replies = true;
    value.read_receipts = true;
    value.push_delivery = true;
    value.default_rate_per_second = 1000;
    value.identity_scope = "inbox";
    return value;
  }();
  return capabilities;
}

const std::vector<SettingSpec>& WebchatAdapter::Settings() const {
  static const std::vector<SettingSpec> settings{
      {"allowed_origins", false, false, "",
       "Comma-separated Origin values allowed to open the socket; empty allows any origin."},
      {"session_ttl_hours", false, false, "720",
       "Hours a customer session token stays valid for resuming."},
      {"title", false, false, "Chat with us", "Heading of the /chat page."},
  };
  return settings;
}

std::optional<std::string> WebchatAdapter::ValidateSetting(std::string_view key,
                                                           std::string_view value) const {
  // Ten years; the bound keeps the hour count far inside an int.
  constexpr long kMaxSessionTtlHours = 87600;
  if (key == "session_ttl_hours") {
    return common::CheckPositiveInteger(value, kMaxSessionTtlHours);
  }
  return std::nullopt;
}

ParsedWebhook WebchatAdapter::ParseWebhook(const InboxConfig& inbox,
                                           const WebhookRequest& request) const {
  (void)request;
  ParsedWebhook parsed;
  parsed.outcome = WebhookOutcome::kIgnored;
  parsed.reason = "web chat inbox " + inbox.id + " takes messages over its WebSocket only";
  parsed.response = http::HttpResponse::Error(404, "no_webhook", parsed.reason);
  return parsed;
}

std::optional<http::ClientRequest> WebchatAdapter::BuildSend(const InboxConfig& inbox,
                                                             const OutboundMessage& message) const {
  (void)inbox;
  (void)message;
  return std::nullopt;
}

SendResult WebchatAdapter::ParseSendResponse(const http::ClientResponse& response) const {
  (void)response;
  SendResult result;
  result.failure = SendFailure::kConfigInvalid;
  result.error_message = "web chat replies are pushed over the socket";
  return result;
}

}  // namespace mobilelink::channels::webchat
