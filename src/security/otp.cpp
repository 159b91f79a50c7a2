#include "mobilelink/security/otp.hpp"

#include <algorithm>

#include <stdexcept>

#include <boost/json.hpp>
#include <sodium.h>

#include "mobilelink/events/event_types.hpp"
#include "mobilelink/security/auth_level.hpp"
#include "mobilelink/security/credentials.hpp"

namespace mobilelink::security {

namespace {

constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;

std::string ToHex(const unsigned char* bytes, std::size_t size) {
  std::string hex(size * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, size);
  hex.pop_back();
  return hex;
}

std::string NewCode() {
  // randombytes_uniform has no modulo bias.
  const std::uint32_t value = randombytes_uniform(1000000);
  std::string code = std::to_string(value);
  return std::string(6 - code.size(), '0') + code;
}

std::int64_t Millis(core::TimePoint time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

bool IsSixDigits(std::string_view code) {
  if (code.size() != 6) {
    return false;
  }
  for (char c : code) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string_view ToString(OtpIssueError error) {
  switch (error) {
    case OtpIssueError::kNone:
      return "none";
    case OtpIssueError::kConversationNotFound:
      return "conversation_not_found";
    case OtpIssueError::kRateLimited:
      return "rate_limited";
  }
  return "unknown";
}

std::string_view ToString(OtpVerifyResult result) {
  switch (result) {
    case OtpVerifyResult::kOk:
      return "ok";
    case OtpVerifyResult::kWrong:
      return "wrong";
    case OtpVerifyResult::kExpired:
      return "expired";
    case OtpVerifyResult::kLocked:
      return "locked";
    case OtpVerifyResult::kNone:
      return "none";
  }
  return "unknown";
}

OtpService::OtpService(OtpOptions options) : options_(std::move(options)) {
  InitCrypto();
  if (options_.ttl.count() < 1 || options_.max_attempts < 1 || options_.max_codes_per_window < 1 ||
      options_.rate_window.count() < 1) {
    throw std::invalid_argument(
        "OTP options: ttl, max_attempts, max_codes_per_window and "
        "rate_window must be at least 1");
  }
  // The configured key is hashed to the BLAKE2b key size, so any length of text works.
  unsigned char key[crypto_generichash_KEYBYTES];
  if (options_.hash_key.empty()) {
    randombytes_buf(key, sizeof key);
  } else {
    crypto_generichash(key, sizeof key,
                       reinterpret_cast<const unsigned char*>(options_.hash_key.data()),
                       options_.hash_key.size(), nullptr, 0);
  }
  key_.assign(reinterpret_cast<const char*>(key), sizeof key);
  sodium_memzero(key, sizeof key);
}

std::string OtpService::HashCode(std::string_view code, std::string_view salt_hex) const {
  const std::string input = std::string(salt_hex) + ":" + std::string(code);
  unsigned char digest[kHashBytes];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size(), reinterpret_cast<const unsigned char*>(key_.data()),
                     key_.size());
  return ToHex(digest, sizeof digest);
}

OtpIssueResult OtpService::Issue(core::Repository& unit, std::int64_t conversation_id,
                                 const std::string& recipient, core::TimePoint now) const {
  OtpIssueResult result;
  const auto conversation = unit.GetConversation(conversation_id);
  if (!conversation) {
    result.error = OtpIssueError::kConversationNotFound;
    return result;
  }
  auto codes = OpenOtpRepository(unit);
  const core::TimePoint window_start = now - options_.rate_window;
  for (const IssuedCodes& issued : {codes->IssuedToContactSince(conversation->contact_id, window_start),
                                    codes->IssuedToRecipientSince(recipient, window_start)}) {
    if (issued.count < options_.max_codes_per_window) {
      continue;
    }
    result.error = OtpIssueError::kRateLimited;
    // The window slides, so the next code is allowed once the oldest code in it leaves.
    const core::TimePoint retry_at = issued.oldest.value_or(now) + options_.rate_window;
    result.retry_at = std::max(result.retry_at.value_or(retry_at), retry_at);
  }
  if (result.error == OtpIssueError::kRateLimited) {
    return result;
  }
  codes->ReplaceActive(conversation_id);

  unsigned char salt[kSaltBytes];
  randombytes_buf(salt, sizeof salt);
  OtpRecord record;
  record.conversation_id = conversation_id;
  record.contact_id = conversation->contact_id;
  record.recipient = recipient;
  record.salt = ToHex(salt, sizeof salt);
  result.code = NewCode();
  record.code_hash = HashCode(result.code, record.salt);
  record.state = "active";
  record.created_at = now;
  record.expires_at = now + options_.ttl;
  codes->Insert(record);
  result.expires_at = record.expires_at;

  core::Event event;
  event.type = std::string(events::kAuthOtpSent);
  event.conversation_id = conversation_id;
  event.contact_id = conversation->contact_id;
  event.inbox_id = conversation->last_inbox_id;
  event.data_json =
      boost::json::serialize(boost::json::object{{"expires_at", Millis(record.expires_at)}});
  event.occurred_at = now;
  unit.AppendEvent(event);
  return result;
}

OtpVerifyResult OtpService::Verify(core::Repository& unit, std::int64_t conversation_id,
                                   std::string_view code, core::TimePoint now) const {
  const auto conversation = unit.GetConversation(conversation_id);
  if (!conversation) {
    return OtpVerifyResult::kNone;
  }
  auto codes = OpenOtpRepository(unit);
  auto record = codes->FindLatest(conversation_id);
  auto fail = [&](OtpVerifyResult result) {
    RecordFailure(unit, *conversation, AuthMethod::kOtp, ToString(result), now);
    return result;
  };
  if (!record || record->state == "verified" || record->state == "replaced") {
    return fail(OtpVerifyResult::kNone);
  }
  if (record->state == "locked") {
    return fail(OtpVerifyResult::kLocked);
  }
  if (record->state == "expired") {
    return fail(OtpVerifyResult::kExpired);
  }
  if (now >= record->expires_at) {
    record->state = "expired";
    codes->Update(*record);
    return fail(OtpVerifyResult::kExpired);
  }

  const std::string hash =
      HashCode(IsSixDigits(code) ? code : std::string_view("invalid"), record->salt);
  const bool match = hash.size() == record->code_hash.size() &&
                     sodium_memcmp(hash.data(), record->code_hash.data(), hash.size()) == 0;
  if (match) {
    record->state = "verified";
    codes->Update(*record);
    RecordVerification(unit, *conversation, {AuthMethod::kOtp, "", now});
    return OtpVerifyResult::kOk;
  }
  ++record->attempts;
  if (record->attempts >= options_.max_attempts) {
    record->state = "locked";
    codes->Update(*record);
    return fail(OtpVerifyResult::kLocked);
  }
  codes->Update(*record);
  return fail(OtpVerifyResult::kWrong);
}

}  // namespace mobilelink::security
