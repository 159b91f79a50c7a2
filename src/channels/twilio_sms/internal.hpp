#pragma once

// Declarations shared by the Twilio adapter's source files. Not for use outside this folder.

#include <string>
#include <string_view>

#include "mobilelink/channels/adapter.hpp"
#include "mobilelink/channels/common/form.hpp"

namespace mobilelink::channels::twilio_sms {

inline constexpr std::string_view kAccountSid = "account_sid";
inline constexpr std::string_view kAuthToken = "auth_token";
inline constexpr std::string_view kFrom = "from";
inline constexpr std::string_view kApiBaseUrl = "api_base_url";
inline constexpr std::string_view kPublicUrl = "public_url";
inline constexpr std::string_view kMessagingServiceSid = "messaging_service_sid";
inline constexpr std::string_view kDefaultRegion = "default_region";
inline constexpr std::string_view kRatePerSecond = "rate_per_second";

inline constexpr std::string_view kDefaultApiBaseUrl = "https://api.twilio.com";
inline constexpr std::string_view kDefaultRegionValue = "US";

/// Returns the setting, or `fallback` when it is unset or empty.
std::string SettingOr(const InboxConfig& inbox, std::string_view key, std::string_view fallback);

/// Turns a verified inbound-message form into a parsed webhook.
ParsedWebhook ParseInboundForm(const InboxConfig& inbox, const common::FormPairs& params);

/// Turns a verified status-callback form into a parsed webhook.
ParsedWebhook ParseStatusForm(const InboxConfig& inbox, const common::FormPairs& params);

/// Maps a Twilio message status to ours. Returns nullopt for statuses that are not about
/// delivery (receiving, received) and for unknown ones; `known` is true for a status in the table.
std::optional<core::DeliveryStatus> MapMessageStatus(std::string_view status, bool& known);

}  // namespace mobilelink::channels::twilio_sms
