#include "mobilelink/security/app_token.hpp"

#include <charconv>
#include <stdexcept>
#include <vector>

#include <boost/json.hpp>
#include <sodium.h>

#include "mobilelink/security/auth_level.hpp"
#include "mobilelink/security/credentials.hpp"

namespace mobilelink::security {

namespace json = boost::json;

namespace {

constexpr std::size_t kMinKeyBytes = 32;
constexpr int kBase64Url = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

std::optional<std::string> DecodeBase64Url(std::string_view text) {
  std::string bytes(text.size(), '\0');
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), text.data(),
                        text.size(), nullptr, &length, &end, kBase64Url) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  bytes.resize(length);
  return bytes;
}

std::string EncodeBase64Url(std::string_view bytes) {
  std::string text(sodium_base64_ENCODED_LEN(bytes.size(), kBase64Url), '\0');
  sodium_bin2base64(text.data(), text.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), kBase64Url);
  text.resize(text.find('\0'));
  return text;
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string_view::npos) {
      return parts;
    }
    start = end + 1;
  }
}

std::optional<json::object> DecodeJsonPart(std::string_view part) {
  const auto bytes = DecodeBase64Url(part);
  if (!bytes) {
    return std::nullopt;
  }
  boost::system::error_code error;
  json::value value = json::parse(*bytes, error);
  if (error || !value.is_object()) {
    return std::nullopt;
  }
  return std::move(value.as_object());
}

// Reads a NumericDate claim (RFC 7519 section 2: seconds, possibly fractional).
std::optional<std::int64_t> NumericDate(const json::object& claims, std::string_view name) {
  const auto* value = claims.if_contains(name);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (value->is_int64()) {
    return value->as_int64();
  }
  if (value->is_uint64()) {
    return static_cast<std::int64_t>(value->as_uint64());
  }
  if (value->is_double()) {
    return static_cast<std::int64_t>(value->as_double());
  }
  return std::nullopt;
}

bool AudienceMatches(const json::value& audience, std::string_view expected) {
  if (audience.is_string()) {
    return audience.as_string() == expected;
  }
  if (audience.is_array()) {
    for (const auto& item : audience.as_array()) {
      if (item.is_string() && item.as_string() == expected) {
        return true;
      }
    }
  }
  return false;
}

std::int64_t UnixSeconds(core::TimePoint time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

}  // namespace

std::string HmacSha256(std::string_view key, std::string_view message) {
  crypto_auth_hmacsha256_state state;
  unsigned char digest[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  crypto_auth_hmacsha256_final(&state, digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

std::string_view ToString(AppTokenError error) {
  switch (error) {
    case AppTokenError::kNone:
      return "none";
    case AppTokenError::kMalformed:
      return "malformed";
    case AppTokenError::kUnsupportedAlgorithm:
      return "unsupported_algorithm";
    case AppTokenError::kInvalidSignature:
      return "invalid_signature";
    case AppTokenError::kExpired:
      return "expired";
    case AppTokenError::kNotYetValid:
      return "not_yet_valid";
    case AppTokenError::kWrongIssuer:
      return "wrong_issuer";
    case AppTokenError::kWrongAudience:
      return "wrong_audience";
    case AppTokenError::kMissingClaim:
      return "missing_claim";
    case AppTokenError::kWrongSubject:
      return "wrong_subject";
  }
  return "unknown";
}

AppTokenVerifier::AppTokenVerifier(AppTokenOptions options) : options_(std::move(options)) {
  InitCrypto();
  if (options_.key.size() < kMinKeyBytes) {
    throw std::invalid_argument("app token key is " + std::to_string(options_.key.size()) +
                                " bytes; use at least 32 random bytes");
  }
}

AppTokenResult AppTokenVerifier::Verify(std::string_view token, core::TimePoint now) const {
  if (token.starts_with("v1.")) {
    return VerifyCompact(token, now);
  }
  return VerifyJwt(token, now);
}

bool AppTokenVerifier::SignatureMatches(std::string_view signed_part,
                                        std::string_view signature_base64) const {
  const auto signature = DecodeBase64Url(signature_base64);
  if (!signature || signature->size() != crypto_auth_hmacsha256_BYTES) {
    return false;
  }
  const std::string expected = HmacSha256(options_.key, signed_part);
  return sodium_memcmp(expected.data(), signature->data(), expected.size()) == 0;
}

AppTokenError AppTokenVerifier::CheckTimes(std::int64_t expires_at,
                                           std::optional<std::int64_t> not_before,
                                           core::TimePoint now) const {
  const std::int64_t now_seconds = UnixSeconds(now);
  const std::int64_t leeway = options_.leeway.count();
  // RFC 7519 4.1.4: the token must not be accepted on or after exp.
  if (now_seconds >= expires_at + leeway) {
    return AppTokenError::kExpired;
  }
  if (not_before && now_seconds + leeway < *not_before) {
    return AppTokenError::kNotYetValid;
  }
  return AppTokenError::kNone;
}

AppTokenResult AppTokenVerifier::VerifyJwt(std::string_view token, core::TimePoint now) const {
  AppTokenResult result;
  const auto parts = Split(token, '.');
  if (parts.size() != 3) {
    result.error = AppTokenError::kMalformed;
    return result;
  }

  const auto header = DecodeJsonPart(parts[0]);
  if (!header) {
    result.error = AppTokenError::kMalformed;
    return result;
  }

  // The algorithm is pinned: a token that names another one is rejected before any signature
  // check, which closes the "alg":"none" and algorithm-confusion attacks.
  const auto* algorithm = header->if_contains("alg");
  if (algorithm == nullptr || !algorithm->is_string() || algorithm->as_string() != "HS256") {
    result.error = AppTokenError::kUnsupportedAlgorithm;
    return result;
  }

  const std::size_t signed_length = parts[0].size() + 1 + parts[1].size();
  if (!SignatureMatches(token.substr(0, signed_length), parts[2])) {
    result.error = AppTokenError::kInvalidSignature;
    return result;
  }

  const auto claims = DecodeJsonPart(parts[1]);
  if (!claims) {
    result.error = AppTokenError::kMalformed;
    return result;
  }

  const auto* subject = claims->if_contains("sub");
  const auto expires_at = NumericDate(*claims, "exp");
  if (subject == nullptr || !subject->is_string() || subject->as_string().empty() || !expires_at) {
    result.error = AppTokenError::kMissingClaim;
    return result;
  }

  result.error = CheckTimes(*expires_at, NumericDate(*claims, "nbf"), now);
  if (!result.ok()) {
    return result;
  }

  if (!options_.issuer.empty()) {
    const auto* issuer = claims->if_contains("iss");
    if (issuer == nullptr || !issuer->is_string() || issuer->as_string() != options_.issuer) {
      result.error = AppTokenError::kWrongIssuer;
      return result;
    }
  }
  if (!options_.audience.empty()) {
    const auto* audience = claims->if_contains("aud");
    if (audience == nullptr || !AudienceMatches(*audience, options_.audience)) {
      result.error = AppTokenError::kWrongAudience;
      return result;
    }
  }
  result.subject = std::string(subject->as_string());
  result.expires_at = core::TimePoint(std::chrono::seconds(*expires_at));
  return result;
}

AppTokenResult AppTokenVerifier::VerifyCompact(std::string_view token, core::TimePoint now) const {
  AppTokenResult result;
  const auto parts = Split(token, '.');
  if (parts.size() != 4) {
    result.error = AppTokenError::kMalformed;
    return result;
  }

  const std::size_t signed_length = token.size() - parts[3].size() - 1;
  if (!SignatureMatches(token.substr(0, signed_length), parts[3])) {
    result.error = AppTokenError::kInvalidSignature;
    return result;
  }

  const auto subject = DecodeBase64Url(parts[1]);
  std::int64_t expires_at = 0;
  const auto [end, error] =
      std::from_chars(parts[2].data(), parts[2].data() + parts[2].size(), expires_at);
  if (!subject || error != std::errc() || end != parts[2].data() + parts[2].size()) {
    result.error = AppTokenError::kMalformed;
    return result;
  }

  if (subject->empty()) {
    result.error = AppTokenError::kMissingClaim;
    return result;
  }

  result.error = CheckTimes(expires_at, std::nullopt, now);
  if (!result.ok()) {
    return result;
  }

  result.subject = *subject;
  result.expires_at = core::TimePoint(std::chrono::seconds(expires_at));
  return result;
}

std::string AppTokenVerifier::SignJwt(std::string_view subject, core::TimePoint expires_at) const {
  json::object claims{{"sub", subject}, {"exp", UnixSeconds(expires_at)}};
  if (!options_.issuer.empty()) {
    claims["iss"] = options_.issuer;
  }
  if (!options_.audience.empty()) {
    claims["aud"] = options_.audience;
  }
  const std::string signed_part = EncodeBase64Url(R"({"alg":"HS256","typ":"JWT"})") + "." +
                                  EncodeBase64Url(json::serialize(claims));
  return signed_part + "." + EncodeBase64Url(HmacSha256(options_.key, signed_part));
}

AppTokenResult VerifyAppTokenForConversation(core::Repository& unit,
                                             const AppTokenVerifier& verifier,
                                             std::int64_t conversation_id, std::string_view token,
                                             core::TimePoint now) {
  AppTokenResult result = verifier.Verify(token, now);
  const auto conversation = unit.GetConversation(conversation_id);
  if (!conversation) {
    result.error = AppTokenError::kWrongSubject;
    return result;
  }

  if (result.ok()) {
    bool subject_found = false;
    for (const auto& identity : unit.ListIdentities(conversation->contact_id)) {
      if (identity.kind == core::IdentityKind::kWebchat && identity.value == result.subject) {
        subject_found = true;
      }
    }
    if (!subject_found) {
      result.error = AppTokenError::kWrongSubject;
    }
  }
  if (!result.ok()) {
    RecordFailure(unit, *conversation, AuthMethod::kApp, ToString(result.error), now);
    return result;
  }

  RecordVerification(unit, *conversation, {AuthMethod::kApp, result.subject, now});
  return result;
}

}  // namespace mobilelink::security
