#include "mobilelink/config/flow_config.hpp"

#include <regex>

#include "mobilelink/common/log.hpp"
#include "mobilelink/config/flow_templates.hpp"
#include "mobilelink/config/value_checks.hpp"

namespace mobilelink::config {

namespace {

const std::set<std::string> kKindKeys{"ask",    "lookup", "branch",       "answer",
                                      "confirm", "call",  "update", "authenticate",
                                      "handoff", "end"};

const std::map<std::string, std::set<std::string>> kKeysByKind{
    {"ask",
     {"save_as", "validate", "pattern", "min", "max", "options", "region", "prefill", "reprompt",
      "max_retries", "sensitive"}},
    {"lookup", {"by", "key", "kind", "save_as", "on_not_found", "on_error"}},
    {"branch", {"otherwise"}},
    {"answer", {}},
    {"confirm",
     {"on_no", "reprompt", "max_retries", "sensitive", "code_prompt", "code_message", "sms_inbox",
      "app_prompt"}},
    {"authenticate",
     {"prompt", "code_message", "link_message", "sms_inbox", "reprompt", "max_retries"}},
    {"call", {"on_error"}},
    {"update", {"value"}},
    {"handoff", {}},
    {"end", {}},
};

bool Boolean(const Node& node, bool fallback) {
  if (!node.node.IsDefined()) {
    return fallback;
  }
  try {
    return node.node.as<bool>();
  } catch (const YAML::Exception&) {
    Fail(node.path, "expected true or false");
  }
}

std::optional<double> Number(const Node& node) {
  if (!node.node.IsDefined()) {
    return std::nullopt;
  }
  try {
    return node.node.as<double>();
  } catch (const YAML::Exception&) {
    Fail(node.path, "expected a number");
  }
}

std::vector<core::QuickReply> ParseOptions(const Node& node) {
  std::vector<core::QuickReply> options;
  ForEachItem(node, [&](const Node& item) {
    if (item.node.IsScalar()) {
      const std::string title = Text(item, true);
      options.push_back({title, title});
      return;
    }
    CheckKeys(item, {"id", "title"});
    options.push_back({Text(Child(item, "id"), true), Text(Child(item, "title"), true)});
  });
  return options;
}

void ParseAsk(const Node& node, bot::FlowStep& step) {
  static const std::map<std::string, bot::Validation> kValidations{
      {"text", bot::Validation::kText},     {"regex", bot::Validation::kRegex},
      {"number", bot::Validation::kNumber}, {"date", bot::Validation::kDate},
      {"choice", bot::Validation::kChoice}, {"phone", bot::Validation::kPhone},
      {"email", bot::Validation::kEmail}};
  step.save_as = Text(Child(node, "save_as"), true);
  const std::string validate = Text(Child(node, "validate"), false, "text");
  const auto found = kValidations.find(validate);
  if (found == kValidations.end()) {
    Fail(node.path + ".validate",
         "'" + validate + "' is not one of: choice, date, email, number, phone, regex, text");
  }
  step.validation = found->second;
  step.pattern = Text(Child(node, "pattern"), step.validation == bot::Validation::kRegex);
  if (!step.pattern.empty()) {
    try {
      std::regex compiled(step.pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& error) {
      Fail(node.path + ".pattern", std::string("is not a valid regular expression: ") + error.what());
    }
  }
  step.min = Number(Child(node, "min"));
  step.max = Number(Child(node, "max"));
  if ((step.min || step.max) && step.validation != bot::Validation::kNumber) {
    Fail(node.path + (step.min ? ".min" : ".max"), "applies only to validate: number");
  }
  if (step.min && step.max && *step.min > *step.max) {
    Fail(node.path + ".min", "is greater than max, so no answer could be valid");
  }
  step.options = ParseOptions(Child(node, "options"));
  if (step.validation == bot::Validation::kChoice && step.options.empty()) {
    Fail(node.path + ".options", "validate: choice needs at least one option");
  }
  if (step.validation != bot::Validation::kChoice && !step.options.empty()) {
    Fail(node.path + ".options", "options need validate: choice");
  }
  step.region = Text(Child(node, "region"), false, "US");
  step.prefill = Text(Child(node, "prefill"), false);
  step.sensitive = Boolean(Child(node, "sensitive"), false);
}

void ParseLookup(const Node& node, bot::FlowStep& step) {
  const std::string source = step.text;
  step.text.clear();
  if (source == "customer") {
    step.source = bot::LookupSource::kCustomer;
  } else if (source == "transactions") {
    step.source = bot::LookupSource::kTransactions;
  } else if (source == "crm") {
    step.source = bot::LookupSource::kCrm;
  } else {
    Fail(node.path + ".lookup", "'" + source + "' is not one of: crm, customer, transactions");
  }
  step.by = Text(Child(node, "by"), false, "phone");
  if (step.by != "phone" && step.by != "customer_id") {
    Fail(node.path + ".by", "'" + step.by + "' is not one of: customer_id, phone");
  }
  step.key = Text(Child(node, "key"), step.source != bot::LookupSource::kTransactions);
  step.transaction_kind = Text(Child(node, "kind"), step.source == bot::LookupSource::kTransactions);
  if (!step.transaction_kind.empty() && !customers::ParseTransactionKind(step.transaction_kind)) {
    Fail(node.path + ".kind", "'" + step.transaction_kind + "' is not one of: order, payment, subscription");
  }
  step.save_prefix = Text(Child(node, "save_as"), false, step.transaction_kind);
  step.on_not_found = Text(Child(node, "on_not_found"), false);
  step.on_error = Text(Child(node, "on_error"), false);
}

void ParseBranch(const Node& node, bot::FlowStep& step) {
  static const std::map<std::string, bot::BranchCase::Test> kTests{
      {"equals", bot::BranchCase::Test::kEquals},
      {"not_equals", bot::BranchCase::Test::kNotEquals},
      {"exists", bot::BranchCase::Test::kExists},
      {"missing", bot::BranchCase::Test::kMissing},
      {"less_than", bot::BranchCase::Test::kLessThan},
      {"greater_than", bot::BranchCase::Test::kGreaterThan}};
  ForEachItem(Child(node, "branch"), [&](const Node& item) {
    CheckKeys(item, {"value", "equals", "not_equals", "exists", "missing", "less_than",
                     "greater_than", "goto"});
    bot::BranchCase branch_case;
    branch_case.value = Text(Child(item, "value"), true);
    branch_case.next = Text(Child(item, "goto"), true);
    int tests = 0;
    for (const auto& [key, test] : kTests) {
      const Node operand = Child(item, key);
      if (!operand.node.IsDefined()) {
        continue;
      }
      ++tests;
      branch_case.test = test;
      if (test == bot::BranchCase::Test::kExists || test == bot::BranchCase::Test::kMissing) {
        if (!Boolean(operand, true)) {
          Fail(operand.path, "write true, or use the opposite test");
        }
      } else {
        branch_case.operand = Text(operand, false);
      }
      if ((test == bot::BranchCase::Test::kLessThan ||
           test == bot::BranchCase::Test::kGreaterThan) &&
          !Number(operand)) {
        Fail(operand.path, "expected a number");
      }
    }
    if (tests != 1) {
      Fail(item.path, "needs exactly one of: equals, exists, greater_than, less_than, missing, "
                      "not_equals");
    }
    step.cases.push_back(std::move(branch_case));
  });
  if (step.cases.empty()) {
    Fail(node.path + ".branch", "needs at least one case");
  }
  step.otherwise = Text(Child(node, "otherwise"), false);
}

void ParseCall(const Node& node, bot::FlowStep& step) {
  const Node call = Child(node, "call");
  RequireMap(call);
  CheckKeys(call, {"url", "method", "body", "headers", "timeout_ms", "response"});
  step.call.url = Text(Child(call, "url"), true);
  // CheckFlowTemplates checks the placeholders later, so a stand-in replaces them here.
  CheckHttpUrl(call.path + ".url", ReplacePlaceholders(step.call.url, kDoubleBraces, "x"),
               UrlKind::kFull, step.call.url);
  step.call.method = Text(Child(call, "method"), false, "POST");
  if (step.call.method != "GET" && step.call.method != "POST" && step.call.method != "PUT" &&
      step.call.method != "PATCH" && step.call.method != "DELETE") {
    Fail(call.path + ".method", "'" + step.call.method + "' is not one of: DELETE, GET, PATCH, "
                                                         "POST, PUT");
  }
  step.call.body = Text(Child(call, "body"), false);
  step.call.timeout =
      std::chrono::milliseconds(Integer(Child(call, "timeout_ms"), 5000, 100, 60000));
  for (const auto& [key, target] :
       {std::pair{"headers", &step.call.headers}, std::pair{"response", &step.call.response}}) {
    const Node map = Child(call, key);
    if (!map.node.IsDefined()) {
      continue;
    }
    RequireMap(map);
    for (const auto& entry : map.node) {
      const std::string name = entry.first.as<std::string>();
      (*target)[name] = Text(Child(map, name), true);
    }
  }
  for (const auto& [name, value] : step.call.headers) {
    if (value.find("{{") != std::string::npos) {
      Fail(call.path + ".headers." + name,
           "headers are sent as written and take no {{name}} placeholders; put the value in "
           "the header, or use ${NAME} for a value from the environment");
    }
  }
  for (const auto& [name, pointer] : step.call.response) {
    if (pointer.front() != '/') {
      Fail(call.path + ".response." + name, "'" + pointer + "' is not a JSON pointer; write it "
                                                            "as /name");
    }
  }
  step.on_error = Text(Child(node, "on_error"), false);
}

constexpr char kDefaultCodePrompt[] =
    "I sent a 6-digit code by SMS to the phone number on your account. Please send it here.";
constexpr char kDefaultAppPrompt[] = "Please confirm it is you in the app to continue.";

std::string CodeMessage(const Node& node) {
  std::string message = Text(Child(node, "code_message"), false,
                             "Your verification code is {{code}}. It expires in 5 minutes. "
                             "Never share it.");
  if (message.find("{{code}}") == std::string::npos) {
    Fail(node.path + ".code_message", "must contain {{code}}");
  }
  return message;
}

void ParseAuthenticate(const Node& node, bot::FlowStep& step) {
  step.method = step.text;
  step.sms_inbox = Text(Child(node, "sms_inbox"), false);
  if (step.method == "otp") {
    step.text = Text(Child(node, "prompt"), false, kDefaultCodePrompt);
    step.code_message = CodeMessage(node);
    return;
  }
  if (step.method == "app") {
    step.text = Text(Child(node, "prompt"), false, kDefaultAppPrompt);
    return;
  }
  if (step.method == "link") {
    step.text = Text(Child(node, "prompt"), false,
                     step.sms_inbox.empty()
                         ? std::string()
                         : "I sent a link by SMS to the phone number on your account. Open it "
                           "and tap Confirm to continue.");
    step.link_message = Text(Child(node, "link_message"), false,
                             "Open this link and tap Confirm to continue: {{link}}");
    if (step.link_message.find("{{link}}") == std::string::npos) {
      Fail(node.path + ".link_message", "must contain {{link}}");
    }
    return;
  }
  Fail(node.path + ".authenticate", "'" + step.method + "' is not one of: app, link, otp");
}

bot::FlowStep ParseStep(const Node& node, std::size_t index) {
  RequireMap(node);
  std::string kind;
  for (const auto& entry : node.node) {
    const std::string key = entry.first.as<std::string>();
    if (kKindKeys.contains(key)) {
      if (!kind.empty()) {
        Fail(node.path, "has both " + kind + " and " + key + "; a step does one thing");
      }
      kind = key;
    }
  }
  if (kind.empty()) {
    Fail(node.path, "needs one of: " + Join(kKindKeys));
  }
  std::set<std::string> allowed = kKeysByKind.at(kind);
  allowed.insert({"id", "next", kind});
  CheckKeys(node, allowed);

  static const std::map<std::string, bot::StepKind> kKinds{
      {"ask", bot::StepKind::kAsk},         {"lookup", bot::StepKind::kLookup},
      {"branch", bot::StepKind::kBranch},   {"answer", bot::StepKind::kAnswer},
      {"confirm", bot::StepKind::kConfirm}, {"call", bot::StepKind::kCall},
      {"update", bot::StepKind::kUpdate},   {"authenticate", bot::StepKind::kAuthenticate},
      {"handoff", bot::StepKind::kHandoff},
      {"end", bot::StepKind::kEnd}};
  bot::FlowStep step;
  step.kind = kKinds.at(kind);
  step.id = Text(Child(node, "id"), false, "step_" + std::to_string(index + 1));
  step.next = Text(Child(node, "next"), false);
  if (kind != "branch" && kind != "call") {
    const bool required = kind != "handoff" && kind != "end";
    step.text = Text(Child(node, kind), required);
  }
  step.reprompt = Text(Child(node, "reprompt"), false);
  step.max_retries = Integer(Child(node, "max_retries"), 2, 0, 10);
  switch (step.kind) {
    case bot::StepKind::kAsk:
      ParseAsk(node, step);
      break;
    case bot::StepKind::kLookup:
      ParseLookup(node, step);
      break;
    case bot::StepKind::kBranch:
      ParseBranch(node, step);
      break;
    case bot::StepKind::kConfirm:
      step.on_no = Text(Child(node, "on_no"), false);
      step.sensitive = Boolean(Child(node, "sensitive"), false);
      step.code_prompt = Text(Child(node, "code_prompt"), false, kDefaultCodePrompt);
      step.code_message = CodeMessage(node);
      step.sms_inbox = Text(Child(node, "sms_inbox"), false);
      step.app_prompt = Text(Child(node, "app_prompt"), false, kDefaultAppPrompt);
      break;
    case bot::StepKind::kAuthenticate:
      ParseAuthenticate(node, step);
      break;
    case bot::StepKind::kCall:
      ParseCall(node, step);
      break;
    case bot::StepKind::kUpdate:
      step.field = step.text;
      step.text.clear();
      if (step.field != "address" && step.field != "email" && step.field != "card_status") {
        Fail(node.path + ".update", "'" + step.field + "' is not one of: address, card_status, "
                                                       "email");
      }
      step.value = Text(Child(node, "value"), true);
      break;
    default:
      break;
  }
  return step;
}

// Fails when a step names a step that the flow does not have.
void CheckReferences(const Node& steps_node, const bot::Flow& flow) {
  for (std::size_t i = 0; i < flow.steps.size(); ++i) {
    const auto& step = flow.steps[i];
    const std::string path = steps_node.path + "[" + std::to_string(i) + "]";
    std::vector<std::pair<std::string, std::string>> references{
        {"next", step.next},         {"on_not_found", step.on_not_found},
        {"on_error", step.on_error}, {"on_no", step.on_no},
        {"otherwise", step.otherwise}};
    for (std::size_t c = 0; c < step.cases.size(); ++c) {
      references.emplace_back("branch[" + std::to_string(c) + "].goto", step.cases[c].next);
    }
    for (const auto& [key, target] : references) {
      if (!target.empty() && flow.IndexOf(target) < 0) {
        Fail(path + "." + key, "names step '" + target + "', which flow " + flow.name +
                                   " does not have");
      }
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (flow.steps[j].id == step.id) {
        Fail(path + ".id", "'" + step.id + "' is already the id of an earlier step");
      }
    }
  }
}

}  // namespace

bot::FlowsConfig ParseFlows(const Node& node) {
  bot::FlowsConfig config;
  std::set<std::string> names;
  std::set<std::string> intents;
  ForEachItem(node, [&](const Node& item) {
    CheckKeys(item, {"name", "intents", "steps"});
    bot::Flow flow;
    flow.name = Text(Child(item, "name"), true);
    if (!names.insert(flow.name).second) {
      Fail(item.path + ".name", "'" + flow.name + "' is already the name of another flow");
    }
    flow.intents = TextList(Child(item, "intents"));
    if (flow.intents.empty()) {
      Fail(item.path + ".intents", "needs at least one intent that starts the flow");
    }
    for (const auto& intent : flow.intents) {
      if (!intents.insert(intent).second) {
        Fail(item.path + ".intents", "intent '" + intent + "' already starts another flow");
      }
    }
    const Node steps = Child(item, "steps");
    ForEachItem(steps, [&](const Node& step) {
      flow.steps.push_back(ParseStep(step, flow.steps.size()));
    });
    if (flow.steps.empty()) {
      Fail(steps.path, "needs at least one step");
    }
    CheckReferences(steps, flow);
    CheckFlowTemplates(steps, flow);
    config.flows.push_back(std::move(flow));
  });
  return config;
}

void WarnLongFlowMessages(const bot::FlowsConfig& flows) {
  for (const auto& message : bot::FindLongMessages(flows)) {
    Logger("bot")->warn("flow message longer than two sms segments flow={} step={} segments={}",
                        message.flow, message.step, message.segments);
  }
}

}  // namespace mobilelink::config
