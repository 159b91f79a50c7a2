#pragma once

// X-Twilio-Signature, as Twilio computes it for webhooks.
// https://www.twilio.com/docs/usage/security#validating-requests (Twilio, webhook security)
//
// The signed data is the full URL that Twilio requested (scheme, host as configured, optional
// user:pass@, port, path and query, byte for byte), followed for form POSTs by every parameter:
// names sorted byte-wise, each name followed directly by its value, and a name that repeats
// contributing once per distinct value, values sorted. The signature is the Base64 HMAC-SHA1 of
// that data under the account's auth token. Twilio is not consistent about the port in the URL
// it signs, so a request is accepted when any port variant of any candidate URL matches.
//
// For JSON bodies Twilio signs the URL alone, and the URL carries `bodySHA256`, the lowercase
// hex SHA-256 of the raw body, which is checked separately.

#include <string>
#include <string_view>
#include <vector>

#include "mobilelink/channels/common/form.hpp"

namespace mobilelink::channels::twilio_sms {

/// Returns the Base64 signature of `url` and `params` under `auth_token`.
[[nodiscard]] std::string ComputeSignature(std::string_view auth_token, std::string_view url,
                                           const common::FormPairs& params);

/// Returns `url` itself, then the same URL with its port removed when it has one, or with the
/// scheme's default port (443 or 80) inserted when it has none. Everything else stays
/// byte-identical.
[[nodiscard]] std::vector<std::string> PortVariants(std::string_view url);

/// Returns true when `header` equals the signature of any port variant of any candidate URL.
/// Comparisons run in constant time. An empty header never matches.
[[nodiscard]] bool VerifySignature(std::string_view auth_token,
                                   const std::vector<std::string>& candidate_urls,
                                   const common::FormPairs& params, std::string_view header);

/// Returns true when `url` has a `bodySHA256` query parameter equal to the lowercase hex
/// SHA-256 of `body`.
[[nodiscard]] bool VerifyBodySha256(std::string_view url, std::string_view body);

}  // namespace mobilelink::channels::twilio_sms
