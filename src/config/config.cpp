#include "mobilelink/config/config.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "mobilelink/channels/registry.hpp"
#include "mobilelink/config/analytics_config.hpp"
#include "mobilelink/config/crm_config.hpp"
#include "mobilelink/config/flow_config.hpp"
#include "mobilelink/config/routing_config.hpp"
#include "mobilelink/config/value_checks.hpp"
#include "mobilelink/config/web_config.hpp"
#include "mobilelink/config/yaml_node.hpp"
#include "mobilelink/tools/dataset.hpp"

namespace mobilelink::config {

namespace {

constexpr std::size_t kMinMetricsTokenLength = 32;

ServerConfig ParseServer(const Node& node) {
  ServerConfig server;
  if (!node.node.IsDefined()) {
    return server;
  }
  CheckKeys(node,
            {"listen", "public_url", "trusted_proxies", "threads", "log_level", "metrics_token"});
  server.listen = Text(Child(node, "listen"), false, server.listen);
  server.public_url = Text(Child(node, "public_url"), false, server.public_url);
  CheckHttpUrl(node.path + ".public_url", server.public_url, UrlKind::kBase);
  while (server.public_url.back() == '/') {
    server.public_url.pop_back();
  }
  server.trusted_proxies = TextList(Child(node, "trusted_proxies"));
  for (std::size_t i = 0; i < server.trusted_proxies.size(); ++i) {
    CheckIpAddress(node.path + ".trusted_proxies[" + std::to_string(i) + "]",
                   server.trusted_proxies[i]);
  }
  server.threads = Integer(Child(node, "threads"), server.threads, 1, 64);
  server.log_level = Text(Child(node, "log_level"), false, server.log_level);
  static const std::set<std::string> kLevels{"trace", "debug", "info", "warn", "error"};
  if (!kLevels.contains(server.log_level)) {
    Fail(node.path + ".log_level", "expected one of: " + Join(kLevels));
  }
  server.metrics_token = Text(Child(node, "metrics_token"), false, "");
  if (!server.metrics_token.empty() && server.metrics_token.size() < kMinMetricsTokenLength) {
    Fail(node.path + ".metrics_token",
         "must have at least " + std::to_string(kMinMetricsTokenLength) +
             " characters; generate one with `openssl rand -hex 32`");
  }
  return server;
}

StoreConfig ParseStore(const Node& node) {
  StoreConfig store;
  if (!node.node.IsDefined()) {
    return store;
  }
  CheckKeys(node, {"engine", "path", "synchronous"});
  const std::string engine = Text(Child(node, "engine"), false, "sqlite");
  if (engine != "sqlite") {
    Fail(node.path + ".engine", "unsupported engine '" + engine + "'; expected sqlite");
  }
  store.path = Text(Child(node, "path"), false, store.path);
  store.synchronous = Text(Child(node, "synchronous"), false, store.synchronous);
  if (store.synchronous != "FULL" && store.synchronous != "NORMAL") {
    Fail(node.path + ".synchronous", "expected FULL or NORMAL");
  }
  return store;
}

OutboxConfig ParseOutbox(const Node& node) {
  OutboxConfig outbox;
  if (!node.node.IsDefined()) {
    return outbox;
  }
  CheckKeys(node, {"workers", "max_attempts", "base_backoff_ms", "max_backoff_ms",
                   "send_timeout_ms", "whatsapp_status_wait_ms"});
  outbox.workers = Integer(Child(node, "workers"), outbox.workers, 1, 256);
  outbox.max_attempts = Integer(Child(node, "max_attempts"), outbox.max_attempts, 1, 100);
  outbox.base_backoff = std::chrono::milliseconds(Integer(
      Child(node, "base_backoff_ms"), static_cast<int>(outbox.base_backoff.count()), 1, 3600000));
  outbox.max_backoff = std::chrono::milliseconds(Integer(
      Child(node, "max_backoff_ms"), static_cast<int>(outbox.max_backoff.count()), 1, 86400000));
  outbox.send_timeout = std::chrono::milliseconds(Integer(
      Child(node, "send_timeout_ms"), static_cast<int>(outbox.send_timeout.count()), 100, 600000));
  outbox.whatsapp_status_wait =
      std::chrono::milliseconds(Integer(Child(node, "whatsapp_status_wait_ms"),
                                        static_cast<int>(outbox.whatsapp_status_wait.count()), 0,
                                        86400000));
  return outbox;
}

core::ComplianceTexts ParseCompliance(const Node& node) {
  CheckKeys(node, {"opt_out_confirmation", "opt_in_confirmation", "help_reply"});
  return {Text(Child(node, "opt_out_confirmation"), true),
          Text(Child(node, "opt_in_confirmation"), true), Text(Child(node, "help_reply"), true)};
}

bot::BotConfig ParseBot(const Node& node) {
  CheckKeys(node, {"handoff_after", "handoff_phrases", "handoff_message", "fallback_message",
                   "kb_min_score", "intent_model", "out_of_scope_examples", "rules",
                   "knowledge_base", "knowledge_base_dir"});
  bot::BotConfig bot;
  bot.handoff_after = Integer(Child(node, "handoff_after"), bot.handoff_after, 1, 100);
  bot.handoff_phrases = Child(node, "handoff_phrases").node.IsDefined()
                            ? TextList(Child(node, "handoff_phrases"))
                            : bot::DefaultHandoffPhrases();
  bot.handoff_message = Text(Child(node, "handoff_message"), true);
  bot.fallback_message = Text(Child(node, "fallback_message"), true);
  if (Child(node, "kb_min_score").node.IsDefined()) {
    try {
      bot.kb_min_score = Child(node, "kb_min_score").node.as<double>();
    } catch (const YAML::Exception&) {
      Fail(node.path + ".kb_min_score", "expected a number");
    }
    // BM25 scores are finite and not negative, so NaN would match no article.
    if (!std::isfinite(bot.kb_min_score) || bot.kb_min_score < 0) {
      Fail(node.path + ".kb_min_score", "must be a number of at least 0");
    }
  }
  bot.intent_model = Text(Child(node, "intent_model"), false);
  bot.out_of_scope_examples = Text(Child(node, "out_of_scope_examples"), false);
  if (!bot.out_of_scope_examples.empty()) {
    const std::string key = node.path + ".out_of_scope_examples";
    if (bot.intent_model.empty()) {
      Fail(key, "is used only by the intent model: set bot.intent_model, or remove this key");
    }
    std::vector<tools::Utterance> rows;
    try {
      rows = tools::ReadUtteranceCsv(bot.out_of_scope_examples);
    } catch (const std::exception& error) {
      Fail(key, error.what());
    }
    // Training runs at start, before the server listens, so a file far larger than a bot's
    // rules would delay the start by minutes.
    constexpr std::size_t kMaxOutOfScopeExamples = 20'000;
    if (rows.size() > kMaxOutOfScopeExamples) {
      Fail(key, bot.out_of_scope_examples + " has " + std::to_string(rows.size()) +
                    " rows, more than the 20000 allowed; keep a sample of unrelated messages");
    }
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (rows[i].label != bot::kOutOfScopeIntent) {
        Fail(key, bot.out_of_scope_examples + ": row " + std::to_string(i + 1) +
                      " has the label '" + rows[i].label + "'; every label must be " +
                      std::string(bot::kOutOfScopeIntent) +
                      ", because a rule's examples belong under the rule");
      }
      bot.out_of_scope_texts.push_back(std::move(rows[i].text));
    }
  }
  bot.knowledge_base_dir = Text(Child(node, "knowledge_base_dir"), false);
  // The import at start removes every folder article that it does not find, so a folder that
  // cannot be read would remove them all.
  if (!bot.knowledge_base_dir.empty()) {
    CheckReadableDirectory(node.path + ".knowledge_base_dir", bot.knowledge_base_dir);
  }
  std::set<std::string> rule_names;
  // Lower-case example text to its rule's name.
  std::map<std::string, std::string> example_rules;
  ForEachItem(Child(node, "rules"), [&](const Node& item) {
    CheckKeys(item, {"name", "phrases", "keywords", "answer", "examples"});
    bot::Rule rule{Text(Child(item, "name"), true), TextList(Child(item, "phrases")),
                   TextList(Child(item, "keywords")), Text(Child(item, "answer"), false),
                   TextList(Child(item, "examples"))};
    if (rule.phrases.empty() && rule.keywords.empty() && rule.examples.empty()) {
      Fail(item.path, "a rule needs at least one entry in phrases, keywords or examples");
    }
    // A message stores its rule's name as its intent, beside the bot's own intents.
    if (rule.name == bot::kOutOfScopeIntent || rule.name == "handoff" ||
        rule.name.starts_with("kb:") || rule.name.starts_with("flow:")) {
      Fail(item.path + ".name", "'" + rule.name +
                                    "' is an intent the bot sets itself (oos, handoff, kb:<title>, "
                                    "flow:<name>); "
                                    "give the rule another name");
    }
    for (std::size_t i = 0; i < rule.examples.size(); ++i) {
      const std::string example_key = item.path + ".examples[" + std::to_string(i) + "]";
      if (rule.examples[i].find_first_not_of(" \t\r\n") == std::string::npos) {
        Fail(example_key, "an example needs a word; remove the blank entry");
      }
      std::string folded = rule.examples[i];
      std::transform(folded.begin(), folded.end(), folded.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      const auto [owner, added] = example_rules.emplace(folded, rule.name);
      if (!added) {
        Fail(example_key, owner->second == rule.name
                              ? "the example '" + rule.examples[i] +
                                    "' is listed twice under this rule (letter case aside); "
                                    "remove one"
                              : "the example '" + rule.examples[i] +
                                    "' is also an example of rule '" + owner->second +
                                    "' (letter case aside); keep it under one rule");
      }
    }
    if (!rule_names.insert(rule.name).second) {
      Fail(item.path + ".name",
           "duplicate rule name '" + rule.name + "'; give each rule its own name");
    }
    bot.rules.push_back(std::move(rule));
  });
  std::set<std::string> titles;
  ForEachItem(Child(node, "knowledge_base"), [&](const Node& item) {
    CheckKeys(item, {"title", "tags", "body", "locale"});
    bot.articles.push_back({Text(Child(item, "title"), true), TextList(Child(item, "tags")),
                            Text(Child(item, "body"), true),
                            Text(Child(item, "locale"), false, "en")});
    // The store keys a config article by its title, so the import would skip a second one.
    if (!titles.insert(bot.articles.back().title).second) {
      Fail(item.path + ".title",
           "duplicate title '" + bot.articles.back().title + "'; give each article its own title");
    }
  });
  return bot;
}

std::vector<AgentConfig> ParseAgents(const Node& node) {
  std::vector<AgentConfig> agents;
  std::set<std::string> logins;
  ForEachItem(node, [&](const Node& item) {
    std::set<std::string> allowed{"login", "name", "role", "password_hash"};
    allowed.insert(kAgentRoutingKeys.begin(), kAgentRoutingKeys.end());
    CheckKeys(item, allowed);
    AgentConfig agent{Text(Child(item, "login"), true), Text(Child(item, "name"), true),
                      Text(Child(item, "role"), true), Text(Child(item, "password_hash"), true)};
    if (agent.role != "agent" && agent.role != "supervisor" && agent.role != "admin") {
      Fail(item.path + ".role", "expected agent, supervisor or admin");
    }
    if (agent.password_hash.rfind("$argon2id$", 0) != 0) {
      Fail(item.path + ".password_hash",
           "expected an Argon2id hash; create one with `mobilelink hash-password`");
    }
    if (!logins.insert(agent.login).second) {
      Fail(item.path + ".login", "duplicate login '" + agent.login + "'");
    }
    agents.push_back(std::move(agent));
  });
  return agents;
}

// Inbox ids appear in webhook and chat URLs, so they are limited to URL-safe characters.
void CheckInboxId(const std::string& id, const std::string& path) {
  constexpr std::size_t kMaxInboxIdChars = 64;
  bool valid = id.size() <= kMaxInboxIdChars;
  for (char c : id) {
    valid = valid && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                      (c >= '0' && c <= '9') || c == '_' || c == '-');
  }
  if (!valid) {
    Fail(path, "inbox id '" + id +
                   "' must be 1 to 64 characters from A-Z, a-z, 0-9, '_' and '-', because it "
                   "appears in URLs");
  }
}

channels::InboxConfig ParseInbox(const Node& item) {
  RequireMap(item);
  channels::InboxConfig inbox;
  inbox.id = Text(Child(item, "id"), true);
  CheckInboxId(inbox.id, item.path + ".id");

  inbox.channel = Text(Child(item, "channel"), true);
  const channels::ChannelAdapter* adapter = channels::FindAdapter(inbox.channel);
  if (adapter == nullptr) {
    std::set<std::string> names;
    for (const auto* known : channels::AllAdapters()) {
      names.insert(std::string(known->Channel()));
    }
    Fail(item.path + ".channel", "unknown channel '" + inbox.channel + "'; expected one of: " +
                                     Join(names));
  }

  std::set<std::string> allowed{"id", "channel"};
  for (const auto& spec : adapter->Settings()) {
    allowed.insert(spec.key);
  }
  CheckKeys(item, allowed);

  for (const auto& spec : adapter->Settings()) {
    const Node setting = Child(item, spec.key);
    const std::string value = Text(setting, spec.required, spec.default_value);
    if (value.empty()) {
      continue;
    }
    if (auto reason = adapter->ValidateSetting(spec.key, value)) {
      Fail(setting.path, *reason);
    }
    if (spec.key.ends_with("_url")) {
      CheckHttpUrl(setting.path, value, UrlKind::kBase);
    }
    inbox.settings[spec.key] = value;
  }
  return inbox;
}

// An NPS survey follows a conversation whose customer messages carry one of the listed
// intents, which the bot sets to a rule name, "handoff" or "kb:<article title>".
void CheckSurveyIntents(const Config& config) {
  if (!config.surveys) {
    return;
  }
  for (const auto& intent : config.surveys->nps_after_intents) {
    const bool known =
        intent == "handoff" || intent.starts_with("kb:") ||
        std::any_of(config.bot.rules.begin(), config.bot.rules.end(),
                    [&](const bot::Rule& rule) { return rule.name == intent; });
    if (!known) {
      Fail("surveys.nps_after_intents",
           "intent '" + intent +
               "' is never set: expected the name of a rule in bot.rules, handoff or "
               "kb:<article title>");
    }
  }
}

// A flow starts on the intent of a bot rule, and a rule without an answer must start a flow.
void CheckFlowsAgainstBot(const Config& config) {
  std::set<std::string> flow_intents;
  for (std::size_t i = 0; i < config.flows.flows.size(); ++i) {
    const auto& flow = config.flows.flows[i];
    const std::string path = "flows[" + std::to_string(i) + "]";
    for (const auto& intent : flow.intents) {
      flow_intents.insert(intent);
      const bool known = std::any_of(config.bot.rules.begin(), config.bot.rules.end(),
                                     [&](const bot::Rule& rule) { return rule.name == intent; });
      if (!known) {
        Fail(path + ".intents", "intent '" + intent + "' is not the name of a rule in bot.rules");
      }
    }
    for (std::size_t s = 0; s < flow.steps.size(); ++s) {
      if (flow.steps[s].kind == bot::StepKind::kLookup &&
          flow.steps[s].source == bot::LookupSource::kCrm && !config.crm.Enabled()) {
        Fail(path + ".steps[" + std::to_string(s) + "].lookup",
             "crm lookups need a crm section with base_url");
      }
      const std::string& sms_inbox = flow.steps[s].sms_inbox;
      if (!sms_inbox.empty()) {
        RequireInboxOfChannel(config.inboxes, path + ".steps[" + std::to_string(s) + "].sms_inbox",
                              sms_inbox, "twilio_sms", "this step sends its message by SMS");
      }
    }
  }
  for (std::size_t i = 0; i < config.bot.rules.size(); ++i) {
    const auto& rule = config.bot.rules[i];
    if (rule.answer.empty() && !flow_intents.contains(rule.name)) {
      Fail("bot.rules[" + std::to_string(i) + "].answer",
           "missing required key; a rule needs an answer unless it starts a flow");
    }
  }
}

Config ParseValidated(const std::string& text) {
  const YAML::Node root = YAML::Load(text);
  if (!root.IsDefined() || root.IsNull()) {
    throw ConfigError("the file is empty; expected a map with compliance, bot and inboxes");
  }
  if (!root.IsMap()) {
    throw ConfigError("the top level must be a map of keys (server, store, outbox, compliance, "
                      "bot, agents, inboxes), not a list or a single value");
  }
  const Node top{root, ""};
  CheckKeys(top, {"server", "store", "outbox", "compliance", "bot", "agents", "inboxes",
                  "calendars", "sla", "on_call", "routing", "teams", "flows", "crm", "analytics",
                  "canned_responses", "web", "auth", "surveys"});
  Config config;
  config.server = ParseServer(Child(top, "server"));
  config.store = ParseStore(Child(top, "store"));
  config.outbox = ParseOutbox(Child(top, "outbox"));
  config.compliance = ParseCompliance(Child(top, "compliance"));
  config.bot = ParseBot(Child(top, "bot"));
  config.agents = ParseAgents(Child(top, "agents"));
  config.routing = ParseRouting(Child(top, "routing"), Child(top, "teams"), Child(top, "agents"));
  config.flows = ParseFlows(Child(top, "flows"));
  config.crm = ParseCrm(Child(top, "crm"));
  config.analytics = ParseAnalytics(Child(top, "analytics"));
  config.canned_responses = ParseCannedResponses(Child(top, "canned_responses"));
  config.web = ParseWeb(Child(top, "web"));
  config.auth = ParseAuth(Child(top, "auth"));
  config.surveys = ParseSurveys(Child(top, "surveys"));
  std::set<std::string> inbox_ids;
  // WhatsApp status webhooks name the business number, not the inbox, so two inboxes of one
  // number would each see the other's statuses.
  std::map<std::string, std::string> whatsapp_numbers;
  ForEachItem(Child(top, "inboxes"), [&](const Node& item) {
    auto inbox = ParseInbox(item);
    if (!inbox_ids.insert(inbox.id).second) {
      Fail(item.path + ".id", "duplicate inbox id '" + inbox.id + "'");
    }
    if (inbox.channel == "whatsapp") {
      const auto number = inbox.settings.find("phone_number_id");
      if (number != inbox.settings.end()) {
        const auto [first, added] = whatsapp_numbers.emplace(number->second, inbox.id);
        if (!added) {
          Fail(item.path + ".phone_number_id",
               "phone_number_id '" + number->second + "' is already the number of inbox '" +
                   first->second + "'; give each WhatsApp number one inbox");
        }
      }
    }
    config.inboxes.push_back(std::move(inbox));
  });
  if (config.inboxes.empty()) {
    Fail("inboxes", "missing required key; configure at least one inbox");
  }
  config.calendars = ParseCalendars(Child(top, "calendars"));
  CheckTeamCalendars(config.routing, config.calendars);
  config.sla = ParseSla(Child(top, "sla"));
  config.on_call = ParseOnCall(Child(top, "on_call"));
  ValidateSlaReferences(config);
  for (std::size_t i = 0; i < config.auth.in_app_inboxes.size(); ++i) {
    RequireInboxOfChannel(config.inboxes, "auth.app_token.inboxes[" + std::to_string(i) + "]",
                          config.auth.in_app_inboxes[i], "webchat",
                          "app tokens arrive with a web chat session token");
  }
  CheckFlowsAgainstBot(config);
  CheckSurveyIntents(config);
  WarnLongFlowMessages(config.flows);
  return config;
}

}  // namespace

Config ParseConfig(const std::string& text, const std::string& origin) {
  // Each error names its source once, whether it comes from YAML or from validation.
  // yaml-cpp raises its own exceptions for syntax errors and for some malformed nodes found
  // while reading, so both are caught here.
  try {
    return ParseValidated(text);
  } catch (const ConfigError& error) {
    throw ConfigError(origin + ": " + error.what());
  } catch (const YAML::Exception& error) {
    const std::string where =
        error.mark.is_null() ? "" : " at line " + std::to_string(error.mark.line + 1);
    throw ConfigError(origin + ": invalid YAML" + where + ": " + error.msg);
  }
}

Config LoadConfig(const std::string& path) {
  std::ifstream file(path);
  if (!file) {
    throw ConfigError(path + ": cannot read the config file");
  }
  std::stringstream text;
  text << file.rdbuf();
  return ParseConfig(text.str(), path);
}

}  // namespace mobilelink::config
