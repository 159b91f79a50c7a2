#pragma once

// The server's YAML configuration. Loading validates every key: an unknown key, a missing
// required key or a bad value stops the start with the key's path and the reason. A value
// written as ${NAME} is read from the environment variable NAME, so secrets need not be in the
// file.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "mobilelink/bot/flow.hpp"
#include "mobilelink/analytics/settings.hpp"
#include "mobilelink/bot/tier_zero_bot.hpp"
#include "mobilelink/channels/adapter.hpp"
#include "mobilelink/config/sla_config.hpp"
#include "mobilelink/config/auth_config.hpp"
#include "mobilelink/config/survey_config.hpp"
#include "mobilelink/core/conversation_service.hpp"
#include "mobilelink/routing/model.hpp"
#include "mobilelink/customers/crm_connector.hpp"

namespace mobilelink::config {

/// | key | meaning | default |
/// | --- | --- | --- |
/// | server.listen | HOST:PORT to listen on; --listen overrides it | 127.0.0.1:8080 |
/// | server.public_url | scheme://host[:port] that providers call; signed URLs start with it | http://127.0.0.1:8080 |
/// | server.trusted_proxies | peer addresses whose X-Forwarded-Proto/Host are believed | [] |
/// | server.threads | HTTP threads | 2 |
/// | server.log_level | trace, debug, info, warn, error | info |
/// | store.path | SQLite file | var/mobilelink.db |
/// | store.synchronous | FULL or NORMAL | FULL |
/// | outbox.workers | sender threads | 8 |
/// | outbox.max_attempts | attempts before a retryable failure becomes final | 8 |
/// | outbox.base_backoff_ms | first retry delay; doubles each attempt, with jitter | 500 |
/// | outbox.max_backoff_ms | longest retry delay | 60000 |
/// | outbox.send_timeout_ms | provider request timeout | 10000 |
/// | outbox.whatsapp_status_wait_ms | wait for a status webhook before resending an unknown send | 120000 |
/// | compliance.* | opt_out_confirmation, opt_in_confirmation, help_reply | required |
/// | bot.* | see bot::BotConfig | |
/// | flows[] | see bot::FlowsConfig and docs/flows.md | |
/// | crm.* | see customers::CrmConfig | |
/// | agents[] | login, name, role (agent, supervisor, admin), password_hash (Argon2id) | |
/// | inboxes[] | id, channel, and the channel's own keys | |
/// | calendars[], sla, on_call[] | see config/sla_config.hpp | |
/// | routing, teams, agents[] routing keys | see config/routing_config.hpp | |
/// | analytics.* | see config/analytics_config.hpp and docs/configuration.md | |
/// | canned_responses[] | code and text of each agent console canned response | [] |
/// | web.embed_origins | origins whose pages may frame the chat widget | [] |
/// | auth.* | see AuthConfig | |
/// | surveys.* | see bot::SurveyOptions; no surveys without the section | |
struct ServerConfig {
  std::string listen = "127.0.0.1:8080";
  std::string public_url = "http://127.0.0.1:8080";
  std::vector<std::string> trusted_proxies;
  int threads = 2;
  std::string log_level = "info";
  std::string metrics_token;  // Bearer token that /metrics requires; empty leaves it open.
};

struct StoreConfig {
  std::string path = "var/mobilelink.db";
  std::string synchronous = "FULL";
};

struct OutboxConfig {
  int workers = 8;
  int max_attempts = 8;
  std::chrono::milliseconds base_backoff{500};
  std::chrono::milliseconds max_backoff{60000};
  std::chrono::milliseconds send_timeout{10000};
  /// How long a WhatsApp send with an unknown outcome waits for a status webhook that names
  /// its outbox row before it is sent again.
  std::chrono::milliseconds whatsapp_status_wait{120000};
};

struct AgentConfig {
  std::string login;
  std::string name;
  std::string role;
  std::string password_hash;
};

/// A reply that agents insert in the console by typing "/" and its code.
struct CannedResponse {
  std::string code;
  std::string text;
};

struct WebConfig {
  /// Origins (scheme://host[:port]) whose pages may frame /chat/{inbox} through embed.js.
  std::vector<std::string> embed_origins;
};

struct Config {
  ServerConfig server;
  StoreConfig store;
  OutboxConfig outbox;
  core::ComplianceTexts compliance;
  bot::BotConfig bot;
  std::vector<AgentConfig> agents;
  std::vector<channels::InboxConfig> inboxes;
  std::vector<CalendarConfig> calendars;
  SlaConfig sla;
  std::vector<OnCallConfig> on_call;
  routing::RoutingConfig routing;
  bot::FlowsConfig flows;
  customers::CrmConfig crm;
  analytics::AnalyticsSettings analytics;
  std::vector<CannedResponse> canned_responses;
  WebConfig web;
  AuthConfig auth;
  std::optional<bot::SurveyOptions> surveys;
};

/// Raised for any invalid configuration. what() names the key path and the reason.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Loads and validates a config file. Relative store paths stay relative to the working
/// directory. Throws ConfigError.
Config LoadConfig(const std::string& path);

/// Parses and validates config text; `origin` names the source in errors. Throws ConfigError.
Config ParseConfig(const std::string& text, const std::string& origin);

}  // namespace mobilelink::config
