#pragma once

// Parsing and applying imports of customer data, from the JSON of
// POST /api/v1/customers:import and from CSV files. An import is all-or-nothing: every record
// is checked first, and nothing is written when any record has an error.
//
// Fields, the same in JSON and in CSV headers:
// - customers: customer_id (required), phone (E.164), name, tier, address, email, balance
//   (decimal such as 12.50), currency (ISO 4217, three letters), card_status (active, frozen);
// - transactions: customer_id (required), id (required), kind (order, payment, subscription;
//   required), status (required), amount (decimal), currency, description, occurred_at
//   (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ; required).

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "mobilelink/customers/customer.hpp"

namespace mobilelink::customers {

/// One invalid record: where it is ("line 4", "customers[2]"), which field and why.
struct ImportError {
  std::string location;
  std::string field;
  std::string reason;
};

struct ImportBatch {
  std::vector<CustomerProfile> profiles;
  std::vector<Transaction> transactions;
  std::vector<std::string> transaction_locations;  // Where each transaction came from.
};

struct ImportParse {
  ImportBatch batch;
  std::vector<ImportError> errors;
};

/// Most records one import takes; larger files are split by the caller.
inline constexpr std::size_t kMaxImportRecords = 100000;

/// Parses {"customers": [...], "transactions": [...]}; either list may be absent.
ImportParse ParseImportJson(std::string_view body);

/// Parses an RFC 4180 CSV file with a header row. A header with a `kind` column is a
/// transactions file; any other is a customers file.
ImportParse ParseImportCsv(std::string_view text);

/// Builds a profile from field texts named as in a customers import; appends one error per
/// invalid field, located at `location`. The CRM connector maps its JSON into the same fields.
CustomerProfile ProfileFromFields(const std::map<std::string, std::string>& fields,
                                  const std::string& location, std::vector<ImportError>& errors);
/// Builds a transaction from field texts named as in a transactions import.
Transaction TransactionFromFields(const std::map<std::string, std::string>& fields,
                                  const std::string& location, std::vector<ImportError>& errors);

/// Checks that every transaction names a customer in the batch or already stored, then writes
/// the batch. Returns the errors and writes nothing when there are any.
std::vector<ImportError> ApplyImport(CustomerRepository& repository, ImportBatch batch,
                                     core::TimePoint now);

/// Formats errors one a line: "line 4: phone: must be E.164 ...".
std::string DescribeErrors(const std::vector<ImportError>& errors);

}  // namespace mobilelink::customers
