#include "mobilelink/security/otp.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mobilelink/events/event_types.hpp"
#include "mobilelink/security/auth_level.hpp"
#include "mobilelink/security/testing/conversation_store.hpp"

namespace mobilelink::security {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

const core::TimePoint kStart = core::TimePoint(seconds(1'800'000'000));
constexpr char kPhone[] = "+15551230001";

class OtpTest : public ::testing::Test {
 protected:
  OtpTest() : otp_(OtpOptions{.hash_key = "test key"}) {
    conversation_ =
        db_.NewConversation({core::IdentityKind::kPhone, "+15551230001", ""}, "sms", kStart);
  }

  OtpIssueResult Issue(std::int64_t conversation_id, core::TimePoint now,
                       const std::string& recipient = kPhone) {
    OtpIssueResult result;
    db_.Write([&](core::Repository& unit) {
      result = otp_.Issue(unit, conversation_id, recipient, now);
    });
    return result;
  }

  OtpVerifyResult Verify(std::string_view code, core::TimePoint now) {
    OtpVerifyResult result = OtpVerifyResult::kNone;
    db_.Write(
        [&](core::Repository& unit) { result = otp_.Verify(unit, conversation_, code, now); });
    return result;
  }

  // Returns a six-digit code that differs from `code`.
  static std::string OtherCode(const std::string& code) {
    std::string other = code;
    other[0] = code[0] == '9' ? '0' : static_cast<char>(code[0] + 1);
    return other;
  }

  testing::ConversationStore db_;
  OtpService otp_;
  std::int64_t conversation_ = 0;
};

TEST_F(OtpTest, IssuesSixDigitCode) {
  const auto issued = Issue(conversation_, kStart);
  ASSERT_TRUE(issued.ok());
  ASSERT_EQ(issued.code.size(), 6u);
  for (char c : issued.code) {
    EXPECT_GE(c, '0') << issued.code;
    EXPECT_LE(c, '9') << issued.code;
  }
  EXPECT_EQ(issued.expires_at, kStart + minutes(5));
  EXPECT_EQ(db_.CountEvents(events::kAuthOtpSent), 1);
}

TEST_F(OtpTest, AcceptsCorrectCodeOnce) {
  const auto issued = Issue(conversation_, kStart);
  EXPECT_EQ(Verify(issued.code, kStart + seconds(10)), OtpVerifyResult::kOk);
  EXPECT_EQ(Verify(issued.code, kStart + seconds(11)), OtpVerifyResult::kNone);
  EXPECT_EQ(db_.CountEvents(events::kAuthVerified), 1);
}

TEST_F(OtpTest, ValidUntilJustBeforeExpiry) {
  const auto issued = Issue(conversation_, kStart);
  EXPECT_EQ(Verify(issued.code, kStart + minutes(5) - milliseconds(1)), OtpVerifyResult::kOk);
}

TEST_F(OtpTest, ExpiredAtExactBoundary) {
  const auto issued = Issue(conversation_, kStart);
  EXPECT_EQ(Verify(issued.code, kStart + minutes(5)), OtpVerifyResult::kExpired);
  EXPECT_EQ(Verify(issued.code, kStart + minutes(5)), OtpVerifyResult::kExpired);
}

TEST_F(OtpTest, LocksOnThirdWrongEntry) {
  const auto issued = Issue(conversation_, kStart);
  const std::string wrong = OtherCode(issued.code);
  EXPECT_EQ(Verify(wrong, kStart + seconds(1)), OtpVerifyResult::kWrong);
  EXPECT_EQ(Verify("12ab56", kStart + seconds(2)), OtpVerifyResult::kWrong);
  EXPECT_EQ(Verify(wrong, kStart + seconds(3)), OtpVerifyResult::kLocked);
  EXPECT_EQ(Verify(issued.code, kStart + seconds(4)), OtpVerifyResult::kLocked);
  EXPECT_EQ(db_.CountEvents(events::kAuthFailed), 4);
  EXPECT_EQ(db_.CountEvents(events::kAuthVerified), 0);
}

TEST_F(OtpTest, CorrectAfterTwoWrongEntries) {
  const auto issued = Issue(conversation_, kStart);
  EXPECT_EQ(Verify(OtherCode(issued.code), kStart), OtpVerifyResult::kWrong);
  EXPECT_EQ(Verify(OtherCode(issued.code), kStart), OtpVerifyResult::kWrong);
  EXPECT_EQ(Verify(issued.code, kStart), OtpVerifyResult::kOk);
}

TEST_F(OtpTest, NewCodeReplacesOld) {
  const auto first = Issue(conversation_, kStart);
  const auto second = Issue(conversation_, kStart + seconds(30));
  ASSERT_TRUE(second.ok());
  if (first.code != second.code) {
    EXPECT_EQ(Verify(first.code, kStart + seconds(31)), OtpVerifyResult::kWrong);
  }
  EXPECT_EQ(Verify(second.code, kStart + seconds(32)), OtpVerifyResult::kOk);
}

TEST_F(OtpTest, NoCodeGivesNone) { EXPECT_EQ(Verify("123456", kStart), OtpVerifyResult::kNone); }

TEST_F(OtpTest, RateLimitedPerContact) {
  // A second conversation of the same contact shares the contact's limit.
  const auto other =
      db_.NewConversation({core::IdentityKind::kPhone, "+15551230001", ""}, "sms", kStart);
  EXPECT_TRUE(Issue(conversation_, kStart).ok());
  EXPECT_TRUE(Issue(conversation_, kStart + minutes(1)).ok());
  EXPECT_TRUE(Issue(other, kStart + minutes(2)).ok());

  const auto limited = Issue(conversation_, kStart + minutes(3));
  EXPECT_EQ(limited.error, OtpIssueError::kRateLimited);
  EXPECT_TRUE(limited.code.empty());
  ASSERT_TRUE(limited.retry_at.has_value());
  EXPECT_EQ(*limited.retry_at, kStart + minutes(15));

  EXPECT_EQ(Issue(conversation_, kStart + minutes(15) - milliseconds(1)).error,
            OtpIssueError::kRateLimited);
  EXPECT_TRUE(Issue(conversation_, kStart + minutes(15)).ok());
}

TEST_F(OtpTest, OtherContactNotRateLimited) {
  const auto stranger =
      db_.NewConversation({core::IdentityKind::kPhone, "+15551230002", ""}, "sms", kStart);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(Issue(conversation_, kStart + seconds(i)).ok());
  }
  EXPECT_TRUE(Issue(stranger, kStart + seconds(5), "+15551230002").ok());
}

TEST_F(OtpTest, RateLimitedPerRecipient) {
  // Web chat visitors are new contacts each time, but their codes go to one customer's phone.
  std::vector<std::int64_t> visitors;
  for (int i = 0; i < 5; ++i) {
    visitors.push_back(db_.NewConversation(
        {core::IdentityKind::kWebchat, "visitor-" + std::to_string(i), "chat"}, "chat", kStart));
  }
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(Issue(visitors[i], kStart + minutes(i)).ok());
  }

  const auto limited = Issue(visitors[3], kStart + minutes(3));
  EXPECT_EQ(limited.error, OtpIssueError::kRateLimited);
  ASSERT_TRUE(limited.retry_at.has_value());
  EXPECT_EQ(*limited.retry_at, kStart + minutes(15));
  EXPECT_TRUE(Issue(visitors[4], kStart + minutes(3), "+15551230009").ok());
  EXPECT_TRUE(Issue(visitors[3], kStart + minutes(15)).ok());
}

TEST_F(OtpTest, SetsAuthLevelOtp) {
  const auto issued = Issue(conversation_, kStart);
  ASSERT_EQ(Verify(issued.code, kStart + seconds(5)), OtpVerifyResult::kOk);
  AuthLevel level;
  db_.Store().Read([&](core::Repository& unit) { level = GetAuthLevel(unit, conversation_); });
  EXPECT_EQ(level.method, AuthMethod::kOtp);
  ASSERT_TRUE(level.verified_at.has_value());
  EXPECT_EQ(*level.verified_at, kStart + seconds(5));
}

TEST_F(OtpTest, PlainCodeNotInDatabaseFile) {
  const auto issued = Issue(conversation_, kStart);
  const std::string path = db_.DatabasePath();
  // Stopping may move pages from the WAL into the main file, so both files are read.
  db_.Store().Stop();
  std::string bytes;
  for (const std::string& file : {path, path + "-wal"}) {
    if (!std::filesystem::exists(file)) {
      continue;
    }
    std::ifstream input(file, std::ios::binary);
    std::stringstream content;
    content << input.rdbuf();
    bytes += content.str();
  }
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(bytes.find(issued.code), std::string::npos) << "code " << issued.code;
}

TEST(OtpService, RejectsZeroAttempts) {
  EXPECT_THROW(OtpService(OtpOptions{.max_attempts = 0}), std::invalid_argument);
}

}  // namespace
}  // namespace mobilelink::security
