#pragma once

// The Twilio Programmable Messaging adapter: SMS and MMS through a Twilio number or Messaging
// Service.
//
// Settings:
// | key                   | meaning                                                        |
// | --------------------- | -------------------------------------------------------------- |
// | account_sid           | required; the account's "AC..." id, also the Basic-auth user   |
// | auth_token            | required, secret; signs webhooks and authenticates REST calls  |
// | from                  | required; E.164 number, 5-6 digit short code or alphanumeric id |
// | api_base_url          | default https://api.twilio.com                                 |
// | public_url            | optional; the exact webhook URL Twilio calls, without /status  |
// | messaging_service_sid | optional; "MG..." id, sent instead of From when set            |
// | default_region        | default US; region for numbers that arrive without '+'         |
// | rate_per_second       | optional; outbound messages per second for this inbox           |

#include <string_view>
#include <vector>

#include "mobilelink/channels/adapter.hpp"

namespace mobilelink::channels::twilio_sms {

inline constexpr std::string_view kChannel = "twilio_sms";

class TwilioSmsAdapter final : public ChannelAdapter {
 public:
  TwilioSmsAdapter();

  // ChannelAdapter
  [[nodiscard]] std::string_view Channel() const override { return kChannel; }
  [[nodiscard]] const Capabilities& GetCapabilities() const override { return capabilities_; }
  [[nodiscard]] const std::vector<SettingSpec>& Settings() const override { return settings_; }
  [[nodiscard]] std::optional<std::string> ValidateSetting(std::string_view key,
                                                           std::string_view value) const override;
  [[nodiscard]] ParsedWebhook ParseWebhook(const InboxConfig& inbox,
                                           const WebhookRequest& request) const override;
  [[nodiscard]] std::optional<http::ClientRequest> BuildSend(
      const InboxConfig& inbox, const OutboundMessage& message) const override;
  [[nodiscard]] SendResult ParseSendResponse(const http::ClientResponse& response) const override;
  [[nodiscard]] std::optional<http::ClientRequest> BuildLookup(
      const InboxConfig& inbox, const OutboundMessage& message,
      core::TimePoint not_before) const override;
  [[nodiscard]] LookupResult ParseLookupResponse(
      const OutboundMessage& message, const http::ClientResponse& response) const override;

 private:
  Capabilities capabilities_;
  std::vector<SettingSpec> settings_;
};

}  // namespace mobilelink::channels::twilio_sms
