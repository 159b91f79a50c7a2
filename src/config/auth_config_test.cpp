// The auth: and surveys: sections of the config.

#include "mobilelink/config/auth_config.hpp"

#include <string>

#include <gtest/gtest.h>

#include "mobilelink/config/config.hpp"
#include "mobilelink/config/testing/config_error.hpp"

namespace mobilelink::config {
namespace {

const std::string kBase = MinimalConfig(WebchatInbox("app"));

const std::string kKey = "0123456789abcdef0123456789abcdef";

TEST(AuthConfig, DefaultsWithoutSection) {
  const Config config = ParseConfig(kBase, "test.yaml");
  EXPECT_EQ(config.auth.otp.ttl, std::chrono::seconds(300));
  EXPECT_EQ(config.auth.otp.max_attempts, 3);
  EXPECT_EQ(config.auth.otp.max_codes_per_window, 3);
  EXPECT_EQ(config.auth.otp.rate_window, std::chrono::seconds(900));
  EXPECT_FALSE(config.auth.app_token.has_value());
  EXPECT_EQ(config.auth.link_ttl, std::chrono::seconds(900));
  EXPECT_FALSE(config.surveys.has_value());
}

TEST(AuthConfig, ShortHashKeyIsError) {
  const std::string error = ErrorOf(kBase + "auth:\n  otp:\n    hash_key: x\n");
  EXPECT_NE(error.find("auth.otp.hash_key: is 1 bytes; use a random key of at least 32 bytes"),
            std::string::npos)
      << error;
}

TEST(AuthConfig, ReadsEverySetting) {
  const Config config = ParseConfig(kBase + R"(auth:
  otp:
    ttl_seconds: 120
    max_attempts: 5
    max_codes_per_window: 4
    rate_window_seconds: 600
    hash_key: )" + kKey + R"(
  app_token:
    key: )" + kKey + R"(
    issuer: shop
    audience: chat
    leeway_seconds: 5
    inboxes: [app]
  links:
    ttl_seconds: 300
)",
                                    "test.yaml");
  EXPECT_EQ(config.auth.otp.ttl, std::chrono::seconds(120));
  EXPECT_EQ(config.auth.otp.max_attempts, 5);
  EXPECT_EQ(config.auth.otp.max_codes_per_window, 4);
  EXPECT_EQ(config.auth.otp.rate_window, std::chrono::seconds(600));
  EXPECT_EQ(config.auth.otp.hash_key, kKey);
  ASSERT_TRUE(config.auth.app_token.has_value());
  EXPECT_EQ(config.auth.app_token->key, kKey);
  EXPECT_EQ(config.auth.app_token->issuer, "shop");
  EXPECT_EQ(config.auth.app_token->audience, "chat");
  EXPECT_EQ(config.auth.app_token->leeway, std::chrono::seconds(5));
  EXPECT_EQ(config.auth.in_app_inboxes, std::vector<std::string>{"app"});
  EXPECT_EQ(config.auth.link_ttl, std::chrono::seconds(300));
}

TEST(AuthConfig, RejectsBadValues) {
  EXPECT_NE(ErrorOf(kBase + "auth:\n  otp:\n    ttl: 10\n").find("auth.otp.ttl: unknown key"),
            std::string::npos);
  EXPECT_NE(ErrorOf(kBase + "auth:\n  otp:\n    max_attempts: 0\n").find("auth.otp.max_attempts"),
            std::string::npos);
  EXPECT_NE(ErrorOf(kBase + "auth:\n  app_token:\n    key: short\n").find("auth.app_token.key"),
            std::string::npos);
  EXPECT_NE(ErrorOf(kBase + "auth:\n  app_token:\n    issuer: x\n").find("auth.app_token.key"),
            std::string::npos);
  EXPECT_NE(ErrorOf(kBase + "auth:\n  app_token:\n    key: " + kKey + "\n    inboxes: [sms]\n")
                .find("inbox 'sms' is not configured"),
            std::string::npos);
  EXPECT_NE(ErrorOf(kBase + "auth: [1]\n").find("auth"), std::string::npos);
}

// kBase with a bot rule `refund_request`, so that an NPS survey can follow it.
const std::string kWithRefundRule =
    MinimalConfig(WebchatInbox("app"),
                  "  rules:\n    - name: refund_request\n      phrases: [\"refund\"]\n"
                  "      answer: \"Refunds take 5 days.\"\n");

TEST(SurveyConfig, ReadsSection) {
  const Config config = ParseConfig(kWithRefundRule + R"(surveys:
  csat_question: "Rate us 1 to 5"
  nps_question: "Recommend us? 0 to 10"
  nps_after_intents: [refund_request]
  thanks_message: "Thanks"
  expire_after_minutes: 30
  followup_window_minutes: 5
)",
                                    "test.yaml");
  ASSERT_TRUE(config.surveys.has_value());
  EXPECT_EQ(config.surveys->csat_question, "Rate us 1 to 5");
  EXPECT_EQ(config.surveys->nps_question, "Recommend us? 0 to 10");
  EXPECT_TRUE(config.surveys->nps_after_intents.contains("refund_request"));
  EXPECT_EQ(config.surveys->thanks_message, "Thanks");
  EXPECT_EQ(config.surveys->expire_after, std::chrono::minutes(30));
  EXPECT_EQ(config.surveys->followup_window, std::chrono::minutes(5));
}

TEST(SurveyConfig, FollowupWindowDefault) {
  const Config config =
      ParseConfig(kBase + "surveys:\n  csat_question: Q\n  thanks_message: T\n", "test.yaml");
  ASSERT_TRUE(config.surveys.has_value());
  EXPECT_EQ(config.surveys->followup_window, std::chrono::minutes(10));
}

TEST(SurveyConfig, NpsIntentsMustBeSetByBot) {
  const std::string survey =
      "surveys:\n  csat_question: Q\n  nps_question: N\n  thanks_message: T\n"
      "  nps_after_intents: [";
  EXPECT_EQ(ErrorOf(kWithRefundRule + survey + "refund_request, handoff, \"kb:Returns\"]\n"),
            "no error");
  const std::string error = ErrorOf(kWithRefundRule + survey + "refund_request, payment]\n");
  EXPECT_NE(error.find("surveys.nps_after_intents: intent 'payment' is never set: expected the "
                       "name of a rule in bot.rules, handoff or kb:<article title>"),
            std::string::npos)
      << error;
}

TEST(SurveyConfig, RejectsBadValues) {
  EXPECT_NE(ErrorOf(kBase + "surveys:\n  thanks_message: T\n").find("surveys.csat_question"),
            std::string::npos);
  EXPECT_NE(ErrorOf(kBase + "surveys:\n  csat_question: Q\n  thanks_message: T\n"
                            "  nps_after_intents: [refund]\n")
                .find("surveys.nps_question"),
            std::string::npos);
  EXPECT_NE(ErrorOf(kBase + "surveys:\n  csat_question: Q\n  thanks_message: T\n"
                            "  expire_after_minutes: 0\n")
                .find("surveys.expire_after_minutes"),
            std::string::npos);
  EXPECT_NE(ErrorOf(kBase + "surveys:\n  csat_question: Q\n  thanks_message: T\n"
                            "  followup_window_minutes: -1\n")
                .find("surveys.followup_window_minutes"),
            std::string::npos);
}

}  // namespace
}  // namespace mobilelink::config
