#pragma once

// Customer data that flows and agents read: a profile per customer and its transactions.
// Profiles link to contacts by E.164 phone number or by the business's own customer id
// (`external_id`). Money is kept in minor units (cents) with an ISO 4217 currency code.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mobilelink/core/model.hpp"
#include "mobilelink/core/repository.hpp"

namespace mobilelink::customers {

struct CustomerProfile {
  std::int64_t id = 0;
  std::string external_id;  // The business's customer id; unique.
  std::string phone;        // E.164, or empty.
  std::string name;
  std::string tier;
  std::string address;
  std::string email;
  std::int64_t balance_cents = 0;
  std::string currency;
  std::string card_status;  // active, frozen, or empty when the customer has no card.
  core::TimePoint updated_at;
};

enum class TransactionKind { kOrder, kPayment, kSubscription };

std::string_view ToString(TransactionKind kind);
std::optional<TransactionKind> ParseTransactionKind(std::string_view text);

struct Transaction {
  std::string customer_external_id;
  std::string external_id;  // Order number, payment id or subscription id; unique per kind.
  TransactionKind kind = TransactionKind::kOrder;
  std::string status;
  std::int64_t amount_cents = 0;
  std::string currency;
  std::string description;
  core::TimePoint occurred_at;
};

/// Formats minor units as a decimal amount with two places: 1250 -> "12.50".
std::string FormatCents(std::int64_t cents);
/// Parses a decimal amount with at most two places ("12", "-3.5", "0.07") into minor units.
std::optional<std::int64_t> ParseCents(std::string_view text);

/// The persistence port of customer data. It runs in the caller's unit of work.
class CustomerRepository {
 public:
  virtual ~CustomerRepository() = default;
  virtual std::optional<CustomerProfile> FindByExternalId(std::string_view external_id) = 0;
  /// Returns the most recently updated profile with this E.164 phone number.
  virtual std::optional<CustomerProfile> FindByPhone(std::string_view phone) = 0;
  /// Inserts or replaces the profile with the same external id and sets its id.
  virtual void UpsertProfile(CustomerProfile& profile) = 0;
  /// Inserts or replaces the transaction with the same customer, kind and external id.
  virtual void UpsertTransaction(const Transaction& transaction) = 0;
  /// Records that the contact is this customer; a later link replaces it.
  virtual void LinkContact(std::int64_t contact_id, std::string_view external_id,
                           core::TimePoint now) = 0;
  /// Returns the customer linked to the contact, or else the one with the contact's phone.
  virtual std::optional<CustomerProfile> FindForContact(std::int64_t contact_id) = 0;
  /// Lists a customer's transactions, newest first; `kind` narrows to one kind.
  virtual std::vector<Transaction> ListTransactions(std::string_view customer_external_id,
                                                    std::optional<TransactionKind> kind,
                                                    int limit) = 0;
};

/// Opens the port on the same connection and transaction as `unit`.
std::unique_ptr<CustomerRepository> OpenCustomerRepository(core::Repository& unit);

}  // namespace mobilelink::customers
