#pragma once

// X-Hub-Signature-256, as Meta signs WhatsApp Cloud API webhooks.
// https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/create-webhook-endpoint
// (Meta, WhatsApp webhook endpoint)
//
// The header is "sha256=" followed by the lowercase hex HMAC-SHA256 of the raw POST body under
// the app secret. It covers the exact bytes received, so it is checked before the body is
// parsed.

#include <string>
#include <string_view>

namespace mobilelink::channels::whatsapp {

/// Returns the header value Meta would send for `body`: "sha256=<lowercase hex>".
[[nodiscard]] std::string ComputeSignature(std::string_view app_secret, std::string_view body);

/// Returns true when `header` is "sha256=<hex>" and the hex equals the body's HMAC-SHA256.
/// Hex digits compare case-insensitively and in constant time; an empty secret never matches.
[[nodiscard]] bool VerifySignature(std::string_view app_secret, std::string_view body,
                                   std::string_view header);

}  // namespace mobilelink::channels::whatsapp
