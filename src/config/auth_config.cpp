#include "mobilelink/config/auth_config.hpp"

#include "mobilelink/config/yaml_node.hpp"

namespace mobilelink::config {

namespace {

constexpr int kDay = 86400;

std::chrono::seconds Seconds(const Node& node, std::chrono::seconds fallback, int min, int max) {
  return std::chrono::seconds(Integer(node, static_cast<int>(fallback.count()), min, max));
}

security::OtpOptions ParseOtp(const Node& node) {
  security::OtpOptions otp;
  if (!node.node.IsDefined()) {
    return otp;
  }
  CheckKeys(node, {"ttl_seconds", "max_attempts", "max_codes_per_window", "rate_window_seconds",
                   "hash_key"});
  otp.ttl = Seconds(Child(node, "ttl_seconds"), otp.ttl, 30, kDay);
  otp.max_attempts = Integer(Child(node, "max_attempts"), otp.max_attempts, 1, 10);
  otp.max_codes_per_window =
      Integer(Child(node, "max_codes_per_window"), otp.max_codes_per_window, 1, 100);
  otp.rate_window = Seconds(Child(node, "rate_window_seconds"), otp.rate_window, 1, kDay);
  otp.hash_key = Text(Child(node, "hash_key"), false);
  // A short key lets anyone who copies the database try every six-digit code against it.
  if (!otp.hash_key.empty() && otp.hash_key.size() < 32) {
    Fail(node.path + ".hash_key", "is " + std::to_string(otp.hash_key.size()) +
                                      " bytes; use a random key of at least 32 bytes, or leave "
                                      "it out for a random key per process");
  }
  return otp;
}

security::AppTokenOptions ParseAppToken(const Node& node) {
  CheckKeys(node, {"key", "issuer", "audience", "leeway_seconds", "inboxes"});
  security::AppTokenOptions options;
  options.key = Text(Child(node, "key"), true);
  if (options.key.size() < 32) {
    Fail(node.path + ".key", "is " + std::to_string(options.key.size()) +
                                 " bytes; use a random key of at least 32 bytes");
  }
  options.issuer = Text(Child(node, "issuer"), false);
  options.audience = Text(Child(node, "audience"), false);
  options.leeway = Seconds(Child(node, "leeway_seconds"), options.leeway, 0, 600);
  return options;
}

}  // namespace

AuthConfig ParseAuth(const Node& node) {
  AuthConfig auth;
  if (!node.node.IsDefined()) {
    return auth;
  }
  RequireMap(node);
  CheckKeys(node, {"otp", "app_token", "links"});
  auth.otp = ParseOtp(Child(node, "otp"));
  const Node app_token = Child(node, "app_token");
  if (app_token.node.IsDefined()) {
    auth.app_token = ParseAppToken(app_token);
    auth.in_app_inboxes = TextList(Child(app_token, "inboxes"));
  }
  const Node links = Child(node, "links");
  if (links.node.IsDefined()) {
    CheckKeys(links, {"ttl_seconds"});
    auth.link_ttl = Seconds(Child(links, "ttl_seconds"), auth.link_ttl, 60, 7 * kDay);
  }
  return auth;
}

}  // namespace mobilelink::config
