#include "mobilelink/security/signed_link.hpp"

#include <gtest/gtest.h>

#include "mobilelink/events/event_types.hpp"
#include "mobilelink/security/auth_level.hpp"
#include "mobilelink/security/testing/conversation_store.hpp"

namespace mobilelink::security {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

const core::TimePoint kNow = core::TimePoint(seconds(1'800'000'000));

class SignedLinkTest : public ::testing::Test {
 protected:
  SignedLinkTest() {
    conversation_ =
        db_.NewConversation({core::IdentityKind::kPhone, "+15551230001", ""}, "sms", kNow);
  }

  CreatedLink Create() {
    std::optional<CreatedLink> link;
    db_.Write([&](core::Repository& unit) {
      link = CreateSignedLink(unit, "https://support.example.com", conversation_, "verify",
                              minutes(15), kNow);
    });
    EXPECT_TRUE(link.has_value());
    return link.value_or(CreatedLink{});
  }

  LinkState Confirm(const std::string& token, core::TimePoint now) {
    LinkState state = LinkState::kUnknown;
    db_.Write([&](core::Repository& unit) { state = ConfirmSignedLink(unit, token, now).state; });
    return state;
  }

  testing::ConversationStore db_;
  std::int64_t conversation_ = 0;
};

TEST_F(SignedLinkTest, UrlStartsWithPublicUrl) {
  const auto link = Create();
  EXPECT_EQ(link.url, "https://support.example.com/auth/link/" + link.token);
  EXPECT_EQ(link.expires_at, kNow + minutes(15));
  EXPECT_GE(link.token.size(), 43u);
}

TEST_F(SignedLinkTest, InspectChangesNothing) {
  const auto link = Create();
  LinkState state = LinkState::kUnknown;
  db_.Store().Read(
      [&](core::Repository& unit) { state = InspectSignedLink(unit, link.token, kNow).state; });
  EXPECT_EQ(state, LinkState::kValid);
  EXPECT_EQ(Confirm(link.token, kNow + seconds(1)), LinkState::kValid);
}

TEST_F(SignedLinkTest, UsedTwice) {
  const auto link = Create();
  EXPECT_EQ(Confirm(link.token, kNow + seconds(1)), LinkState::kValid);
  EXPECT_EQ(Confirm(link.token, kNow + seconds(2)), LinkState::kUsed);
  EXPECT_EQ(db_.CountEvents(events::kAuthVerified), 1);
  EXPECT_EQ(db_.CountEvents(events::kAuthFailed), 1);
  AuthLevel level;
  db_.Store().Read([&](core::Repository& unit) { level = GetAuthLevel(unit, conversation_); });
  EXPECT_EQ(level.method, AuthMethod::kLink);
}

TEST_F(SignedLinkTest, ExpiredAtBoundary) {
  const auto link = Create();
  EXPECT_EQ(Confirm(link.token, kNow + minutes(15)), LinkState::kExpired);
  EXPECT_EQ(db_.CountEvents(events::kAuthVerified), 0);
}

TEST_F(SignedLinkTest, ValidJustBeforeExpiry) {
  const auto link = Create();
  EXPECT_EQ(Confirm(link.token, kNow + minutes(15) - std::chrono::milliseconds(1)),
            LinkState::kValid);
}

TEST_F(SignedLinkTest, UnknownToken) {
  Create();
  EXPECT_EQ(Confirm("not-a-token", kNow), LinkState::kUnknown);
  EXPECT_EQ(db_.CountEvents(events::kAuthFailed), 0);
}

TEST_F(SignedLinkTest, UnknownConversationCreatesNothing) {
  std::optional<CreatedLink> link;
  db_.Write([&](core::Repository& unit) {
    link = CreateSignedLink(unit, "https://x", 9999, "verify", minutes(1), kNow);
  });
  EXPECT_FALSE(link.has_value());
}

}  // namespace
}  // namespace mobilelink::security
