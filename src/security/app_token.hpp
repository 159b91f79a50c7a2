#pragma once

// App-linked authentication for in-app chat. The business's app backend, where the customer is
// already logged in, signs a token that names the app user. The chat client passes it on, and
// the server checks it. Two forms are accepted, both signed with HMAC-SHA256 under the shared
// key from the config:
//
// - a JWT (RFC 7519) with "alg":"HS256", claims sub and exp required, nbf, iss and aud checked
//   when present or configured;
// - a compact form `v1.<sub>.<exp>.<signature>` for backends without a JWT library: sub is the
//   app user id in URL-safe base64 without padding, exp is Unix seconds and the signature is the
//   URL-safe base64 (no padding) HMAC-SHA256 of `v1.<sub>.<exp>`.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mobilelink/core/model.hpp"
#include "mobilelink/core/repository.hpp"

namespace mobilelink::security {

/// | key | meaning | unit | default |
/// | --- | --- | --- | --- |
/// | key | HMAC-SHA256 key shared with the app backend; at least 32 bytes | text | required |
/// | issuer | expected iss claim; not checked when empty | text | empty |
/// | audience | expected aud claim, or one entry of it; not checked when empty | text | empty |
/// | leeway | clock difference allowed on exp and nbf | seconds | 30 |
struct AppTokenOptions {
  std::string key;
  std::string issuer;
  std::string audience;
  std::chrono::seconds leeway{30};
};

enum class AppTokenError {
  kNone,
  kMalformed,             // Not a JWT or compact token, or bad base64 or JSON.
  kUnsupportedAlgorithm,  // A JWT whose alg is not HS256 (including "none").
  kInvalidSignature,      // Tampered, or signed with another key.
  kExpired,
  kNotYetValid,
  kWrongIssuer,
  kWrongAudience,
  kMissingClaim,  // No sub or no exp.
  kWrongSubject,  // Valid, but for another app user than the conversation's contact.
};

std::string_view ToString(AppTokenError error);

/// Returns the raw 32-byte HMAC-SHA256 of `message` under `key` (any key length).
std::string HmacSha256(std::string_view key, std::string_view message);

struct AppTokenResult {
  AppTokenError error = AppTokenError::kNone;
  std::string subject;
  core::TimePoint expires_at;
  [[nodiscard]] bool ok() const { return error == AppTokenError::kNone; }
};

/// Thread safe: holds only its options.
class AppTokenVerifier final {
 public:
  /// Throws std::invalid_argument when the key is shorter than 32 bytes.
  explicit AppTokenVerifier(AppTokenOptions options);

  /// Checks signature, algorithm and claims at `now`.
  [[nodiscard]] AppTokenResult Verify(std::string_view token, core::TimePoint now) const;

  /// Returns a signed JWT for `subject`; the app backend's side, used by tests and the demo.
  [[nodiscard]] std::string SignJwt(std::string_view subject, core::TimePoint expires_at) const;

 private:
  [[nodiscard]] AppTokenResult VerifyJwt(std::string_view token, core::TimePoint now) const;
  [[nodiscard]] AppTokenResult VerifyCompact(std::string_view token, core::TimePoint now) const;
  [[nodiscard]] bool SignatureMatches(std::string_view signed_part,
                                      std::string_view signature_base64) const;
  [[nodiscard]] AppTokenError CheckTimes(std::int64_t expires_at,
                                         std::optional<std::int64_t> not_before,
                                         core::TimePoint now) const;

  AppTokenOptions options_;
};

/// Verifies `token` for a conversation: the token must be valid and its subject must be one of
/// the contact's web chat or in-app identities. On success the conversation's authentication
/// level becomes app; either way an auth.verified or auth.failed event is appended. A
/// conversation that does not exist gives kWrongSubject.
AppTokenResult VerifyAppTokenForConversation(core::Repository& unit,
                                             const AppTokenVerifier& verifier,
                                             std::int64_t conversation_id, std::string_view token,
                                             core::TimePoint now);

}  // namespace mobilelink::security
