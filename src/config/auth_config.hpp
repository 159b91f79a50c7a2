#pragma once

// The `auth:` section: one-time passcodes, app-linked tokens and signed links.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "mobilelink/security/app_token.hpp"
#include "mobilelink/security/otp.hpp"

namespace mobilelink::config {

struct Node;

/// | key | meaning | unit | default |
/// | --- | --- | --- | --- |
/// | auth.otp.ttl_seconds | how long a passcode is valid | seconds | 300 |
/// | auth.otp.max_attempts | wrong entries before the passcode locks | count | 3 |
/// | auth.otp.max_codes_per_window | passcodes per contact within rate_window_seconds | count | 3 |
/// | auth.otp.rate_window_seconds | window of the passcode rate limit | seconds | 900 |
/// | auth.otp.hash_key | key of the stored passcode hashes | text | random per process |
/// | auth.app_token.key | HMAC-SHA256 key shared with the app backend, 32+ bytes | text | required
/// | | auth.app_token.issuer | expected iss claim | text | not checked | | auth.app_token.audience
/// | expected aud claim | text | not checked | | auth.app_token.leeway_seconds | clock difference
/// allowed on exp and nbf | seconds | 30 | | auth.app_token.inboxes | in-app chat inboxes:
/// sensitive changes need an app token | list | [] | | auth.links.ttl_seconds | how long a signed
/// one-time link is valid | seconds | 900 |
struct AuthConfig {
  security::OtpOptions otp;
  std::optional<security::AppTokenOptions> app_token;  // Absent: app tokens are not accepted.
  std::vector<std::string> in_app_inboxes;
  std::chrono::seconds link_ttl{900};
};

/// Parses the `auth:` section; an absent section gives the defaults. Throws ConfigError.
AuthConfig ParseAuth(const Node& node);

}  // namespace mobilelink::config
