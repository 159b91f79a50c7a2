// SQLite implementation of the audit log port, on the unit of work's own connection and
// transaction.

#include "mobilelink/security/audit.hpp"
#include "mobilelink/store/sqlite_repository.hpp"

namespace mobilelink::store {

namespace {

constexpr Query kLastAudit{"last_audit", "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1"};
constexpr Query kInsertAudit{
    "insert_audit",
    "INSERT INTO audit_log (id, actor_kind, actor_id, action, target, old_value, new_value, "
    "channel, conversation_id, occurred_at, prev_hash, hash) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"};
#define AUDIT_COLUMNS                                                                \
  "SELECT id, actor_kind, actor_id, action, target, old_value, new_value, channel, " \
  "conversation_id, occurred_at, prev_hash, hash FROM audit_log "
constexpr Query kListAuditAfter{"list_audit_after",
                                AUDIT_COLUMNS "WHERE id > ?1 ORDER BY id LIMIT ?2"};
constexpr Query kListAuditForConversation{
    "list_audit_for_conversation", AUDIT_COLUMNS "WHERE conversation_id = ?1 ORDER BY id LIMIT ?2"};
#undef AUDIT_COLUMNS

security::ActorKind ParseActorKind(const std::string& text) {
  for (auto kind : {security::ActorKind::kAgent, security::ActorKind::kCustomer,
                    security::ActorKind::kBot, security::ActorKind::kApiClient}) {
    if (security::ToString(kind) == text) {
      return kind;
    }
  }
  return security::ActorKind::kSystem;
}

class SqliteAuditRepository final : public security::AuditRepository {
 public:
  explicit SqliteAuditRepository(Connection& db) : db_(db) {}

  std::optional<std::pair<std::int64_t, std::string>> Last() override {
    auto statement = db_.Prepare(kLastAudit);
    if (!statement.Step()) {
      return std::nullopt;
    }
    return std::make_pair(statement.Int(0), statement.Text(1));
  }

  void Insert(const security::AuditRecord& record) override {
    db_.Prepare(kInsertAudit)
        .Bind(1, record.id)
        .Bind(2, security::ToString(record.actor_kind))
        .Bind(3, record.actor_id)
        .Bind(4, record.action)
        .Bind(5, record.target)
        .Bind(6, record.old_value)
        .Bind(7, record.new_value)
        .Bind(8, record.channel)
        .Bind(9, record.conversation_id)
        .Bind(10, ToMillis(record.occurred_at))
        .Bind(11, record.prev_hash)
        .Bind(12, record.hash)
        .Run();
  }

  std::vector<security::AuditRecord> ListAfter(std::int64_t after_id, int limit) override {
    auto statement = db_.Prepare(kListAuditAfter);
    statement.Bind(1, after_id).Bind(2, limit);
    return ReadAll(statement);
  }

  std::vector<security::AuditRecord> ListForConversation(std::int64_t conversation_id,
                                                         int limit) override {
    auto statement = db_.Prepare(kListAuditForConversation);
    statement.Bind(1, conversation_id).Bind(2, limit);
    return ReadAll(statement);
  }

 private:
  static std::vector<security::AuditRecord> ReadAll(Statement& statement) {
    std::vector<security::AuditRecord> records;
    while (statement.Step()) {
      security::AuditRecord record;
      record.id = statement.Int(0);
      record.actor_kind = ParseActorKind(statement.Text(1));
      record.actor_id = statement.Text(2);
      record.action = statement.Text(3);
      record.target = statement.Text(4);
      record.old_value = statement.Text(5);
      record.new_value = statement.Text(6);
      record.channel = statement.Text(7);
      record.conversation_id = statement.OptionalInt(8);
      record.occurred_at = FromMillis(statement.Int(9));
      record.prev_hash = statement.Text(10);
      record.hash = statement.Text(11);
      records.push_back(std::move(record));
    }
    return records;
  }

  Connection& db_;
};

}  // namespace

}  // namespace mobilelink::store

namespace mobilelink::security {

std::unique_ptr<AuditRepository> OpenAuditRepository(core::Repository& unit) {
  return std::make_unique<store::SqliteAuditRepository>(
      static_cast<store::SqliteRepository&>(unit).Db());
}

}  // namespace mobilelink::security
