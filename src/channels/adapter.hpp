#pragma once

// The contract between the server and one channel adapter. An adapter verifies the provider's
// signature, turns the provider's payload into normalized inbound messages and status updates,
// and turns an outbound message into the provider's HTTP request. It contains no business
// logic and no state, because every call gets the inbox's settings.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mobilelink/core/model.hpp"
#include "mobilelink/http/client.hpp"
#include "mobilelink/http/types.hpp"

namespace mobilelink::channels {

/// One configured inbox: its id, channel and the channel's settings as strings. Secrets are
/// already resolved from the environment.
struct InboxConfig {
  std::string id;
  std::string channel;
  std::map<std::string, std::string> settings;

  /// Returns the setting or an empty string.
  [[nodiscard]] std::string Get(std::string_view key) const;
};

/// One settings key of a channel, for config validation and log redaction.
struct SettingSpec {
  std::string key;
  bool required = false;
  bool secret = false;  // Never logged, never in a provider log.
  std::string default_value;
  std::string meaning;
};

/// Capabilities of a channel, which the core reads instead of switching on the channel name.
struct Capabilities {
  std::size_t max_text_chars = 4096;  // Maximum text length of one outbound message.
  bool sms_segments = false;          // Outbound text is billed in SMS segments.
  bool keyword_opt_out = false;       // STOP/START/HELP keywords apply.
  std::optional<std::chrono::hours> reply_window;  // Free-form replies need a recent inbound.
  bool quick_replies = false;
  bool read_receipts = false;
  bool push_delivery = false;  // Delivered over a live connection, not an HTTP request.
  std::vector<std::string> media_types;  // Accepted MIME types; empty means none.
  std::size_t max_media_bytes = 0;
  double default_rate_per_second = 1;  // Outbound rate limit when the inbox sets none.
  /// Sends carry OutboundMessage::callback_data and the provider echoes it in every status
  /// webhook, so such a status can settle a send whose outcome is unknown.
  bool status_callback_data = false;
  std::string identity_scope;  // "global" for phone numbers, "inbox" for in-app ids.
};

/// The request as a webhook handler sees it, plus the public URLs the provider may have signed.
struct WebhookRequest {
  const http::HttpRequest* request = nullptr;
  std::vector<std::string> public_urls;  // Candidates for the URL the provider called.
  bool status_route = false;             // The request came to .../{inbox}/status.
};

/// Classification of a webhook by its adapter.
enum class WebhookOutcome {
  kAccepted,           // Messages or statuses to store; respond 2xx after the commit.
  kHandshake,          // A verification request with a direct response (WhatsApp hub.challenge).
  kIgnored,            // Valid but nothing to do (unknown event type); respond 200.
  kSignatureInvalid,   // 403, nothing stored.
  kMalformed,          // 400, nothing stored.
  kUnsupportedMedia,   // 415: wrong Content-Type.
};

std::string_view ToString(WebhookOutcome outcome);

struct ParsedWebhook {
  WebhookOutcome outcome = WebhookOutcome::kMalformed;
  std::vector<core::InboundMessage> messages;
  std::vector<core::StatusUpdate> statuses;
  std::optional<http::HttpResponse> response;  // Set for handshakes, ignores and rejections.
  std::string reason;  // Why a request was rejected or ignored: field and cause, no secrets.
};

/// An outbound message ready for a provider.
struct OutboundMessage {
  std::int64_t message_id = 0;
  std::string to;  // Normalized identity value: E.164 for phone numbers.
  std::string text;
  std::vector<core::Media> media;
  /// Choices to show as buttons. Set only for channels whose Capabilities have quick_replies;
  /// for others the text already lists them.
  std::vector<core::QuickReply> options;
  std::string status_callback_url;  // URL for the provider's delivery statuses, if it takes one.
  /// Start of the first send attempt. ParseLookupResponse ignores provider messages created
  /// before it; when unset, any matching message counts.
  std::optional<core::TimePoint> attempted_at;
  /// A value that names the outbox row, for channels whose Capabilities have
  /// status_callback_data; the provider echoes it in the message's status webhooks.
  std::string callback_data;
};

/// Send failures, closed. IsRetryable accepts kConnectionFailed, kTimeout and kThrottled;
/// SendResult::retryable also marks a provider's 5xx answer.
enum class SendFailure {
  kConfigInvalid,
  kMessageInvalid,
  kResponseStatus,
  kResponseUnparseable,
  kContactOptedOut,
  kOutsideReplyWindow,
  kConnectionFailed,
  kTimeout,
  kThrottled,
  kProviderError,
};

std::string_view ToString(SendFailure failure);
bool IsRetryable(SendFailure failure);

struct SendResult {
  bool ok = false;
  std::string provider_message_id;
  core::DeliveryStatus status = core::DeliveryStatus::kSent;  // Status the provider reported.
  SendFailure failure = SendFailure::kProviderError;
  std::string error_code;     // The provider's own code, when it gave one.
  std::string error_message;  // Operator-facing explanation.
  std::optional<std::chrono::seconds> retry_after;
  /// True when the outbox may send the request again: for the kinds IsRetryable accepts, and
  /// for a provider's 5xx answer, which adapters report as kResponseStatus. The outbox decides
  /// on this flag, not on `failure` alone.
  bool retryable = false;
};

/// A provider's lookup answer when the outcome of an earlier send is unknown.
struct LookupResult {
  bool found = false;
  std::string provider_message_id;  // The first of `candidates`, kept for older callers.
  /// Every provider message id that matches, newest first. The same text sent twice to one
  /// contact matches twice, so a caller should take the first id it has not recorded yet.
  std::vector<std::string> candidates;
  /// True when the provider answered the lookup. When false (an error status, an unparseable
  /// body) the outcome is still unknown, so found=false must not be read as "never sent".
  bool conclusive = false;
};

class ChannelAdapter {
 public:
  virtual ~ChannelAdapter() = default;

  /// Returns the channel name, one of DESIGN's channel words: "twilio_sms", "whatsapp", ...
  [[nodiscard]] virtual std::string_view Channel() const = 0;
  [[nodiscard]] virtual const Capabilities& GetCapabilities() const = 0;
  [[nodiscard]] virtual const std::vector<SettingSpec>& Settings() const = 0;

  /// Checks the value of one of Settings()' keys, after ${NAME} expansion, when config loads.
  /// Returns the reason the value is invalid, or nullopt to accept it. The default accepts
  /// every value; an adapter overrides it for keys with a format (numbers, sender ids).
  [[nodiscard]] virtual std::optional<std::string> ValidateSetting(std::string_view key,
                                                                   std::string_view value) const {
    (void)key;
    (void)value;
    return std::nullopt;
  }

  /// Verifies and parses one webhook request. Never throws on bad input.
  [[nodiscard]] virtual ParsedWebhook ParseWebhook(const InboxConfig& inbox,
                                                   const WebhookRequest& request) const = 0;

  /// Builds the provider request that sends `message`. Returns nullopt when the channel
  /// delivers without HTTP (web chat).
  [[nodiscard]] virtual std::optional<http::ClientRequest> BuildSend(
      const InboxConfig& inbox, const OutboundMessage& message) const = 0;

  /// Interprets the provider's answer to BuildSend's request.
  [[nodiscard]] virtual SendResult ParseSendResponse(const http::ClientResponse& response) const = 0;

  /// Builds a request that asks the provider whether `message` was already accepted, for sends
  /// whose outcome is unknown (a timeout, a crash mid-send). Returns nullopt when the provider
  /// has no such lookup.
  [[nodiscard]] virtual std::optional<http::ClientRequest> BuildLookup(
      const InboxConfig& inbox, const OutboundMessage& message,
      core::TimePoint not_before) const {
    (void)inbox;
    (void)message;
    (void)not_before;
    return std::nullopt;
  }
  /// Interprets the lookup answer.
  [[nodiscard]] virtual LookupResult ParseLookupResponse(const OutboundMessage& message,
                                                         const http::ClientResponse& response) const {
    (void)message;
    (void)response;
    return {};
  }
};

}  // namespace mobilelink::channels
