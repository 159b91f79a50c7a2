#pragma once

// Reads a customer's profile and recent transactions from an external CRM's REST API. The
// CRM answers plain JSON; a configured field mapping names, for each of our fields, the JSON
// pointer (RFC 6901) of its value in the CRM's answer.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mobilelink/customers/customer.hpp"
#include "mobilelink/http/client.hpp"

namespace mobilelink::customers {

/// | key | meaning | unit | default |
/// | --- | --- | --- | --- |
/// | crm.base_url | scheme://host[:port] of the CRM API | URL | required |
/// | crm.profile_path | path template with {phone} or {customer_id} | text | required |
/// | crm.transactions_path | path template with {customer_id}; empty skips transactions | text | "" |
/// | crm.timeout_ms | deadline of each request | ms | 3000 |
/// | crm.auth_header | value of the Authorization header, usually from ${ENV} | text | none |
/// | crm.profile_fields | our profile field -> JSON pointer in the profile answer | map | required |
/// | crm.transactions_list | JSON pointer of the array in the transactions answer | pointer | "" (root) |
/// | crm.transaction_fields | our transaction field -> JSON pointer inside one item | map | {} |
/// | crm.max_transactions | items read from the transactions answer | count | 20 |
struct CrmConfig {
  std::string base_url;
  std::string profile_path;
  std::string transactions_path;
  std::chrono::milliseconds timeout{3000};
  std::string auth_header;
  std::map<std::string, std::string> profile_fields;
  std::string transactions_list;
  std::map<std::string, std::string> transaction_fields;
  int max_transactions = 20;
  [[nodiscard]] bool Enabled() const { return !base_url.empty(); }
};

enum class CrmOutcome { kFound, kNotFound, kTimeout, kFailed };

std::string_view ToString(CrmOutcome outcome);

struct CrmLookup {
  CrmOutcome outcome = CrmOutcome::kFailed;
  CustomerProfile profile;
  std::vector<Transaction> transactions;
  std::string error;  // Operator-facing reason for kTimeout and kFailed.
};

/// Fetches from the CRM with a client owned by the caller. Not thread safe, as the client.
class CrmConnector final {
 public:
  CrmConnector(const CrmConfig& config, http::HttpClient& client) : config_(config), client_(client) {}

  /// Looks up a customer by "phone" or "customer_id". A 404 answer is kNotFound; an answer
  /// whose mapped fields are missing or invalid is kFailed, naming the field.
  [[nodiscard]] CrmLookup Fetch(const std::string& by, const std::string& key);

 private:
  [[nodiscard]] std::variant<http::ClientResponse, CrmLookup> Get(const std::string& path);

  const CrmConfig& config_;
  http::HttpClient& client_;
};

/// Replaces {name} in `path` with the percent-encoded value of `values[name]`.
std::string ExpandPath(const std::string& path, const std::map<std::string, std::string>& values);

/// Percent-encodes everything outside RFC 3986's unreserved characters.
std::string PercentEncode(std::string_view text);

}  // namespace mobilelink::customers
