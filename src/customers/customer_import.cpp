#include "mobilelink/customers/customer_import.hpp"

#include <algorithm>
#include <chrono>
#include <set>

#include <boost/json.hpp>

#include "mobilelink/channels/common/phone.hpp"
#include "mobilelink/core/text.hpp"
#include "mobilelink/tools/dataset.hpp"

namespace mobilelink::customers {

namespace json = boost::json;

namespace {

// One input record as field name to text, with its location for error messages.
struct Record {
  std::string location;
  std::map<std::string, std::string> fields;
};

const std::set<std::string> kProfileFields{"customer_id", "phone",    "name",
                                           "tier",        "address",  "email",
                                           "balance",     "currency", "card_status"};
const std::set<std::string> kTransactionFields{"customer_id", "id",       "kind",
                                               "status",      "amount",   "currency",
                                               "description", "occurred_at"};

// Collects the errors of one record.
class RecordReader {
 public:
  RecordReader(const Record& record, std::vector<ImportError>& errors)
      : record_(record), errors_(errors) {}

  std::string Get(const std::string& field, bool required) {
    const auto found = record_.fields.find(field);
    std::string value = found == record_.fields.end() ? std::string() : found->second;
    value = core::SanitizeUtf8(value);
    if (required && core::IsBlank(value)) {
      Error(field, "is required");
    }
    return value;
  }

  void Error(const std::string& field, const std::string& reason) {
    errors_.push_back({record_.location, field, reason});
  }

  std::int64_t Money(const std::string& field) {
    const std::string text = Get(field, false);
    if (text.empty()) {
      return 0;
    }
    const auto cents = ParseCents(text);
    if (!cents) {
      Error(field, "'" + text + "' is not a decimal amount with at most two places, such as 12.50");
      return 0;
    }
    return *cents;
  }

  std::string Currency() {
    std::string text = Get("currency", false);
    if (!text.empty() &&
        (text.size() != 3 || text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos)) {
      Error("currency", "'" + text + "' is not a three-letter ISO 4217 code such as EUR");
    }
    return text;
  }

 private:
  const Record& record_;
  std::vector<ImportError>& errors_;
};

// Parses YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ as UTC.
std::optional<core::TimePoint> ParseTimestamp(std::string_view text) {
  auto number = [&](std::size_t at, std::size_t length) -> std::optional<int> {
    if (at + length > text.size()) {
      return std::nullopt;
    }
    int value = 0;
    for (std::size_t i = at; i < at + length; ++i) {
      if (text[i] < '0' || text[i] > '9') {
        return std::nullopt;
      }
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  if (text.size() != 10 && text.size() != 20) {
    return std::nullopt;
  }
  const auto year = number(0, 4);
  const auto month = number(5, 2);
  const auto day = number(8, 2);
  if (!year || !month || !day || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year(*year),
                                         std::chrono::month(static_cast<unsigned>(*month)),
                                         std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok()) {
    return std::nullopt;
  }
  core::TimePoint point = std::chrono::sys_days(date);
  if (text.size() == 20) {
    const auto hour = number(11, 2);
    const auto minute = number(14, 2);
    const auto second = number(17, 2);
    if (text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z' || !hour ||
        !minute || !second || *hour > 23 || *minute > 59 || *second > 59) {
      return std::nullopt;
    }
    point += std::chrono::hours(*hour) + std::chrono::minutes(*minute) +
             std::chrono::seconds(*second);
  }
  return point;
}

CustomerProfile ReadProfile(const Record& record, std::vector<ImportError>& errors) {
  RecordReader reader(record, errors);
  CustomerProfile profile;
  profile.external_id = reader.Get("customer_id", true);
  const std::string phone = reader.Get("phone", false);
  if (!phone.empty()) {
    // Without a default region only numbers with a leading '+' parse, which is what E.164 asks.
    if (auto normalized = channels::common::NormalizePhone(phone, "ZZ")) {
      profile.phone = *normalized;
    } else {
      reader.Error("phone", "'" + phone + "' is not an E.164 number such as +12025550123");
    }
  }
  profile.name = reader.Get("name", false);
  profile.tier = reader.Get("tier", false);
  profile.address = reader.Get("address", false);
  profile.email = reader.Get("email", false);
  if (!profile.email.empty() && (profile.email.find('@') == std::string::npos ||
                                 profile.email.find(' ') != std::string::npos)) {
    reader.Error("email", "'" + profile.email + "' is not an email address");
  }
  profile.balance_cents = reader.Money("balance");
  profile.currency = reader.Currency();
  profile.card_status = reader.Get("card_status", false);
  if (!profile.card_status.empty() && profile.card_status != "active" &&
      profile.card_status != "frozen") {
    reader.Error("card_status", "'" + profile.card_status + "' is not one of: active, frozen");
  }
  return profile;
}

Transaction ReadTransaction(const Record& record, std::vector<ImportError>& errors) {
  RecordReader reader(record, errors);
  Transaction transaction;
  transaction.customer_external_id = reader.Get("customer_id", true);
  transaction.external_id = reader.Get("id", true);
  const std::string kind = reader.Get("kind", true);
  if (auto parsed = ParseTransactionKind(kind)) {
    transaction.kind = *parsed;
  } else if (!kind.empty()) {
    reader.Error("kind", "'" + kind + "' is not one of: order, payment, subscription");
  }
  transaction.status = reader.Get("status", true);
  transaction.amount_cents = reader.Money("amount");
  transaction.currency = reader.Currency();
  transaction.description = reader.Get("description", false);
  const std::string occurred = reader.Get("occurred_at", true);
  if (auto parsed = ParseTimestamp(occurred)) {
    transaction.occurred_at = *parsed;
  } else if (!occurred.empty()) {
    reader.Error("occurred_at",
                 "'" + occurred + "' is not a UTC date such as 2026-11-30 or 2026-11-30T14:05:00Z");
  }
  return transaction;
}

void CheckFieldNames(const std::string& location, const std::vector<std::string>& names,
                     const std::set<std::string>& allowed, std::vector<ImportError>& errors) {
  for (const auto& name : names) {
    if (!allowed.contains(name)) {
      std::string list;
      for (const auto& known : allowed) {
        list += (list.empty() ? "" : ", ") + known;
      }
      errors.push_back({location, name, "is not a known field; expected one of: " + list});
    }
  }
}

std::vector<Record> JsonRecords(const json::object& root, const std::string& list_name,
                                const std::set<std::string>& allowed,
                                std::vector<ImportError>& errors) {
  std::vector<Record> records;
  const auto* list = root.if_contains(list_name);
  if (list == nullptr) {
    return records;
  }
  if (!list->is_array()) {
    errors.push_back({"body", list_name, "must be a list of objects"});
    return records;
  }
  for (std::size_t i = 0; i < list->as_array().size(); ++i) {
    const auto& item = list->as_array()[i];
    Record record{list_name + "[" + std::to_string(i) + "]", {}};
    if (!item.is_object()) {
      errors.push_back({record.location, "", "must be an object"});
      continue;
    }
    std::vector<std::string> names;
    for (const auto& [key, value] : item.as_object()) {
      names.emplace_back(key);
      if (value.is_string()) {
        record.fields[std::string(key)] = std::string(value.as_string());
      } else if (value.is_number()) {
        record.fields[std::string(key)] = json::serialize(value);
      } else if (!value.is_null()) {
        errors.push_back({record.location, std::string(key), "must be a string or a number"});
      }
    }
    CheckFieldNames(record.location, names, allowed, errors);
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace

CustomerProfile ProfileFromFields(const std::map<std::string, std::string>& fields,
                                  const std::string& location, std::vector<ImportError>& errors) {
  return ReadProfile(Record{location, fields}, errors);
}

Transaction TransactionFromFields(const std::map<std::string, std::string>& fields,
                                  const std::string& location, std::vector<ImportError>& errors) {
  return ReadTransaction(Record{location, fields}, errors);
}

ImportParse ParseImportJson(std::string_view body) {
  ImportParse parse;
  boost::system::error_code error;
  const json::value root = json::parse(body, error);
  if (error || !root.is_object()) {
    parse.errors.push_back({"body", "", "is not a JSON object with customers and transactions"});
    return parse;
  }
  for (const auto& [key, value] : root.as_object()) {
    if (key != "customers" && key != "transactions") {
      parse.errors.push_back(
          {"body", std::string(key), "is not a known list; expected customers or transactions"});
    }
  }
  const auto profiles = JsonRecords(root.as_object(), "customers", kProfileFields, parse.errors);
  const auto transactions =
      JsonRecords(root.as_object(), "transactions", kTransactionFields, parse.errors);
  if (profiles.size() + transactions.size() > kMaxImportRecords) {
    parse.errors.push_back({"body", "", "has more than " + std::to_string(kMaxImportRecords) +
                                            " records; split the import"});
    return parse;
  }
  for (const auto& record : profiles) {
    parse.batch.profiles.push_back(ReadProfile(record, parse.errors));
  }
  for (const auto& record : transactions) {
    parse.batch.transactions.push_back(ReadTransaction(record, parse.errors));
    parse.batch.transaction_locations.push_back(record.location);
  }
  return parse;
}

ImportParse ParseImportCsv(std::string_view text) {
  ImportParse parse;
  std::vector<tools::CsvRow> rows;
  try {
    rows = tools::ParseCsv(text);
  } catch (const tools::DatasetError& error) {
    parse.errors.push_back({"line " + std::to_string(error.Line()), "", error.what()});
    return parse;
  }
  if (rows.empty()) {
    parse.errors.push_back({"line 1", "", "the file is empty; expected a header row"});
    return parse;
  }
  if (rows.size() - 1 > kMaxImportRecords) {
    parse.errors.push_back({"line 1", "", "the file has more than " +
                                              std::to_string(kMaxImportRecords) +
                                              " rows; split it"});
    return parse;
  }
  const std::vector<std::string>& header = rows.front().fields;
  const bool transactions =
      std::find(header.begin(), header.end(), "kind") != header.end();
  const std::string header_location = "line " + std::to_string(rows.front().line);
  CheckFieldNames(header_location, header, transactions ? kTransactionFields : kProfileFields,
                  parse.errors);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& row = rows[i];
    if (row.fields.size() == 1 && row.fields.front().empty()) {
      continue;
    }
    Record record{"line " + std::to_string(row.line), {}};
    if (row.fields.size() != header.size()) {
      parse.errors.push_back({record.location, "",
                              "has " + std::to_string(row.fields.size()) + " fields but the " +
                                  "header has " + std::to_string(header.size())});
      continue;
    }
    for (std::size_t column = 0; column < header.size(); ++column) {
      record.fields[header[column]] = row.fields[column];
    }
    if (transactions) {
      parse.batch.transactions.push_back(ReadTransaction(record, parse.errors));
      parse.batch.transaction_locations.push_back(record.location);
    } else {
      parse.batch.profiles.push_back(ReadProfile(record, parse.errors));
    }
  }
  return parse;
}

std::vector<ImportError> ApplyImport(CustomerRepository& repository, ImportBatch batch,
                                     core::TimePoint now) {
  std::vector<ImportError> errors;
  std::set<std::string> batch_customers;
  for (const auto& profile : batch.profiles) {
    batch_customers.insert(profile.external_id);
  }
  std::set<std::string> stored_customers;
  for (std::size_t i = 0; i < batch.transactions.size(); ++i) {
    const std::string& customer = batch.transactions[i].customer_external_id;
    if (batch_customers.contains(customer) || stored_customers.contains(customer)) {
      continue;
    }
    if (repository.FindByExternalId(customer)) {
      stored_customers.insert(customer);
      continue;
    }
    const std::string location = i < batch.transaction_locations.size()
                                     ? batch.transaction_locations[i]
                                     : "transactions[" + std::to_string(i) + "]";
    errors.push_back({location, "customer_id",
                      "customer '" + customer + "' is neither stored nor in this import"});
  }
  if (!errors.empty()) {
    return errors;
  }
  for (auto& profile : batch.profiles) {
    profile.updated_at = now;
    repository.UpsertProfile(profile);
  }
  for (const auto& transaction : batch.transactions) {
    repository.UpsertTransaction(transaction);
  }
  return errors;
}

std::string DescribeErrors(const std::vector<ImportError>& errors) {
  std::string text;
  for (const auto& error : errors) {
    text += error.location + ": ";
    if (!error.field.empty()) {
      text += error.field + ": ";
    }
    text += error.reason + "\n";
  }
  return text;
}

}  // namespace mobilelink::customers
