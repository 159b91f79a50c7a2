#pragma once

// The authentication level of a conversation: which methods verified the customer and when.
// Agents see it in the conversation and in the handoff summary. The flow engine reads from it
// which factors a sensitive change or payment still needs.

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "mobilelink/core/model.hpp"
#include "mobilelink/core/repository.hpp"

namespace mobilelink::security {

/// A way the customer proved who they are. kNone is the level of an unverified conversation.
enum class AuthMethod { kNone, kOtp, kApp, kLink };

std::string_view ToString(AuthMethod method);
std::optional<AuthMethod> ParseAuthMethod(std::string_view text);

/// One successful verification.
struct AuthVerification {
  AuthMethod method = AuthMethod::kNone;
  std::string subject;  // App user id for kApp; empty otherwise.
  core::TimePoint verified_at;
};

/// The persistence port of verifications. Runs on the unit of work it was opened on.
class AuthLevelRepository {
 public:
  virtual ~AuthLevelRepository() = default;
  /// Inserts or replaces the conversation's verification by `verification.method`.
  virtual void Upsert(std::int64_t conversation_id, const AuthVerification& verification) = 0;
  /// Lists the conversation's verifications, most recent first.
  virtual std::vector<AuthVerification> List(std::int64_t conversation_id) = 0;
};

std::unique_ptr<AuthLevelRepository> OpenAuthLevelRepository(core::Repository& unit);

/// The level shown to agents: the most recent verification, or kNone with no time.
struct AuthLevel {
  AuthMethod method = AuthMethod::kNone;
  std::optional<core::TimePoint> verified_at;
};

/// Returns the conversation's current level.
AuthLevel GetAuthLevel(core::Repository& unit, std::int64_t conversation_id);

/// Returns the level for people: "none", or the method and the UTC time, such as
/// "otp at 2026-12-04 18:40 UTC".
std::string DescribeAuthLevel(core::Repository& unit, std::int64_t conversation_id);

/// Records a successful verification and appends auth.verified {method}. The conversation must
/// exist.
void RecordVerification(core::Repository& unit, const core::Conversation& conversation,
                        const AuthVerification& verification);

/// Appends auth.failed {method, reason} for the conversation.
void RecordFailure(core::Repository& unit, const core::Conversation& conversation,
                   AuthMethod method, std::string_view reason, core::TimePoint now);

/// Returns whether the conversation has a verification by `method` at or after `since`.
bool HasVerification(core::Repository& unit, std::int64_t conversation_id, AuthMethod method,
                     core::TimePoint since);

/// The factors that a sensitive change or payment needs: an OTP always, and an app-linked token
/// too when the conversation's latest inbox is an in-app chat inbox.
struct ConfirmationPolicy {
  std::set<std::string, std::less<>> in_app_inboxes;
};

/// Returns the factors of `policy` that have no verification at or after `since` (the start of
/// the confirmation), in the order otp, app. Empty means the change may go ahead.
std::vector<AuthMethod> MissingFactors(core::Repository& unit,
                                       const core::Conversation& conversation,
                                       const ConfirmationPolicy& policy, core::TimePoint since);

/// Appends auth.confirmed {action, factors} once every factor is present. Returns false and
/// appends nothing when a factor is still missing.
bool RecordConfirmation(core::Repository& unit, const core::Conversation& conversation,
                        const ConfirmationPolicy& policy, std::string_view action,
                        core::TimePoint since, core::TimePoint now);

}  // namespace mobilelink::security
