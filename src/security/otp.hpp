#pragma once

// One-time passcodes sent to a conversation's contact (over SMS in the flows). A code is six
// decimal digits from libsodium's randombytes. The store keeps only a keyed BLAKE2b hash of the
// code with a per-code salt. Six digits are only a million values, so an unkeyed hash in a
// copied database file could be reversed by trying every value.
//
// Issue and Verify run inside a unit of work, so the code row, the events and the
// authentication level commit together.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "mobilelink/core/model.hpp"
#include "mobilelink/core/repository.hpp"

namespace mobilelink::security {

/// | key | meaning | unit | default |
/// | --- | --- | --- | --- |
/// | ttl | how long a code is valid after it is issued | seconds | 300 |
/// | max_attempts | wrong entries after which the code is locked | count | 3 |
/// | max_codes_per_window | codes issued to one contact, and sent to one phone number, within `rate_window` | count | 3 |
/// | rate_window | the window of the issue rate limit | seconds | 900 |
/// | hash_key | key of the stored code hashes; random per process when empty | text | empty |
struct OtpOptions {
  std::chrono::seconds ttl{300};
  int max_attempts = 3;
  int max_codes_per_window = 3;
  std::chrono::seconds rate_window{900};
  std::string hash_key;
};

/// A stored code. `code_hash` and `salt` are lowercase hex.
struct OtpRecord {
  std::int64_t id = 0;
  std::int64_t conversation_id = 0;
  std::int64_t contact_id = 0;
  std::string recipient;  // The phone number the code was sent to, E.164.
  std::string code_hash;
  std::string salt;
  std::string state;  // active, verified, expired, locked, replaced.
  int attempts = 0;   // Wrong entries so far.
  core::TimePoint created_at;
  core::TimePoint expires_at;
};

/// The codes issued within a rate window: how many, and when the oldest of them was issued.
struct IssuedCodes {
  int count = 0;
  std::optional<core::TimePoint> oldest;
};

/// The persistence port of the passcodes. Runs on the unit of work it was opened on.
class OtpRepository {
 public:
  virtual ~OtpRepository() = default;
  /// Inserts `record` and sets its id.
  virtual void Insert(OtpRecord& record) = 0;
  /// Returns the conversation's most recently issued code in any state, if any.
  virtual std::optional<OtpRecord> FindLatest(std::int64_t conversation_id) = 0;
  /// Writes the state and attempts of a code.
  virtual void Update(const OtpRecord& record) = 0;
  /// Marks every active code of the conversation as replaced.
  virtual void ReplaceActive(std::int64_t conversation_id) = 0;
  /// Returns the codes issued to the contact after `since`.
  virtual IssuedCodes IssuedToContactSince(std::int64_t contact_id, core::TimePoint since) = 0;
  /// Returns the codes sent to the phone number `recipient` after `since`.
  virtual IssuedCodes IssuedToRecipientSince(const std::string& recipient,
                                             core::TimePoint since) = 0;
};

/// Opens the port on the same connection and transaction as `unit`.
std::unique_ptr<OtpRepository> OpenOtpRepository(core::Repository& unit);

enum class OtpIssueError { kNone, kConversationNotFound, kRateLimited };

struct OtpIssueResult {
  OtpIssueError error = OtpIssueError::kNone;
  std::string code;  // The plain code to send; empty on error. Never store or log it.
  core::TimePoint expires_at;
  std::optional<core::TimePoint> retry_at;  // For kRateLimited: when the next code is allowed.
  [[nodiscard]] bool ok() const { return error == OtpIssueError::kNone; }
};

enum class OtpVerifyResult { kOk, kWrong, kExpired, kLocked, kNone };

std::string_view ToString(OtpIssueError error);
std::string_view ToString(OtpVerifyResult result);

/// Thread safe: holds only its options and key.
class OtpService final {
 public:
  /// Throws std::invalid_argument when an option is out of range.
  explicit OtpService(OtpOptions options);

  /// Issues a new code for the conversation's contact, to be sent to the phone number
  /// `recipient`, replacing the conversation's active code. Returns kRateLimited when the
  /// contact or the recipient already got max_codes_per_window codes in the window. Appends
  /// auth.otp_sent.
  OtpIssueResult Issue(core::Repository& unit, std::int64_t conversation_id,
                       const std::string& recipient, core::TimePoint now) const;

  /// Checks `code` against the conversation's latest code. A code is valid while
  /// now < expires_at. The entry that uses up the last attempt returns kLocked, and so does
  /// every later entry until a new code is issued. A code already used, or no code, gives kNone.
  /// On kOk the conversation's authentication level becomes otp. Appends auth.verified or
  /// auth.failed.
  OtpVerifyResult Verify(core::Repository& unit, std::int64_t conversation_id,
                         std::string_view code, core::TimePoint now) const;

  [[nodiscard]] const OtpOptions& Options() const { return options_; }

 private:
  [[nodiscard]] std::string HashCode(std::string_view code, std::string_view salt_hex) const;

  OtpOptions options_;
  std::string key_;  // Raw bytes of the BLAKE2b key.
};

}  // namespace mobilelink::security
