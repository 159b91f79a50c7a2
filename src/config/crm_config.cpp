#include "mobilelink/config/crm_config.hpp"

#include "mobilelink/config/value_checks.hpp"

namespace mobilelink::config {

namespace {

std::map<std::string, std::string> PointerMap(const Node& node,
                                              const std::set<std::string>& fields) {
  std::map<std::string, std::string> mapping;
  if (!node.node.IsDefined()) {
    return mapping;
  }
  RequireMap(node);
  CheckKeys(node, fields);
  for (const auto& item : node.node) {
    const std::string field = item.first.as<std::string>();
    const std::string pointer = Text(Child(node, field), true);
    if (pointer.front() != '/') {
      Fail(node.path + "." + field, "'" + pointer + "' is not a JSON pointer; write it as /name");
    }
    mapping[field] = pointer;
  }
  return mapping;
}

// A CRM path follows base_url, so it starts with '/'. The connector fills {phone} and
// {customer_id} and leaves other names empty.
void CheckPath(const std::string& path, const std::string& value) {
  if (value.front() != '/') {
    Fail(path, "'" + value + "' must start with '/', because it is appended to base_url");
  }
  CheckTemplate(path, value, kSingleBraces, {"customer_id", "phone"});
}

}  // namespace

customers::CrmConfig ParseCrm(const Node& node) {
  customers::CrmConfig crm;
  if (!node.node.IsDefined()) {
    return crm;
  }
  CheckKeys(node, {"base_url", "profile_path", "transactions_path", "timeout_ms", "auth_header",
                   "profile_fields", "transactions_list", "transaction_fields",
                   "max_transactions"});
  crm.base_url = Text(Child(node, "base_url"), true);
  CheckHttpUrl(node.path + ".base_url", crm.base_url, UrlKind::kBase);
  while (crm.base_url.back() == '/') {
    crm.base_url.pop_back();
  }
  crm.profile_path = Text(Child(node, "profile_path"), true);
  CheckPath(node.path + ".profile_path", crm.profile_path);
  if (crm.profile_path.find("{phone}") == std::string::npos &&
      crm.profile_path.find("{customer_id}") == std::string::npos) {
    Fail(node.path + ".profile_path", "must contain {phone} or {customer_id}");
  }
  crm.transactions_path = Text(Child(node, "transactions_path"), false);
  if (!crm.transactions_path.empty()) {
    CheckPath(node.path + ".transactions_path", crm.transactions_path);
  }
  crm.timeout = std::chrono::milliseconds(Integer(Child(node, "timeout_ms"), 3000, 100, 60000));
  crm.auth_header = Text(Child(node, "auth_header"), false);
  crm.profile_fields = PointerMap(Child(node, "profile_fields"),
                                  {"customer_id", "phone", "name", "tier", "address", "email",
                                   "balance", "currency", "card_status"});
  if (!crm.profile_fields.contains("customer_id")) {
    Fail(node.path + ".profile_fields.customer_id", "is required: the CRM's customer id");
  }
  crm.transactions_list = Text(Child(node, "transactions_list"), false);
  if (!crm.transactions_list.empty() && crm.transactions_list.front() != '/') {
    Fail(node.path + ".transactions_list", "is not a JSON pointer; write it as /name");
  }
  crm.transaction_fields = PointerMap(Child(node, "transaction_fields"),
                                      {"id", "kind", "status", "amount", "currency",
                                       "description", "occurred_at"});
  if (!crm.transactions_path.empty()) {
    for (const std::string required : {"id", "kind", "status", "occurred_at"}) {
      if (!crm.transaction_fields.contains(required)) {
        Fail(node.path + ".transaction_fields." + required,
             "is required when transactions_path is set");
      }
    }
  }
  crm.max_transactions = Integer(Child(node, "max_transactions"), 20, 1, 200);
  return crm;
}

}  // namespace mobilelink::config
