#pragma once

// The few server config values that the fake provider and the replay tool read: the public
// URL, the inboxes and the bot's handoff message. The server's own config loader validates the
// whole file; this reader takes only these keys and ignores the rest.

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mobilelink::tools {

/// One inbox entry of the config, with its scalar settings as strings.
struct ToolInbox {
  std::string id;
  std::string channel;
  std::map<std::string, std::string> settings;    // Scalar keys of the entry and of `settings:`.
  std::string handoff_message;                    // The inbox's `bot.handoff_message`, if any.
  std::map<std::string, std::string> unresolved;  // Keys whose `${ENV}` is unset: the error.

  /// Returns the setting or an empty string. Throws ToolConfigError when the value refers to
  /// an unset environment variable.
  [[nodiscard]] std::string Get(std::string_view key) const;
};

struct ToolConfig {
  std::string public_url;       // `server.public_url`, without a trailing slash.
  std::string handoff_message;  // Top-level `bot.handoff_message`, if any.
  std::string fallback_message;  // `bot.fallback_message`: the bot's reply when nothing matches.
  std::vector<ToolInbox> inboxes;

  [[nodiscard]] const ToolInbox* FindInbox(std::string_view id) const;
  /// Returns the WhatsApp inbox whose `phone_number_id` is `phone_number_id`.
  [[nodiscard]] const ToolInbox* FindWhatsAppInbox(std::string_view phone_number_id) const;
  /// Returns the Twilio inbox whose `account_sid` is `account_sid`.
  [[nodiscard]] const ToolInbox* FindTwilioInbox(std::string_view account_sid) const;
  /// Returns the inbox's handoff message, or the top-level one when the inbox sets none.
  [[nodiscard]] std::string HandoffMessage(const ToolInbox& inbox) const;
};

class ToolConfigError final : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Replaces each `${NAME}` with the environment variable NAME. Throws ToolConfigError naming the
/// variable when it is not set.
std::string ResolveEnvReferences(std::string_view value);

/// Parses config YAML text. Throws ToolConfigError for invalid YAML or an inbox without an id.
ToolConfig ParseToolConfig(std::string_view yaml);

/// Reads and parses a config file. Throws ToolConfigError naming the file.
ToolConfig LoadToolConfig(const std::filesystem::path& path);

}  // namespace mobilelink::tools
