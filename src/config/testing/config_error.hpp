#pragma once

// Test helpers shared by the config section tests: the error of a config text, and the pieces of
// the smallest valid config that tests extend with the section under test.

#include <string>

#include "mobilelink/config/config.hpp"

namespace mobilelink::config {

/// Returns the ConfigError message of parsing `text`, or "no error" when it parses.
inline std::string ErrorOf(const std::string& text) {
  try {
    ParseConfig(text, "test.yaml");
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "no error";
}

/// The `compliance:` section with its three required texts.
inline const std::string kComplianceSection = R"(compliance:
  opt_out_confirmation: "You are unsubscribed."
  opt_in_confirmation: "You are subscribed."
  help_reply: "Help at example.com."
)";

/// The `bot:` section with its two required texts; further bot keys may follow it.
inline const std::string kBotSection = R"(bot:
  handoff_message: "Passing you to a person."
  fallback_message: "Sorry, I did not understand."
)";

/// An `inboxes:` entry: the Twilio SMS inbox `sms`.
inline const std::string kSmsInbox = R"(  - id: sms
    channel: twilio_sms
    account_sid: AC00000000000000000000000000000001
    auth_token: test_token
    from: "+12025550145"
)";

/// An `inboxes:` entry: the WhatsApp inbox `wa`.
inline const std::string kWhatsAppInbox = R"(  - id: wa
    channel: whatsapp
    phone_number_id: "1234567890"
    access_token: test_access_token
    app_secret: test_app_secret
    verify_token: test_verify_token
)";

/// Returns an `inboxes:` entry of a web chat inbox named `id`.
inline std::string WebchatInbox(const std::string& id) {
  return "  - id: " + id + "\n    channel: webchat\n";
}

/// Returns the smallest valid config with `inboxes` (entries such as kSmsInbox) and
/// `bot_lines` (indented keys) added to the bot section.
inline std::string MinimalConfig(const std::string& inboxes, const std::string& bot_lines = "") {
  return kComplianceSection + kBotSection + bot_lines + "inboxes:\n" + inboxes;
}

}  // namespace mobilelink::config
