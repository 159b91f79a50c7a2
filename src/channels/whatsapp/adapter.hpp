#pragma once

// The WhatsApp Business Cloud API adapter (Meta's hosted API, not the on-premises one).
//
// Settings:
// | key                  | meaning                                                          |
// | -------------------- | ---------------------------------------------------------------- |
// | phone_number_id      | required; the business number's Graph API id                     |
// | access_token         | required, secret; Bearer token for the Graph API                 |
// | app_secret           | required, secret; key of X-Hub-Signature-256                     |
// | verify_token         | required, secret; hub.verify_token of the subscription handshake |
// | api_base_url         | default https://graph.facebook.com                               |
// | api_version          | default v21.0                                                    |
// | display_phone_number | optional; the number as customers see it, for operators          |
// | rate_per_second      | optional; outbound messages per second for this inbox            |

#include <string_view>
#include <vector>

#include "mobilelink/channels/adapter.hpp"

namespace mobilelink::channels::whatsapp {

inline constexpr std::string_view kChannel = "whatsapp";

class WhatsAppAdapter final : public ChannelAdapter {
 public:
  WhatsAppAdapter();

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

 private:
  Capabilities capabilities_;
  std::vector<SettingSpec> settings_;
};

}  // namespace mobilelink::channels::whatsapp
