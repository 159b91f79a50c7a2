// SQLite implementations of the security layer's authentication ports: one-time passcodes,
// verifications and signed links. They run on the unit of work's own connection and transaction.

#include "mobilelink/security/auth_level.hpp"
#include "mobilelink/security/otp.hpp"
#include "mobilelink/security/signed_link.hpp"
#include "mobilelink/store/sqlite_repository.hpp"

namespace mobilelink::store {

namespace {

constexpr Query kInsertOtp{
    "insert_otp",
    "INSERT INTO otp_codes (conversation_id, contact_id, code_hash, salt, state, attempts, "
    "created_at, expires_at, recipient) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"};
constexpr Query kFindLatestOtp{
    "find_latest_otp",
    "SELECT id, conversation_id, contact_id, code_hash, salt, state, attempts, created_at, "
    "expires_at, recipient FROM otp_codes WHERE conversation_id = ?1 ORDER BY id DESC LIMIT 1"};
constexpr Query kUpdateOtp{"update_otp",
                           "UPDATE otp_codes SET state = ?2, attempts = ?3 WHERE id = ?1"};
constexpr Query kReplaceActiveOtp{
    "replace_active_otp",
    "UPDATE otp_codes SET state = 'replaced' WHERE conversation_id = ?1 AND state = 'active'"};
constexpr Query kCountOtpSince{
    "count_otp_since",
    "SELECT COUNT(*), MIN(created_at) FROM otp_codes WHERE contact_id = ?1 AND created_at > ?2"};
constexpr Query kCountOtpToRecipientSince{
    "count_otp_to_recipient_since",
    "SELECT COUNT(*), MIN(created_at) FROM otp_codes WHERE recipient = ?1 AND created_at > ?2"};

constexpr Query kUpsertVerification{
    "upsert_verification",
    "INSERT INTO auth_verifications (conversation_id, method, subject, verified_at) "
    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (conversation_id, method) "
    "DO UPDATE SET subject = excluded.subject, verified_at = excluded.verified_at"};
constexpr Query kListVerifications{
    "list_verifications",
    "SELECT method, subject, verified_at FROM auth_verifications WHERE conversation_id = ?1 "
    "ORDER BY verified_at DESC, rowid DESC"};

constexpr Query kInsertSignedLink{
    "insert_signed_link",
    "INSERT INTO signed_links (token_hash, conversation_id, purpose, created_at, expires_at, "
    "recipient) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"};
constexpr Query kFindSignedLink{
    "find_signed_link",
    "SELECT token_hash, conversation_id, purpose, created_at, expires_at, used_at "
    "FROM signed_links WHERE token_hash = ?1"};
constexpr Query kCountLinksToRecipientSince{
    "count_links_to_recipient_since",
    "SELECT COUNT(*) FROM signed_links WHERE recipient = ?1 AND created_at > ?2"};
constexpr Query kMarkSignedLinkUsed{
    "mark_signed_link_used",
    "UPDATE signed_links SET used_at = ?2 WHERE token_hash = ?1 AND used_at IS NULL"};

// Reads the COUNT(*) and MIN(created_at) row of a count_otp query.
security::IssuedCodes ReadIssued(Statement& statement) {
  security::IssuedCodes issued;
  if (statement.Step()) {
    issued.count = static_cast<int>(statement.Int(0));
    if (!statement.IsNull(1)) {
      issued.oldest = FromMillis(statement.Int(1));
    }
  }
  return issued;
}

class SqliteOtpRepository final : public security::OtpRepository {
 public:
  explicit SqliteOtpRepository(Connection& db) : db_(db) {}

  void Insert(security::OtpRecord& record) override {
    db_.Prepare(kInsertOtp)
        .Bind(1, record.conversation_id)
        .Bind(2, record.contact_id)
        .Bind(3, record.code_hash)
        .Bind(4, record.salt)
        .Bind(5, record.state)
        .Bind(6, record.attempts)
        .Bind(7, ToMillis(record.created_at))
        .Bind(8, ToMillis(record.expires_at))
        .Bind(9, record.recipient)
        .Run();
    record.id = db_.LastInsertId();
  }

  std::optional<security::OtpRecord> FindLatest(std::int64_t conversation_id) override {
    auto statement = db_.Prepare(kFindLatestOtp);
    statement.Bind(1, conversation_id);
    if (!statement.Step()) {
      return std::nullopt;
    }
    security::OtpRecord record;
    record.id = statement.Int(0);
    record.conversation_id = statement.Int(1);
    record.contact_id = statement.Int(2);
    record.code_hash = statement.Text(3);
    record.salt = statement.Text(4);
    record.state = statement.Text(5);
    record.attempts = static_cast<int>(statement.Int(6));
    record.created_at = FromMillis(statement.Int(7));
    record.expires_at = FromMillis(statement.Int(8));
    record.recipient = statement.Text(9);
    return record;
  }

  void Update(const security::OtpRecord& record) override {
    db_.Prepare(kUpdateOtp).Bind(1, record.id).Bind(2, record.state).Bind(3, record.attempts).Run();
  }

  void ReplaceActive(std::int64_t conversation_id) override {
    db_.Prepare(kReplaceActiveOtp).Bind(1, conversation_id).Run();
  }

  security::IssuedCodes IssuedToContactSince(std::int64_t contact_id,
                                             core::TimePoint since) override {
    auto statement = db_.Prepare(kCountOtpSince);
    statement.Bind(1, contact_id).Bind(2, ToMillis(since));
    return ReadIssued(statement);
  }

  security::IssuedCodes IssuedToRecipientSince(const std::string& recipient,
                                               core::TimePoint since) override {
    auto statement = db_.Prepare(kCountOtpToRecipientSince);
    statement.Bind(1, recipient).Bind(2, ToMillis(since));
    return ReadIssued(statement);
  }

 private:
  Connection& db_;
};

class SqliteAuthLevelRepository final : public security::AuthLevelRepository {
 public:
  explicit SqliteAuthLevelRepository(Connection& db) : db_(db) {}

  void Upsert(std::int64_t conversation_id,
              const security::AuthVerification& verification) override {
    db_.Prepare(kUpsertVerification)
        .Bind(1, conversation_id)
        .Bind(2, security::ToString(verification.method))
        .Bind(3, verification.subject)
        .Bind(4, ToMillis(verification.verified_at))
        .Run();
  }

  std::vector<security::AuthVerification> List(std::int64_t conversation_id) override {
    auto statement = db_.Prepare(kListVerifications);
    statement.Bind(1, conversation_id);
    std::vector<security::AuthVerification> verifications;
    while (statement.Step()) {
      const auto method = security::ParseAuthMethod(statement.Text(0));
      if (!method) {
        continue;
      }
      verifications.push_back({*method, statement.Text(1), FromMillis(statement.Int(2))});
    }
    return verifications;
  }

 private:
  Connection& db_;
};

class SqliteSignedLinkRepository final : public security::SignedLinkRepository {
 public:
  explicit SqliteSignedLinkRepository(Connection& db) : db_(db) {}

  void Insert(const security::SignedLinkRecord& record) override {
    db_.Prepare(kInsertSignedLink)
        .Bind(1, record.token_hash)
        .Bind(2, record.conversation_id)
        .Bind(3, record.purpose)
        .Bind(4, ToMillis(record.created_at))
        .Bind(5, ToMillis(record.expires_at))
        .Bind(6, record.recipient)
        .Run();
  }

  int CountSentToSince(const std::string& recipient, core::TimePoint since) override {
    auto statement = db_.Prepare(kCountLinksToRecipientSince);
    statement.Bind(1, recipient).Bind(2, ToMillis(since));
    return statement.Step() ? static_cast<int>(statement.Int(0)) : 0;
  }

  std::optional<security::SignedLinkRecord> Find(std::string_view token_hash) override {
    auto statement = db_.Prepare(kFindSignedLink);
    statement.Bind(1, token_hash);
    if (!statement.Step()) {
      return std::nullopt;
    }
    security::SignedLinkRecord record;
    record.token_hash = statement.Text(0);
    record.conversation_id = statement.Int(1);
    record.purpose = statement.Text(2);
    record.created_at = FromMillis(statement.Int(3));
    record.expires_at = FromMillis(statement.Int(4));
    if (!statement.IsNull(5)) {
      record.used_at = FromMillis(statement.Int(5));
    }
    return record;
  }

  bool MarkUsed(std::string_view token_hash, core::TimePoint now) override {
    db_.Prepare(kMarkSignedLinkUsed).Bind(1, token_hash).Bind(2, ToMillis(now)).Run();
    return db_.Changes() == 1;
  }

 private:
  Connection& db_;
};

}  // namespace

}  // namespace mobilelink::store

namespace mobilelink::security {

std::unique_ptr<OtpRepository> OpenOtpRepository(core::Repository& unit) {
  return std::make_unique<store::SqliteOtpRepository>(
      static_cast<store::SqliteRepository&>(unit).Db());
}

std::unique_ptr<SignedLinkRepository> OpenSignedLinkRepository(core::Repository& unit) {
  return std::make_unique<store::SqliteSignedLinkRepository>(
      static_cast<store::SqliteRepository&>(unit).Db());
}

std::unique_ptr<AuthLevelRepository> OpenAuthLevelRepository(core::Repository& unit) {
  return std::make_unique<store::SqliteAuthLevelRepository>(
      static_cast<store::SqliteRepository&>(unit).Db());
}

}  // namespace mobilelink::security
