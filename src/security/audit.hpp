#pragma once

// The tamper-evident audit log. Each row stores the SHA-256 of the previous row's hash and its
// own content, so editing a row, or deleting any row but the newest, breaks the chain at that
// row or the next one. Rows are appended inside the transaction of the change they record.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mobilelink/core/model.hpp"
#include "mobilelink/core/repository.hpp"

namespace mobilelink::security {

/// The kind of actor behind a read or change.
enum class ActorKind { kAgent, kCustomer, kBot, kApiClient, kSystem };

std::string_view ToString(ActorKind kind);

/// One audit row. old_value and new_value are stored masked (see MaskValue) unless
/// `mask_values` is false.
struct AuditRecord {
  std::int64_t id = 0;
  ActorKind actor_kind = ActorKind::kSystem;
  std::string actor_id;  // Agent id, contact id, API client id; empty for the bot and system.
  std::string action;    // Dotted verb phrase: transcript.read, profile.updated, card.frozen.
  std::string target;    // The touched object: "conversation:12", "contact:5", "address".
  std::string old_value;
  std::string new_value;
  std::string channel;  // Channel of the conversation, or "api" for the agent API.
  std::optional<std::int64_t> conversation_id;
  core::TimePoint occurred_at;
  std::string prev_hash;  // Lowercase hex; 64 zeros for the first row.
  std::string hash;
  // False for values that are no customer data, such as agent ids, team ids and priorities:
  // AppendAudit then masks only card numbers in them. Not stored.
  bool mask_values = true;
};

/// The persistence port of the audit log. Runs on the unit of work it was opened on.
class AuditRepository {
 public:
  virtual ~AuditRepository() = default;
  /// Returns the id and hash of the newest row.
  virtual std::optional<std::pair<std::int64_t, std::string>> Last() = 0;
  /// Inserts `record` with its id already set.
  virtual void Insert(const AuditRecord& record) = 0;
  /// Lists rows with id greater than `after_id`, oldest first.
  virtual std::vector<AuditRecord> ListAfter(std::int64_t after_id, int limit) = 0;
  /// Lists a conversation's rows, oldest first.
  virtual std::vector<AuditRecord> ListForConversation(std::int64_t conversation_id, int limit) = 0;
};

std::unique_ptr<AuditRepository> OpenAuditRepository(core::Repository& unit);

/// Masks a value for the log: card numbers first, then every character except the first and the
/// last two (all of them when the value has 6 characters or fewer). Counts UTF-8 code points.
std::string MaskValue(std::string_view value);

/// Masks the values of `record` (see mask_values), chains it to the newest row and appends it. Sets id, hash and
/// prev_hash. Runs on the single writer, so two appends never share a predecessor.
void AppendAudit(core::Repository& unit, AuditRecord& record);

/// Returns the SHA-256 (lowercase hex) of a row's prev_hash and content.
std::string HashAuditRecord(const AuditRecord& record);

struct AuditChainReport {
  bool ok = true;
  std::int64_t rows_checked = 0;
  std::optional<std::int64_t> first_bad_id;
  std::string reason;  // The reason the first bad row fails, for the operator.
};

/// Checks the whole chain, oldest first, and stops at the first bad row.
/// NOTE: deleting the newest rows leaves a shorter chain that still checks out. An operator who
/// needs to detect that keeps the last hash somewhere the database cannot change.
AuditChainReport VerifyAuditChain(core::Repository& unit);

}  // namespace mobilelink::security
