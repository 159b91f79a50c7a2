// The SQLite implementation of customers::CustomerRepository, on the connection and
// transaction of the conversation core's unit of work.

#include "mobilelink/customers/customer.hpp"
#include "mobilelink/store/sqlite_repository.hpp"

namespace mobilelink::store {

namespace {

#define PROFILE_COLUMNS                                                                     \
  "id, external_id, phone, name, tier, address, email, balance_cents, currency, card_status, " \
  "updated_at"

constexpr Query kFindProfileByExternalId{
    "find_customer_by_external_id",
    "SELECT " PROFILE_COLUMNS " FROM customer_profiles WHERE external_id = ?1"};
constexpr Query kFindProfileByPhone{"find_customer_by_phone",
                                    "SELECT " PROFILE_COLUMNS
                                    " FROM customer_profiles WHERE phone = ?1 AND phone != '' "
                                    "ORDER BY updated_at DESC, id DESC LIMIT 1"};
constexpr Query kUpsertProfile{
    "upsert_customer",
    "INSERT INTO customer_profiles (external_id, phone, name, tier, address, email, "
    "balance_cents, currency, card_status, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
    "ON CONFLICT (external_id) DO UPDATE SET phone = excluded.phone, name = excluded.name, "
    "tier = excluded.tier, address = excluded.address, email = excluded.email, "
    "balance_cents = excluded.balance_cents, currency = excluded.currency, "
    "card_status = excluded.card_status, updated_at = excluded.updated_at "
    "RETURNING id"};
constexpr Query kUpsertTransaction{
    "upsert_customer_transaction",
    "INSERT INTO customer_transactions (customer_external_id, external_id, kind, status, "
    "amount_cents, currency, description, occurred_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
    "ON CONFLICT (customer_external_id, kind, external_id) DO UPDATE SET "
    "status = excluded.status, amount_cents = excluded.amount_cents, "
    "currency = excluded.currency, description = excluded.description, "
    "occurred_at = excluded.occurred_at"};
constexpr Query kListTransactions{
    "list_customer_transactions",
    "SELECT customer_external_id, external_id, kind, status, amount_cents, currency, "
    "description, occurred_at FROM customer_transactions "
    "WHERE customer_external_id = ?1 AND (?2 = '' OR kind = ?2) "
    "ORDER BY occurred_at DESC, id DESC LIMIT ?3"};

constexpr Query kLinkContact{
    "link_contact_to_customer",
    "INSERT INTO customer_links (contact_id, customer_external_id, linked_at) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (contact_id) DO UPDATE SET customer_external_id = excluded.customer_external_id, "
    "linked_at = excluded.linked_at"};
constexpr Query kFindLinkedProfile{
    "find_linked_customer",
    "SELECT " PROFILE_COLUMNS " FROM customer_profiles WHERE external_id = "
    "(SELECT customer_external_id FROM customer_links WHERE contact_id = ?1)"};
constexpr Query kFindProfileByContactPhone{
    "find_customer_by_contact_phone",
    "SELECT " PROFILE_COLUMNS " FROM customer_profiles WHERE phone != '' AND phone IN "
    "(SELECT value FROM contact_identities WHERE contact_id = ?1 AND kind = 'phone') "
    "ORDER BY updated_at DESC, id DESC LIMIT 1"};

customers::CustomerProfile ReadProfile(const Statement& row) {
  customers::CustomerProfile profile;
  profile.id = row.Int(0);
  profile.external_id = row.Text(1);
  profile.phone = row.Text(2);
  profile.name = row.Text(3);
  profile.tier = row.Text(4);
  profile.address = row.Text(5);
  profile.email = row.Text(6);
  profile.balance_cents = row.Int(7);
  profile.currency = row.Text(8);
  profile.card_status = row.Text(9);
  profile.updated_at = FromMillis(row.Int(10));
  return profile;
}

class SqliteCustomerRepository final : public customers::CustomerRepository {
 public:
  explicit SqliteCustomerRepository(Connection& db) : db_(db) {}

  // customers::CustomerRepository
  std::optional<customers::CustomerProfile> FindByExternalId(
      std::string_view external_id) override {
    auto statement = db_.Prepare(kFindProfileByExternalId);
    statement.Bind(1, external_id);
    if (!statement.Step()) {
      return std::nullopt;
    }
    return ReadProfile(statement);
  }

  std::optional<customers::CustomerProfile> FindByPhone(std::string_view phone) override {
    auto statement = db_.Prepare(kFindProfileByPhone);
    statement.Bind(1, phone);
    if (!statement.Step()) {
      return std::nullopt;
    }
    return ReadProfile(statement);
  }

  void UpsertProfile(customers::CustomerProfile& profile) override {
    auto statement = db_.Prepare(kUpsertProfile);
    statement.Bind(1, profile.external_id)
        .Bind(2, profile.phone)
        .Bind(3, profile.name)
        .Bind(4, profile.tier)
        .Bind(5, profile.address)
        .Bind(6, profile.email)
        .Bind(7, profile.balance_cents)
        .Bind(8, profile.currency)
        .Bind(9, profile.card_status)
        .Bind(10, ToMillis(profile.updated_at));
    if (statement.Step()) {
      profile.id = statement.Int(0);
    }
  }

  void UpsertTransaction(const customers::Transaction& transaction) override {
    auto statement = db_.Prepare(kUpsertTransaction);
    statement.Bind(1, transaction.customer_external_id)
        .Bind(2, transaction.external_id)
        .Bind(3, customers::ToString(transaction.kind))
        .Bind(4, transaction.status)
        .Bind(5, transaction.amount_cents)
        .Bind(6, transaction.currency)
        .Bind(7, transaction.description)
        .Bind(8, ToMillis(transaction.occurred_at));
    statement.Run();
  }

  void LinkContact(std::int64_t contact_id, std::string_view external_id,
                   core::TimePoint now) override {
    db_.Prepare(kLinkContact).Bind(1, contact_id).Bind(2, external_id).Bind(3, ToMillis(now)).Run();
  }

  std::optional<customers::CustomerProfile> FindForContact(std::int64_t contact_id) override {
    for (const Query* query : {&kFindLinkedProfile, &kFindProfileByContactPhone}) {
      auto statement = db_.Prepare(*query);
      statement.Bind(1, contact_id);
      if (statement.Step()) {
        return ReadProfile(statement);
      }
    }
    return std::nullopt;
  }

  std::vector<customers::Transaction> ListTransactions(
      std::string_view customer_external_id, std::optional<customers::TransactionKind> kind,
      int limit) override {
    auto statement = db_.Prepare(kListTransactions);
    statement.Bind(1, customer_external_id)
        .Bind(2, kind ? customers::ToString(*kind) : std::string_view())
        .Bind(3, limit);
    std::vector<customers::Transaction> transactions;
    while (statement.Step()) {
      customers::Transaction transaction;
      transaction.customer_external_id = statement.Text(0);
      transaction.external_id = statement.Text(1);
      transaction.kind =
          customers::ParseTransactionKind(statement.Text(2)).value_or(customers::TransactionKind::kOrder);
      transaction.status = statement.Text(3);
      transaction.amount_cents = statement.Int(4);
      transaction.currency = statement.Text(5);
      transaction.description = statement.Text(6);
      transaction.occurred_at = FromMillis(statement.Int(7));
      transactions.push_back(std::move(transaction));
    }
    return transactions;
  }

 private:
  Connection& db_;
};

}  // namespace

}  // namespace mobilelink::store

namespace mobilelink::customers {

std::unique_ptr<CustomerRepository> OpenCustomerRepository(core::Repository& unit) {
  return std::make_unique<store::SqliteCustomerRepository>(
      static_cast<store::SqliteRepository&>(unit).Db());
}

}  // namespace mobilelink::customers
