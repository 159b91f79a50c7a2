#include "mobilelink/customers/crm_connector.hpp"

#include <variant>

#include <boost/json.hpp>

#include "mobilelink/customers/customer_import.hpp"

namespace mobilelink::customers {

namespace json = boost::json;

namespace {

// Reads the value at `pointer` as text. Numbers keep their JSON spelling; null and absent
// values give nullopt.
std::optional<std::string> TextAt(const json::value& root, const std::string& pointer) {
  boost::system::error_code error;
  const json::value* found = root.find_pointer(pointer, error);
  if (found == nullptr || error || found->is_null()) {
    return std::nullopt;
  }
  if (found->is_string()) {
    return std::string(found->as_string());
  }
  if (found->is_number() || found->is_bool()) {
    return json::serialize(*found);
  }
  return std::nullopt;
}

// Maps one JSON object to import fields. A mapped pointer that does not resolve is an error,
// because a CRM answer without it is not the shape the mapping was written for.
std::map<std::string, std::string> MapFields(const json::value& item,
                                             const std::map<std::string, std::string>& mapping,
                                             const std::string& location,
                                             std::vector<ImportError>& errors) {
  std::map<std::string, std::string> fields;
  for (const auto& [field, pointer] : mapping) {
    if (auto text = TextAt(item, pointer)) {
      fields[field] = *text;
    } else {
      errors.push_back({location, field, "the answer has no text or number at " + pointer});
    }
  }
  return fields;
}

CrmLookup Failure(CrmOutcome outcome, std::string error) {
  CrmLookup lookup;
  lookup.outcome = outcome;
  lookup.error = std::move(error);
  return lookup;
}

}  // namespace

std::string_view ToString(CrmOutcome outcome) {
  switch (outcome) {
    case CrmOutcome::kFound:
      return "found";
    case CrmOutcome::kNotFound:
      return "not_found";
    case CrmOutcome::kTimeout:
      return "timed_out";
    case CrmOutcome::kFailed:
      return "failed";
  }
  return "failed";
}

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
      encoded += c;
    } else {
      encoded += '%';
      encoded += kHex[byte >> 4];
      encoded += kHex[byte & 0x0F];
    }
  }
  return encoded;
}

std::string ExpandPath(const std::string& path, const std::map<std::string, std::string>& values) {
  std::string expanded;
  std::size_t at = 0;
  while (at < path.size()) {
    const auto open = path.find('{', at);
    const auto close = open == std::string::npos ? std::string::npos : path.find('}', open);
    if (close == std::string::npos) {
      expanded += path.substr(at);
      break;
    }
    expanded += path.substr(at, open - at);
    const auto found = values.find(path.substr(open + 1, close - open - 1));
    if (found != values.end()) {
      expanded += PercentEncode(found->second);
    }
    at = close + 1;
  }
  return expanded;
}

std::variant<http::ClientResponse, CrmLookup> CrmConnector::Get(const std::string& path) {
  http::ClientRequest request;
  request.method = "GET";
  request.url = config_.base_url + path;
  request.timeout = config_.timeout;
  request.headers.Set("Accept", "application/json");
  if (!config_.auth_header.empty()) {
    request.headers.Set("Authorization", config_.auth_header);
  }
  auto result = client_.Send(request);
  if (auto* error = std::get_if<http::ClientError>(&result)) {
    if (error->kind == http::ClientErrorKind::kTimeout) {
      return Failure(CrmOutcome::kTimeout, "the CRM did not answer within " +
                                               std::to_string(config_.timeout.count()) + " ms");
    }
    return Failure(CrmOutcome::kFailed, "the CRM request failed: " + error->message);
  }
  return std::get<http::ClientResponse>(std::move(result));
}

CrmLookup CrmConnector::Fetch(const std::string& by, const std::string& key) {
  auto profile_answer = Get(ExpandPath(config_.profile_path, {{by, key}}));
  if (auto* failed = std::get_if<CrmLookup>(&profile_answer)) {
    return *failed;
  }
  const auto& profile_response = std::get<http::ClientResponse>(profile_answer);
  if (profile_response.status == 404) {
    return Failure(CrmOutcome::kNotFound, "");
  }
  if (!http::IsSuccess(profile_response.status)) {
    return Failure(CrmOutcome::kFailed, "the CRM answered the profile request with status " +
                                            std::to_string(profile_response.status));
  }
  boost::system::error_code error;
  const json::value profile_json = json::parse(profile_response.body, error);
  if (error) {
    return Failure(CrmOutcome::kFailed, "the CRM's profile answer is not JSON");
  }
  std::vector<ImportError> errors;
  CrmLookup lookup;
  lookup.outcome = CrmOutcome::kFound;
  lookup.profile = ProfileFromFields(MapFields(profile_json, config_.profile_fields,
                                               "profile", errors),
                                     "profile", errors);
  if (!errors.empty()) {
    return Failure(CrmOutcome::kFailed, "the CRM's profile answer does not fit crm.profile_fields: " +
                                            DescribeErrors(errors));
  }
  if (config_.transactions_path.empty()) {
    return lookup;
  }

  auto list_answer = Get(ExpandPath(config_.transactions_path,
                                    {{"customer_id", lookup.profile.external_id}, {by, key}}));
  if (auto* failed = std::get_if<CrmLookup>(&list_answer)) {
    return *failed;
  }
  const auto& list_response = std::get<http::ClientResponse>(list_answer);
  if (!http::IsSuccess(list_response.status)) {
    return Failure(CrmOutcome::kFailed, "the CRM answered the transactions request with status " +
                                            std::to_string(list_response.status));
  }
  const json::value list_json = json::parse(list_response.body, error);
  const json::value* items = error ? nullptr : list_json.find_pointer(config_.transactions_list, error);
  if (items == nullptr || error || !items->is_array()) {
    return Failure(CrmOutcome::kFailed, "the CRM's transactions answer has no array at '" +
                                            config_.transactions_list + "'");
  }
  const std::size_t count =
      std::min(items->as_array().size(), static_cast<std::size_t>(config_.max_transactions));
  for (std::size_t i = 0; i < count; ++i) {
    const std::string location = "transactions[" + std::to_string(i) + "]";
    auto fields = MapFields(items->as_array()[i], config_.transaction_fields, location, errors);
    fields["customer_id"] = lookup.profile.external_id;
    lookup.transactions.push_back(TransactionFromFields(fields, location, errors));
  }
  if (!errors.empty()) {
    return Failure(CrmOutcome::kFailed,
                   "the CRM's transactions answer does not fit crm.transaction_fields: " +
                       DescribeErrors(errors));
  }
  return lookup;
}

}  // namespace mobilelink::customers
