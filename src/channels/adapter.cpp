#include "mobilelink/channels/adapter.hpp"

namespace mobilelink::channels {

std::string InboxConfig::Get(std::string_view key) const {
  auto it = settings.find(std::string(key));
  if (it == settings.end()) {
    return {};
  }
  return it->second;
}

std::string_view ToString(WebhookOutcome outcome) {
  switch (outcome) {
    case WebhookOutcome::kAccepted:
      return "accepted";
    case WebhookOutcome::kHandshake:
      return "handshake";
    case WebhookOutcome::kIgnored:
      return "ignored";
    case WebhookOutcome::kSignatureInvalid:
      return "signature_invalid";
    case WebhookOutcome::kMalformed:
      return "malformed";
    case WebhookOutcome::kUnsupportedMedia:
      return "unsupported_media_type";
  }
  return "unknown";
}

std::string_view ToString(SendFailure failure) {
  switch (failure) {
    case SendFailure::kConfigInvalid:
      return "config_invalid";
    case SendFailure::kMessageInvalid:
      return "message_invalid";
    case SendFailure::kResponseStatus:
      return "response_status";
    case SendFailure::kResponseUnparseable:
      return "response_unparseable";
    case SendFailure::kContactOptedOut:
      return "contact_opted_out";
    case SendFailure::kOutsideReplyWindow:
      return "outside_reply_window";
    case SendFailure::kConnectionFailed:
      return "connection_failed";
    case SendFailure::kTimeout:
      return "timeout";
    case SendFailure::kThrottled:
      return "throttled";
    case SendFailure::kProviderError:
      return "provider_error";
  }
  return "unknown";
}

bool IsRetryable(SendFailure failure) {
  return failure == SendFailure::kConnectionFailed || failure == SendFailure::kTimeout ||
         failure == SendFailure::kThrottled;
}

}  // namespace mobilelink::channels
