#include "mobilelink/config/config.hpp"

#include <filesystem>
#include <fstream>
#include <stdlib.h>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mobilelink/config/testing/config_error.hpp"
#include "mobilelink/config/testing/demo_config.hpp"

namespace mobilelink::config {
namespace {

// The smallest valid config. Tests append or replace lines to make one key wrong.
std::string ValidConfig() { return MinimalConfig(kSmsInbox); }

TEST(Config, DemoConfigLoads) {
  const Config config = LoadDemoConfig();
  EXPECT_EQ(config.inboxes.size(), 4u);
  EXPECT_EQ(config.agents.size(), 2u);
  EXPECT_EQ(config.bot.handoff_after, 3);
  EXPECT_FALSE(config.bot.articles.empty());
  EXPECT_EQ(config.inboxes[0].Get("from"), "+12025550145");
}

TEST(Config, MinimalConfigTakesDefaults) {
  const Config config = ParseConfig(ValidConfig(), "test.yaml");
  EXPECT_EQ(config.server.listen, "127.0.0.1:8080");
  EXPECT_EQ(config.store.synchronous, "FULL");
  EXPECT_EQ(config.outbox.base_backoff, std::chrono::milliseconds(500));
  EXPECT_FALSE(config.bot.handoff_phrases.empty());
  ASSERT_EQ(config.inboxes.size(), 1u);
  EXPECT_EQ(config.inboxes[0].Get("api_base_url"), "https://api.twilio.com");
}

TEST(Config, UnknownInboxKeyNamesPath) {
  const std::string error = ErrorOf(ValidConfig() + "    acount_sid: AC1\n");
  EXPECT_NE(error.find("inboxes[0].acount_sid: unknown key"), std::string::npos) << error;
  EXPECT_NE(error.find("account_sid"), std::string::npos) << error;
}

TEST(Config, UnknownTopLevelKeyNamesIt) {
  const std::string error = ErrorOf(ValidConfig() + "sever:\n  listen: 127.0.0.1:1\n");
  EXPECT_NE(error.find("sever: unknown key"), std::string::npos) << error;
}

TEST(Config, ErrorNamesSourceOnce) {
  const std::string error = ErrorOf(ValidConfig() + "sever: {}\n");
  EXPECT_TRUE(error.starts_with("test.yaml: ")) << error;
  EXPECT_EQ(error.find("test.yaml", 1), std::string::npos) << error;
}

TEST(Config, MissingRequiredKeyNamesIt) {
  std::string text = ValidConfig();
  const std::string line = "  help_reply: \"Help at example.com.\"\n";
  text.erase(text.find(line), line.size());
  const std::string error = ErrorOf(text);
  EXPECT_NE(error.find("compliance.help_reply: missing required key"), std::string::npos) << error;
}

TEST(Config, MissingSectionNamesIt) {
  const std::string error = ErrorOf(kBotSection + "inboxes:\n" + kSmsInbox);
  EXPECT_NE(error.find("compliance: missing required key"), std::string::npos) << error;
}

TEST(Config, MissingInboxSettingNamesIt) {
  std::string text = ValidConfig();
  const std::string line = "    from: \"+12025550145\"\n";
  text.erase(text.find(line), line.size());
  const std::string error = ErrorOf(text);
  EXPECT_NE(error.find("inboxes[0].from: missing required key"), std::string::npos) << error;
}

TEST(Config, NoInboxesIsError) {
  const std::string error = ErrorOf(kComplianceSection + kBotSection);
  EXPECT_NE(error.find("inboxes: missing required key"), std::string::npos) << error;
}

TEST(Config, BadChannelListsAllowedOnes) {
  const std::string error =
      ErrorOf(kComplianceSection + kBotSection + "inboxes:\n  - id: tg\n    channel: telegram\n");
  EXPECT_NE(error.find("inboxes[0].channel: unknown channel 'telegram'"), std::string::npos)
      << error;
  EXPECT_NE(error.find("twilio_sms"), std::string::npos) << error;
  EXPECT_NE(error.find("whatsapp"), std::string::npos) << error;
  EXPECT_NE(error.find("webchat"), std::string::npos) << error;
}

TEST(Config, EnvironmentReferenceExpands) {
  ASSERT_EQ(setenv("MOBILELINK_CONFIG_TEST_TOKEN", "from-env", 1), 0);
  std::string text = ValidConfig();
  const std::string literal = "auth_token: test_token";
  text.replace(text.find(literal), literal.size(),
               "auth_token: \"${MOBILELINK_CONFIG_TEST_TOKEN}\"");
  const Config config = ParseConfig(text, "test.yaml");
  unsetenv("MOBILELINK_CONFIG_TEST_TOKEN");
  EXPECT_EQ(config.inboxes[0].Get("auth_token"), "from-env");
}

TEST(Config, EnvironmentReferenceInsideText) {
  ASSERT_EQ(setenv("MOBILELINK_CONFIG_TEST_BRAND", "ExampleCo", 1), 0);
  std::string text = ValidConfig();
  const std::string literal = "help_reply: \"Help at example.com.\"";
  text.replace(text.find(literal), literal.size(),
               "help_reply: \"${MOBILELINK_CONFIG_TEST_BRAND}: help at example.com.\"");
  const Config config = ParseConfig(text, "test.yaml");
  unsetenv("MOBILELINK_CONFIG_TEST_BRAND");
  EXPECT_EQ(config.compliance.help_reply, "ExampleCo: help at example.com.");
}

TEST(Config, UnsetEnvironmentVariableIsError) {
  unsetenv("MOBILELINK_CONFIG_TEST_UNSET");
  std::string text = ValidConfig();
  const std::string literal = "auth_token: test_token";
  text.replace(text.find(literal), literal.size(),
               "auth_token: \"${MOBILELINK_CONFIG_TEST_UNSET}\"");
  const std::string error = ErrorOf(text);
  EXPECT_NE(error.find("inboxes[0].auth_token"), std::string::npos) << error;
  EXPECT_NE(error.find("MOBILELINK_CONFIG_TEST_UNSET is not set"), std::string::npos) << error;
}

TEST(Config, UnterminatedReferenceIsError) {
  std::string text = ValidConfig();
  const std::string literal = "auth_token: test_token";
  text.replace(text.find(literal), literal.size(), "auth_token: \"${TOKEN\"");
  const std::string error = ErrorOf(text);
  EXPECT_NE(error.find("inboxes[0].auth_token: unterminated ${"), std::string::npos) << error;
}

TEST(Config, DuplicateInboxIdIsError) {
  const std::string error = ErrorOf(ValidConfig() + kSmsInbox);
  EXPECT_NE(error.find("inboxes[1].id: duplicate inbox id 'sms'"), std::string::npos) << error;
}

TEST(Config, BadRoleIsError) {
  const std::string agents = R"(agents:
  - login: alice
    name: Alice
    role: owner
    password_hash: "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA"
)";
  const std::string error = ErrorOf(ValidConfig() + agents);
  EXPECT_NE(error.find("agents[0].role: expected agent, supervisor or admin"), std::string::npos)
      << error;
}

TEST(Config, PlainPasswordIsError) {
  const std::string agents = R"(agents:
  - login: alice
    name: Alice
    role: agent
    password_hash: hunter2
)";
  const std::string error = ErrorOf(ValidConfig() + agents);
  EXPECT_NE(error.find("agents[0].password_hash: expected an Argon2id hash"), std::string::npos)
      << error;
}

TEST(Config, OutOfRangeIntegerIsError) {
  const std::string error = ErrorOf(ValidConfig() + "outbox:\n  workers: 0\n");
  EXPECT_NE(error.find("outbox.workers: must be between 1 and 256"), std::string::npos) << error;
}

TEST(Config, ShortMetricsTokenIsError) {
  const std::string error = ErrorOf(ValidConfig() + "server:\n  metrics_token: abc123\n");
  EXPECT_NE(error.find("server.metrics_token: must have at least 32 characters"),
            std::string::npos)
      << error;
}

TEST(Config, MetricsTokenIsRead) {
  const std::string token(40, 'k');
  const Config config = ParseConfig(ValidConfig() + "server:\n  metrics_token: " + token + "\n",
                                    "test.yaml");
  EXPECT_EQ(config.server.metrics_token, token);
}

TEST(Config, InvalidYamlNamesLine) {
  const std::string error = ErrorOf(ValidConfig() + "bot: [unclosed\n");
  EXPECT_NE(error.find("test.yaml: invalid YAML at line"), std::string::npos) << error;
}

TEST(Config, LoadNamesFileOnce) {
  const auto path = std::filesystem::path(::testing::TempDir()) / "config_test_bad.yaml";
  {
    std::ofstream file(path);
    file << ValidConfig() << "sever: {}\n";
  }
  std::string error = "no error";
  try {
    LoadConfig(path.string());
  } catch (const ConfigError& caught) {
    error = caught.what();
  }
  std::filesystem::remove(path);
  EXPECT_EQ(error, path.string() +
                       ": sever: unknown key; expected one of: agents, analytics, auth, bot, "
                       "calendars, canned_responses, compliance, crm, flows, inboxes, on_call, "
                       "outbox, routing, server, sla, store, surveys, teams, web");
}

// Returns ValidConfig() with the Twilio inbox line `key: ...` replaced by `key: value`, or the
// line appended when the inbox has no such key.
std::string WithSmsSetting(const std::string& key, const std::string& value) {
  std::string text = ValidConfig();
  const std::string prefix = "    " + key + ": ";
  const auto start = text.find(prefix);
  if (start == std::string::npos) {
    return text + prefix + value + "\n";
  }
  const auto end = text.find('\n', start);
  return text.replace(start, end - start, prefix + value);
}

TEST(Config, EmptyRequiredValueNamesKey) {
  const std::string error = ErrorOf(WithSmsSetting("auth_token", "\"\""));
  EXPECT_NE(error.find("inboxes[0].auth_token: required value is empty"), std::string::npos)
      << error;
}

TEST(Config, EmptyAfterExpansionNamesKey) {
  ASSERT_EQ(setenv("MOBILELINK_CONFIG_TEST_EMPTY", "", 1), 0);
  const std::string error =
      ErrorOf(WithSmsSetting("account_sid", "\"${MOBILELINK_CONFIG_TEST_EMPTY}\""));
  unsetenv("MOBILELINK_CONFIG_TEST_EMPTY");
  EXPECT_NE(error.find("inboxes[0].account_sid: required value is empty after expanding"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("${MOBILELINK_CONFIG_TEST_EMPTY}"), std::string::npos) << error;
}

TEST(Config, EmptyRequiredTextNamesKey) {
  std::string text = ValidConfig();
  const std::string literal = "help_reply: \"Help at example.com.\"";
  text.replace(text.find(literal), literal.size(), "help_reply: \"\"");
  const std::string error = ErrorOf(text);
  EXPECT_NE(error.find("compliance.help_reply: required value is empty"), std::string::npos)
      << error;
}

TEST(Config, RatePerSecondMustBePositiveNumber) {
  for (const std::string value : {"lots", "-5", "0", "100001", "1e400", "nan", "2x"}) {
    const std::string error = ErrorOf(WithSmsSetting("rate_per_second", value));
    EXPECT_NE(error.find("inboxes[0].rate_per_second: "), std::string::npos)
        << value << ": " << error;
  }
  for (const std::string value : {"0.5", "1", "100000"}) {
    const Config config = ParseConfig(WithSmsSetting("rate_per_second", value), "test.yaml");
    EXPECT_EQ(config.inboxes[0].Get("rate_per_second"), value);
  }
}

TEST(Config, RatePerSecondErrorSaysRange) {
  const std::string error = ErrorOf(WithSmsSetting("rate_per_second", "-5"));
  EXPECT_NE(error.find("greater than 0 and at most 100000"), std::string::npos) << error;
}

TEST(Config, TwilioFromMustBeSenderId) {
  for (const std::string value :
       {"\"+1202\"", "\"+1234567890123456\"", "\"+1202555014x\"", "2025550145", "\"1234\"",
        "\"ACME Corporation\"", "\"12345678\"", "\"ACME-Corp\"", "\"whatsapp:+12025550145\""}) {
    const std::string error = ErrorOf(WithSmsSetting("from", value));
    EXPECT_NE(error.find("inboxes[0].from: expected an E.164 number"), std::string::npos)
        << value << ": " << error;
  }
  for (const std::string value :
       {"+12025550145", "+4930123456", "12345", "123456", "ACME", "Acme Shop 1", "A"}) {
    const Config config = ParseConfig(WithSmsSetting("from", "\"" + value + "\""), "test.yaml");
    EXPECT_EQ(config.inboxes[0].Get("from"), value);
  }
}

std::string WithInboxId(const std::string& id) {
  std::string text = ValidConfig();
  const std::string line = "- id: sms";
  return text.replace(text.find(line), line.size(), "- id: " + id);
}

TEST(Config, InboxIdMustBeUrlSafe) {
  const std::vector<std::string> invalid = {"\"sms/1\"", "\"my inbox\"", "\"caf\u00e9\"",
                                            std::string(65, 'a')};
  for (const std::string& value : invalid) {
    const std::string error = ErrorOf(WithInboxId(value));
    EXPECT_NE(error.find("inboxes[0].id: inbox id"), std::string::npos) << value << ": " << error;
  }
  const Config config = ParseConfig(WithInboxId(std::string(64, 'a')), "test.yaml");
  EXPECT_EQ(config.inboxes[0].id, std::string(64, 'a'));
}

TEST(Config, SessionTtlMustBePositiveInteger) {
  const std::string webchat = "  - id: chat\n    channel: webchat\n    session_ttl_hours: ";
  for (const std::string value : {"0", "-1", "1.5", "forever", "87601"}) {
    const std::string error = ErrorOf(ValidConfig() + webchat + value + "\n");
    EXPECT_NE(error.find("inboxes[1].session_ttl_hours: expected a whole number from 1 to"),
              std::string::npos)
        << value << ": " << error;
  }
  const Config config = ParseConfig(ValidConfig() + webchat + "24\n", "test.yaml");
  EXPECT_EQ(config.inboxes[1].Get("session_ttl_hours"), "24");
}

TEST(Config, EmptyFileSaysSo) {
  for (const std::string text : {"", "# only a comment\n", "---\n"}) {
    const std::string error = ErrorOf(text);
    EXPECT_EQ(error, "test.yaml: the file is empty; expected a map with compliance, bot and "
                     "inboxes")
        << "input: " << text;
  }
}

TEST(Config, TopLevelListSaysSo) {
  for (const std::string text : {"- server\n- bot\n", "just text\n"}) {
    const std::string error = ErrorOf(text);
    EXPECT_TRUE(error.starts_with("test.yaml: the top level must be a map")) << error;
  }
}

TEST(Config, YamlSyntaxErrorNamesFileOnce) {
  const auto path = std::filesystem::path(::testing::TempDir()) / "config_test_syntax.yaml";
  {
    std::ofstream file(path);
    file << ValidConfig() << "bot: [unclosed\n";
  }
  std::string error = "no error";
  try {
    LoadConfig(path.string());
  } catch (const ConfigError& caught) {
    error = caught.what();
  }
  std::filesystem::remove(path);
  EXPECT_TRUE(error.starts_with(path.string() + ": invalid YAML at line ")) << error;
  EXPECT_EQ(error.find(path.string(), 1), std::string::npos) << error;
}

TEST(Config, MissingFileIsError) {
  const std::string path = ::testing::TempDir() + "/config_test_absent.yaml";
  EXPECT_THROW(LoadConfig(path), ConfigError);
}

}  // namespace
}  // namespace mobilelink::config
