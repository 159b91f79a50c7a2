#pragma once

// Web chat: in-app and mobile web chat over the server's own WebSocket protocol
// (docs/webchat-protocol.md). Messages arrive over the socket, not as webhooks, and replies
// are pushed to the customer's open sockets, so this adapter only declares settings and
// capabilities.

#include "mobilelink/channels/adapter.hpp"

namespace mobilelink::channels::webchat {

class WebchatAdapter final : public ChannelAdapter {
 public:
  // ChannelAdapter
  [[nodiscard]] std::string_view Channel() const override { return "webchat"; }
  [[nodiscard]] const Capabilities& GetCapabilities() const override;
  [[nodiscard]] const std::vector<SettingSpec>& Settings() const override;
  [[nodiscard]] std::optional<std::string> ValidateSetting(std::string_view key,
                                                           std::string_view value) const override;
  [[nodiscard]] ParsedWebhook ParseWebhook(const InboxConfig& inbox,
                                           const WebhookRequest& request) const override;
  [[nodiscard]] std::optional<http::ClientRequest> BuildSend(
      const InboxConfig& inbox, const OutboundMessage& message) const override;
  [[nodiscard]] SendResult ParseSendResponse(const http::ClientResponse& response) const override;
};

}  // namespace mobilelink::channels::webchat
