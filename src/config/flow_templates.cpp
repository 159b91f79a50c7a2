#include "mobilelink/config/flow_templates.hpp"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "mobilelink/config/value_checks.hpp"

namespace mobilelink::config {

namespace {

// The names that the flow engine stores after a customer or CRM lookup, and after a
// transactions lookup under its prefix.
const std::vector<std::string> kProfileFields{"customer_id", "phone",    "name",
                                              "tier",        "address",  "email",
                                              "balance",     "currency", "card_status"};
const std::vector<std::string> kTransactionFields{"id",       "status",      "amount",
                                                  "currency", "description", "date"};
const std::vector<std::string> kTransactionKinds{"order", "payment", "subscription"};

void AddTransactionNames(const std::string& prefix, std::set<std::string>& names) {
  for (const auto& field : kTransactionFields) {
    names.insert(prefix + "." + field);
  }
}

// Collects every value name that some step of the flow stores, in any order of the steps.
std::set<std::string> SavedNames(const bot::Flow& flow) {
  std::set<std::string> names{"contact.phone"};
  for (const auto& step : flow.steps) {
    switch (step.kind) {
      case bot::StepKind::kAsk:
        names.insert(step.save_as);
        break;
      case bot::StepKind::kLookup:
        if (step.source == bot::LookupSource::kTransactions) {
          AddTransactionNames(step.save_prefix, names);
          break;
        }
        for (const auto& field : kProfileFields) {
          names.insert("customer." + field);
        }
        // NOTE: these names are allowed even without crm.transactions_path, which the flows are
        // parsed before. Without it the CRM lookup stores no transactions, so they render empty.
        if (step.source == bot::LookupSource::kCrm) {
          for (const auto& kind : kTransactionKinds) {
            AddTransactionNames(kind, names);
          }
        }
        break;
      case bot::StepKind::kCall:
        for (const auto& [name, pointer] : step.call.response) {
          names.insert(name);
        }
        break;
      case bot::StepKind::kUpdate:
        names.insert("customer." + step.field);
        break;
      default:
        break;
    }
  }
  return names;
}

// One template key of a step: its key path below the step, its text and the names that only
// this key can use, such as {{code}} in code_message.
struct StepTemplate {
  std::string key;
  const std::string* text;
  std::string own_name;
};

std::vector<StepTemplate> TemplatesOf(const bot::FlowStep& step) {
  std::vector<StepTemplate> templates;
  switch (step.kind) {
    case bot::StepKind::kAsk:
      templates.push_back({"ask", &step.text, ""});
      break;
    case bot::StepKind::kAnswer:
      templates.push_back({"answer", &step.text, ""});
      break;
    case bot::StepKind::kConfirm:
      templates.push_back({"confirm", &step.text, ""});
      templates.push_back({"code_prompt", &step.code_prompt, ""});
      templates.push_back({"app_prompt", &step.app_prompt, ""});
      templates.push_back({"code_message", &step.code_message, "code"});
      break;
    case bot::StepKind::kAuthenticate:
      templates.push_back({"prompt", &step.text, ""});
      templates.push_back({"code_message", &step.code_message, "code"});
      templates.push_back({"link_message", &step.link_message, "link"});
      break;
    case bot::StepKind::kHandoff:
      templates.push_back({"handoff", &step.text, ""});
      break;
    case bot::StepKind::kEnd:
      templates.push_back({"end", &step.text, ""});
      break;
    case bot::StepKind::kLookup:
      templates.push_back({"key", &step.key, ""});
      break;
    case bot::StepKind::kUpdate:
      templates.push_back({"value", &step.value, ""});
      break;
    case bot::StepKind::kCall:
      templates.push_back({"call.url", &step.call.url, ""});
      templates.push_back({"call.body", &step.call.body, ""});
      break;
    default:
      break;
  }
  templates.push_back({"reprompt", &step.reprompt, ""});
  return templates;
}

void RequireSavedName(const std::string& path, const std::string& name,
                      const std::set<std::string>& names) {
  if (!name.empty() && !names.contains(name)) {
    Fail(path,
         "'" + name + "' is not a value that this flow saves; expected one of: " + Join(names));
  }
}

}  // namespace

void CheckFlowTemplates(const Node& steps_node, const bot::Flow& flow) {
  const std::set<std::string> names = SavedNames(flow);
  for (std::size_t i = 0; i < flow.steps.size(); ++i) {
    const auto& step = flow.steps[i];
    const std::string path = steps_node.path + "[" + std::to_string(i) + "]";
    // Both read customer.customer_id, so without a profile they always end as not found.
    const bool reads_customer =
        step.kind == bot::StepKind::kUpdate ||
        (step.kind == bot::StepKind::kLookup && step.source == bot::LookupSource::kTransactions);
    if (reads_customer && !names.contains("customer.customer_id")) {
      Fail(path, "reads the customer that a customer or crm lookup finds, but flow " + flow.name +
                     " has no such lookup; add a lookup: customer or lookup: crm step before it");
    }
    for (const auto& item : TemplatesOf(step)) {
      std::set<std::string> allowed = names;
      if (!item.own_name.empty()) {
        allowed.insert(item.own_name);
      }
      CheckTemplate(path + "." + item.key, *item.text, kDoubleBraces, allowed, {"mask"});
    }
    if (step.kind == bot::StepKind::kAsk) {
      RequireSavedName(path + ".prefill", step.prefill, names);
    }
    for (std::size_t c = 0; c < step.cases.size(); ++c) {
      RequireSavedName(path + ".branch[" + std::to_string(c) + "].value", step.cases[c].value,
                       names);
    }
  }
}

}  // namespace mobilelink::config
