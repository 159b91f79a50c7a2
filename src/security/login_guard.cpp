#include "mobilelink/security/login_guard.hpp"

namespace mobilelink::security {

namespace {

// Bounds memory under a flood of distinct usernames: expired entries are swept when the map
// grows past this size.
constexpr std::size_t kSweepAbove = 10000;

std::string LoginKey(std::string_view login, std::string_view address) {
  return "login:" + std::string(address) + "/" + std::string(login);
}

}  // namespace

LoginGuard::LoginGuard(const core::TimeSource& clock, LoginGuardOptions options)
    : clock_(clock), options_(options) {}

std::optional<std::chrono::seconds> LoginGuard::Check(const std::string& key, int limit) {
  const auto found = failures_.find(key);
  if (found == failures_.end() || found->second.count < limit) {
    return std::nullopt;
  }
  const auto ends = found->second.window_start + options_.window;
  const auto now = clock_.Now();
  if (now >= ends) {
    failures_.erase(found);
    return std::nullopt;
  }
  return std::chrono::ceil<std::chrono::seconds>(ends - now);
}

std::optional<std::chrono::seconds> LoginGuard::RetryAfter(std::string_view login,
                                                           std::string_view address) {
  std::lock_guard lock(mutex_);
  if (auto wait = Check(LoginKey(login, address), options_.max_failures_per_login)) {
    return wait;
  }
  return Check("address:" + std::string(address), options_.max_failures_per_address);
}

void LoginGuard::Add(const std::string& key) {
  const auto now = clock_.Now();
  auto& entry = failures_[key];
  if (entry.count == 0 || now - entry.window_start >= options_.window) {
    entry = Failures{0, now};
  }
  entry.count += 1;
}

void LoginGuard::RecordFailure(std::string_view login, std::string_view address) {
  std::lock_guard lock(mutex_);
  if (failures_.size() > kSweepAbove) {
    const auto now = clock_.Now();
    std::erase_if(failures_, [&](const auto& item) {
      return now - item.second.window_start >= options_.window;
    });
  }
  Add(LoginKey(login, address));
  Add("address:" + std::string(address));
}

void LoginGuard::RecordSuccess(std::string_view login, std::string_view address) {
  std::lock_guard lock(mutex_);
  failures_.erase(LoginKey(login, address));
}

}  // namespace mobilelink::security
