#include "mobilelink/security/login_guard.hpp"

#include <gtest/gtest.h>

namespace mobilelink::security {
namespace {

using std::chrono::seconds;

class LoginGuardTest : public ::testing::Test {
 protected:
  core::ManualTimeSource clock_{core::TimePoint(seconds(1000000))};
  LoginGuard guard_{clock_, LoginGuardOptions{3, 5, seconds(60)}};
};

TEST_F(LoginGuardTest, ThrottlesLoginAfterLimit) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(guard_.RetryAfter("alice", "10.0.0.1").has_value());
    guard_.RecordFailure("alice", "10.0.0.1");
  }
  const auto wait = guard_.RetryAfter("alice", "10.0.0.1");
  ASSERT_TRUE(wait.has_value());
  EXPECT_EQ(*wait, seconds(60));
}

TEST_F(LoginGuardTest, OtherAddressNotThrottled) {
  for (int i = 0; i < 3; ++i) {
    guard_.RecordFailure("alice", "10.0.0.1");
  }
  EXPECT_FALSE(guard_.RetryAfter("alice", "10.0.0.2").has_value());
}

TEST_F(LoginGuardTest, ReleasesAfterWindow) {
  for (int i = 0; i < 3; ++i) {
    guard_.RecordFailure("alice", "10.0.0.1");
  }
  clock_.Advance(seconds(60));
  EXPECT_FALSE(guard_.RetryAfter("alice", "10.0.0.1").has_value());
}

TEST_F(LoginGuardTest, ThrottlesAddressAcrossLogins) {
  for (int i = 0; i < 5; ++i) {
    guard_.RecordFailure("user" + std::to_string(i), "10.0.0.9");
  }
  EXPECT_TRUE(guard_.RetryAfter("someone-else", "10.0.0.9").has_value());
  EXPECT_FALSE(guard_.RetryAfter("someone-else", "10.0.0.10").has_value());
}

TEST_F(LoginGuardTest, SuccessClearsLoginFailures) {
  guard_.RecordFailure("alice", "10.0.0.1");
  guard_.RecordFailure("alice", "10.0.0.1");
  guard_.RecordSuccess("alice", "10.0.0.1");
  guard_.RecordFailure("alice", "10.0.0.1");
  EXPECT_FALSE(guard_.RetryAfter("alice", "10.0.0.1").has_value());
}

}  // namespace
}  // namespace mobilelink::security
