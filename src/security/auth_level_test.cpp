#include "mobilelink/security/auth_level.hpp"

#include <gtest/gtest.h>

#include "mobilelink/events/event_types.hpp"
#include "mobilelink/security/testing/conversation_store.hpp"

namespace mobilelink::security {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

const core::TimePoint kNow = core::TimePoint(seconds(1'800'000'000));

class AuthLevelTest : public ::testing::Test {
 protected:
  void Verified(std::int64_t conversation_id, AuthMethod method, core::TimePoint at) {
    db_.Write([&](core::Repository& unit) {
      RecordVerification(unit, *unit.GetConversation(conversation_id), {method, "", at});
    });
  }

  std::vector<AuthMethod> Missing(std::int64_t conversation_id, core::TimePoint since) {
    std::vector<AuthMethod> missing;
    db_.Store().Read([&](core::Repository& unit) {
      missing = MissingFactors(unit, *unit.GetConversation(conversation_id), policy_, since);
    });
    return missing;
  }

  testing::ConversationStore db_;
  ConfirmationPolicy policy_{{"app"}};
};

TEST_F(AuthLevelTest, NoneWithoutVerification) {
  const auto id =
      db_.NewConversation({core::IdentityKind::kPhone, "+15551230001", ""}, "sms", kNow);
  AuthLevel level;
  db_.Store().Read([&](core::Repository& unit) { level = GetAuthLevel(unit, id); });
  EXPECT_EQ(level.method, AuthMethod::kNone);
  EXPECT_FALSE(level.verified_at.has_value());
}

TEST_F(AuthLevelTest, LevelIsMostRecentMethod) {
  const auto id = db_.NewConversation({core::IdentityKind::kWebchat, "u1", "app"}, "app", kNow);
  Verified(id, AuthMethod::kApp, kNow);
  Verified(id, AuthMethod::kOtp, kNow + minutes(1));
  AuthLevel level;
  db_.Store().Read([&](core::Repository& unit) { level = GetAuthLevel(unit, id); });
  EXPECT_EQ(level.method, AuthMethod::kOtp);
  EXPECT_EQ(level.verified_at, kNow + minutes(1));
}

TEST_F(AuthLevelTest, SmsNeedsOtpOnly) {
  const auto id =
      db_.NewConversation({core::IdentityKind::kPhone, "+15551230001", ""}, "sms", kNow);
  EXPECT_EQ(Missing(id, kNow), std::vector<AuthMethod>{AuthMethod::kOtp});
  Verified(id, AuthMethod::kOtp, kNow + seconds(1));
  EXPECT_TRUE(Missing(id, kNow).empty());
}

TEST_F(AuthLevelTest, InAppNeedsOtpAndApp) {
  const auto id = db_.NewConversation({core::IdentityKind::kWebchat, "u1", "app"}, "app", kNow);
  EXPECT_EQ(Missing(id, kNow), (std::vector<AuthMethod>{AuthMethod::kOtp, AuthMethod::kApp}));
  Verified(id, AuthMethod::kOtp, kNow);
  EXPECT_EQ(Missing(id, kNow), std::vector<AuthMethod>{AuthMethod::kApp});
  Verified(id, AuthMethod::kApp, kNow);
  EXPECT_TRUE(Missing(id, kNow).empty());
}

TEST_F(AuthLevelTest, VerificationBeforeConfirmationDoesNotCount) {
  const auto id =
      db_.NewConversation({core::IdentityKind::kPhone, "+15551230001", ""}, "sms", kNow);
  Verified(id, AuthMethod::kOtp, kNow);
  EXPECT_EQ(Missing(id, kNow + seconds(1)), std::vector<AuthMethod>{AuthMethod::kOtp});
}

TEST_F(AuthLevelTest, ConfirmationRecordedOnlyWhenComplete) {
  const auto id =
      db_.NewConversation({core::IdentityKind::kPhone, "+15551230001", ""}, "sms", kNow);
  bool first = true;
  bool second = false;
  db_.Write([&](core::Repository& unit) {
    first = RecordConfirmation(unit, *unit.GetConversation(id), policy_, "card.freeze", kNow, kNow);
  });
  Verified(id, AuthMethod::kOtp, kNow + seconds(5));
  db_.Write([&](core::Repository& unit) {
    second = RecordConfirmation(unit, *unit.GetConversation(id), policy_, "card.freeze", kNow,
                                kNow + seconds(6));
  });
  EXPECT_FALSE(first);
  EXPECT_TRUE(second);
  EXPECT_EQ(db_.CountEvents(events::kAuthConfirmed), 1);
}

TEST(AuthMethodText, RoundTrips) {
  for (auto method : {AuthMethod::kNone, AuthMethod::kOtp, AuthMethod::kApp, AuthMethod::kLink}) {
    EXPECT_EQ(ParseAuthMethod(ToString(method)), method);
  }
  EXPECT_FALSE(ParseAuthMethod("password").has_value());
}

}  // namespace
}  // namespace mobilelink::security
