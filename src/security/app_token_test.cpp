#include "mobilelink/security/app_token.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include "mobilelink/events/event_types.hpp"
#include "mobilelink/security/auth_level.hpp"
#include "mobilelink/security/testing/conversation_store.hpp"

namespace mobilelink::security {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

const core::TimePoint kNow = core::TimePoint(seconds(1'800'000'000));
const std::string kKey = "0123456789abcdef0123456789abcdef-app-backend";

AppTokenOptions Options() {
  return {.key = kKey, .issuer = "shop-backend", .audience = "mobilelink", .leeway = seconds(0)};
}

std::string Base64Url(std::string_view bytes) {
  const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string text(sodium_base64_ENCODED_LEN(bytes.size(), variant), '\0');
  sodium_bin2base64(text.data(), text.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), variant);
  text.resize(text.find('\0'));
  return text;
}

std::string HmacBase64Url(std::string_view key, std::string_view message) {
  crypto_auth_hmacsha256_state state;
  unsigned char digest[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  crypto_auth_hmacsha256_final(&state, digest);
  return Base64Url(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

// Builds a JWT from raw header and claims JSON, signed with `key`.
std::string MakeJwt(std::string_view header, std::string_view claims, std::string_view key) {
  const std::string signed_part = Base64Url(header) + "." + Base64Url(claims);
  return signed_part + "." + HmacBase64Url(key, signed_part);
}

const std::string kHeader = R"({"alg":"HS256","typ":"JWT"})";
const std::string kClaims =
    R"({"sub":"user-42","exp":1800000600,"iss":"shop-backend","aud":["mobilelink","other"]})";

TEST(AppToken, AcceptsValidJwt) {
  const AppTokenVerifier verifier(Options());
  const auto result = verifier.Verify(MakeJwt(kHeader, kClaims, kKey), kNow);
  EXPECT_EQ(result.error, AppTokenError::kNone);
  EXPECT_EQ(result.subject, "user-42");
  EXPECT_EQ(result.expires_at, core::TimePoint(seconds(1800000600)));
}

TEST(AppToken, SignJwtRoundTrips) {
  const AppTokenVerifier verifier(Options());
  const auto result = verifier.Verify(verifier.SignJwt("visitor-7", kNow + minutes(5)), kNow);
  EXPECT_EQ(result.error, AppTokenError::kNone);
  EXPECT_EQ(result.subject, "visitor-7");
}

TEST(AppToken, RejectsTamperedClaims) {
  const AppTokenVerifier verifier(Options());
  const std::string token = MakeJwt(kHeader, kClaims, kKey);
  // Swap the claims for another user's while keeping the original signature.
  const std::string forged_claims =
      R"({"sub":"user-43","exp":1800000600,"iss":"shop-backend","aud":"mobilelink"})";
  const auto first_dot = token.find('.');
  const auto last_dot = token.rfind('.');
  const std::string forged =
      token.substr(0, first_dot + 1) + Base64Url(forged_claims) + token.substr(last_dot);
  EXPECT_EQ(verifier.Verify(forged, kNow).error, AppTokenError::kInvalidSignature);
}

TEST(AppToken, RejectsTamperedSignature) {
  const AppTokenVerifier verifier(Options());
  std::string token = MakeJwt(kHeader, kClaims, kKey);
  token[token.size() - 3] = token[token.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_EQ(verifier.Verify(token, kNow).error, AppTokenError::kInvalidSignature);
}

TEST(AppToken, RejectsWrongKey) {
  const AppTokenVerifier verifier(Options());
  const std::string token = MakeJwt(kHeader, kClaims, "another key of more than 32 bytes....");
  EXPECT_EQ(verifier.Verify(token, kNow).error, AppTokenError::kInvalidSignature);
}

TEST(AppToken, RejectsExpiredAtExp) {
  const AppTokenVerifier verifier(Options());
  const std::string token = MakeJwt(kHeader, kClaims, kKey);
  EXPECT_EQ(verifier.Verify(token, core::TimePoint(seconds(1800000599))).error,
            AppTokenError::kNone);
  EXPECT_EQ(verifier.Verify(token, core::TimePoint(seconds(1800000600))).error,
            AppTokenError::kExpired);
}

TEST(AppToken, LeewayExtendsExpiry) {
  auto options = Options();
  options.leeway = seconds(30);
  const AppTokenVerifier verifier(options);
  const std::string token = MakeJwt(kHeader, kClaims, kKey);
  EXPECT_EQ(verifier.Verify(token, core::TimePoint(seconds(1800000629))).error,
            AppTokenError::kNone);
  EXPECT_EQ(verifier.Verify(token, core::TimePoint(seconds(1800000630))).error,
            AppTokenError::kExpired);
}

TEST(AppToken, RejectsNotYetValid) {
  const AppTokenVerifier verifier(Options());
  const std::string claims =
      R"({"sub":"u","exp":1800000600,"nbf":1800000100,"iss":"shop-backend","aud":"mobilelink"})";
  EXPECT_EQ(verifier.Verify(MakeJwt(kHeader, claims, kKey), kNow).error,
            AppTokenError::kNotYetValid);
}

TEST(AppToken, RejectsAlgNone) {
  const AppTokenVerifier verifier(Options());
  const std::string token = Base64Url(R"({"alg":"none"})") + "." + Base64Url(kClaims) + ".";
  EXPECT_EQ(verifier.Verify(token, kNow).error, AppTokenError::kUnsupportedAlgorithm);
}

TEST(AppToken, RejectsOtherAlgorithm) {
  const AppTokenVerifier verifier(Options());
  const std::string token = MakeJwt(R"({"alg":"HS512"})", kClaims, kKey);
  EXPECT_EQ(verifier.Verify(token, kNow).error, AppTokenError::kUnsupportedAlgorithm);
}

TEST(AppToken, RejectsWrongIssuer) {
  const AppTokenVerifier verifier(Options());
  const std::string claims = R"({"sub":"u","exp":1800000600,"iss":"other","aud":"mobilelink"})";
  EXPECT_EQ(verifier.Verify(MakeJwt(kHeader, claims, kKey), kNow).error,
            AppTokenError::kWrongIssuer);
}

TEST(AppToken, RejectsWrongAudience) {
  const AppTokenVerifier verifier(Options());
  const std::string claims = R"({"sub":"u","exp":1800000600,"iss":"shop-backend","aud":"x"})";
  EXPECT_EQ(verifier.Verify(MakeJwt(kHeader, claims, kKey), kNow).error,
            AppTokenError::kWrongAudience);
}

TEST(AppToken, RejectsMissingExp) {
  const AppTokenVerifier verifier(Options());
  const std::string claims = R"({"sub":"u","iss":"shop-backend","aud":"mobilelink"})";
  EXPECT_EQ(verifier.Verify(MakeJwt(kHeader, claims, kKey), kNow).error,
            AppTokenError::kMissingClaim);
}

TEST(AppToken, RejectsMalformed) {
  const AppTokenVerifier verifier(Options());
  EXPECT_EQ(verifier.Verify("", kNow).error, AppTokenError::kMalformed);
  EXPECT_EQ(verifier.Verify("a.b", kNow).error, AppTokenError::kMalformed);
  EXPECT_EQ(verifier.Verify("!!.??.**", kNow).error, AppTokenError::kMalformed);
}

TEST(AppToken, AcceptsCompactForm) {
  const AppTokenVerifier verifier(Options());
  const std::string signed_part = "v1." + Base64Url("user-42") + ".1800000600";
  const std::string token = signed_part + "." + HmacBase64Url(kKey, signed_part);
  const auto result = verifier.Verify(token, kNow);
  EXPECT_EQ(result.error, AppTokenError::kNone);
  EXPECT_EQ(result.subject, "user-42");
}

TEST(AppToken, RejectsTamperedCompactForm) {
  const AppTokenVerifier verifier(Options());
  const std::string signed_part = "v1." + Base64Url("user-42") + ".1800000600";
  const std::string signature = HmacBase64Url(kKey, signed_part);
  const std::string extended = "v1." + Base64Url("user-42") + ".1900000600." + signature;
  EXPECT_EQ(verifier.Verify(extended, kNow).error, AppTokenError::kInvalidSignature);
}

TEST(AppToken, RejectsExpiredCompactForm) {
  const AppTokenVerifier verifier(Options());
  const std::string signed_part = "v1." + Base64Url("user-42") + ".1799999999";
  const std::string token = signed_part + "." + HmacBase64Url(kKey, signed_part);
  EXPECT_EQ(verifier.Verify(token, kNow).error, AppTokenError::kExpired);
}

TEST(AppToken, RejectsShortKey) {
  EXPECT_THROW(AppTokenVerifier({.key = "short"}), std::invalid_argument);
}

TEST(AppTokenForConversation, SubjectMustMatchIdentity) {
  testing::ConversationStore db;
  const auto conversation =
      db.NewConversation({core::IdentityKind::kWebchat, "user-42", "app"}, "app", kNow);
  const AppTokenVerifier verifier(Options());
  AppTokenResult other;
  AppTokenResult own;
  db.Write([&](core::Repository& unit) {
    other = VerifyAppTokenForConversation(unit, verifier, conversation,
                                          verifier.SignJwt("user-43", kNow + minutes(1)), kNow);
    own = VerifyAppTokenForConversation(unit, verifier, conversation,
                                        verifier.SignJwt("user-42", kNow + minutes(1)), kNow);
  });
  EXPECT_EQ(other.error, AppTokenError::kWrongSubject);
  EXPECT_EQ(own.error, AppTokenError::kNone);
  EXPECT_EQ(db.CountEvents(events::kAuthFailed), 1);
  EXPECT_EQ(db.CountEvents(events::kAuthVerified), 1);
  AuthLevel level;
  db.Store().Read([&](core::Repository& unit) { level = GetAuthLevel(unit, conversation); });
  EXPECT_EQ(level.method, AuthMethod::kApp);
}

}  // namespace
}  // namespace mobilelink::security
