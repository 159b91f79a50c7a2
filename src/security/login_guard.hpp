#pragma once

// Throttles password guessing: after too many failed logins for one username from one address,
// or from one address in all, within a window, further attempts are refused until the window
// has passed. Keying the username limit by address as well keeps a guesser elsewhere from
// locking an agent out.

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "mobilelink/core/clock.hpp"

namespace mobilelink::security {

/// | setting | meaning | default |
/// | --- | --- | --- |
/// | max_failures_per_login | failed logins for one username from one address before that pair is throttled | 5 |
/// | max_failures_per_address | failed logins from one peer address before it is throttled | 100 |
/// | window | how long a failure counts | 5 minutes |
struct LoginGuardOptions {
  int max_failures_per_login = 5;
  int max_failures_per_address = 100;
  std::chrono::seconds window{300};
};

/// Thread safe.
class LoginGuard final {
 public:
  LoginGuard(const core::TimeSource& clock, LoginGuardOptions options = {});

  /// Returns how long to wait when `login` or `address` is throttled, or nullopt.
  [[nodiscard]] std::optional<std::chrono::seconds> RetryAfter(std::string_view login,
                                                               std::string_view address);
  void RecordFailure(std::string_view login, std::string_view address);
  /// Clears the failures of `login` from `address` after a successful login.
  void RecordSuccess(std::string_view login, std::string_view address);

 private:
  struct Failures {
    int count = 0;
    core::TimePoint window_start;
  };
  std::optional<std::chrono::seconds> Check(const std::string& key, int limit);
  void Add(const std::string& key);

  const core::TimeSource& clock_;
  LoginGuardOptions options_;
  std::mutex mutex_;
  std::map<std::string, Failures, std::less<>> failures_;
};

}  // namespace mobilelink::security
