#pragma once

// Declarations shared by the WhatsApp adapter's source files. Not for use outside this folder.

#include <string_view>

#include "mobilelink/channels/adapter.hpp"

namespace mobilelink::channels::whatsapp {

inline constexpr std::string_view kPhoneNumberId = "phone_number_id";
inline constexpr std::string_view kAccessToken = "access_token";
inline constexpr std::string_view kAppSecret = "app_secret";
inline constexpr std::string_view kVerifyToken = "verify_token";
inline constexpr std::string_view kApiBaseUrl = "api_base_url";
inline constexpr std::string_view kApiVersion = "api_version";
inline constexpr std::string_view kDisplayPhoneNumber = "display_phone_number";
inline constexpr std::string_view kRatePerSecond = "rate_per_second";

inline constexpr std::string_view kDefaultApiBaseUrl = "https://graph.facebook.com";
inline constexpr std::string_view kDefaultApiVersion = "v21.0";

/// Parses a notification body whose signature is already verified.
ParsedWebhook ParseNotification(const InboxConfig& inbox, std::string_view body);

}  // namespace mobilelink::channels::whatsapp
