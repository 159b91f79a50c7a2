#pragma once

// End-to-end test fixture: a FakeProvider and a whole Application, both in this process and on
// 127.0.0.1, with a config whose inboxes send to the fake and whose store lives in a fresh
// temporary directory. Helpers sign and post webhooks, log agents in, read the SQLite file
// read-only and wait, with a deadline, for asynchronous effects such as outbox sends.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "mobilelink/app/application.hpp"
#include "mobilelink/channels/common/form.hpp"
#include "mobilelink/channels/twilio_sms/signature.hpp"
#include "mobilelink/channels/whatsapp/signature.hpp"
#include "mobilelink/config/config.hpp"
#include "mobilelink/core/clock.hpp"
#include "mobilelink/http/client.hpp"
#include "mobilelink/security/credentials.hpp"
#include "mobilelink/tools/fake_provider.hpp"
#include "mobilelink/tools/tool_config.hpp"

namespace mobilelink::integration {

// Upper bound for every wait on an asynchronous effect. Reaching it fails the test, and passing
// tests return as soon as the effect is seen.
constexpr std::chrono::milliseconds kWaitLimit{15000};

constexpr char kTwilioAccountSid[] = "AC00000000000000000000000000000001";
constexpr char kTwilioAuthToken[] = "itest_twilio_auth_token";
constexpr char kTwilioFrom[] = "+12025550145";
constexpr char kWhatsAppPhoneNumberId[] = "200000000000001";
constexpr char kWhatsAppSecret[] = "itest_whatsapp_app_secret";
constexpr char kWhatsAppVerifyToken[] = "itest_whatsapp_verify_token";
constexpr char kAgentPassword[] = "agent-password";
constexpr char kSupervisorPassword[] = "supervisor-password";

constexpr char kOptOutConfirmation[] =
    "ExampleCo Support: you are unsubscribed. Reply START to resubscribe.";
constexpr char kOptInConfirmation[] = "ExampleCo Support: you are subscribed again.";
constexpr char kHandoffMessage[] = "I am passing you to a member of our support team.";
constexpr char kFallbackMessage[] = "Sorry, I did not understand that.";
constexpr char kGreetingAnswer[] = "Hello! How can I help you today?";

/// A directory under the system temp directory, removed with its contents on destruction.
class TempDir final {
 public:
  TempDir() {
    std::random_device random;
    const auto base = std::filesystem::temp_directory_path();
    for (int attempt = 0; attempt < 100; ++attempt) {
      auto candidate = base / ("mobilelink-itest-" + std::to_string(random()));
      if (std::filesystem::create_directory(candidate)) {
        path_ = std::move(candidate);
        return;
      }
    }
    throw std::runtime_error("could not create a temporary directory under " + base.string());
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& Path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Returns a TCP port on 127.0.0.1 that was free a moment ago. Another process can take it
/// before the caller binds, so callers retry with a new port when the bind fails.
inline std::uint16_t FindFreePort() {
  const int socket_fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (socket_fd < 0) {
    throw std::runtime_error("socket() failed while looking for a free port");
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  const bool bound = ::bind(socket_fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
                     ::getsockname(socket_fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  ::close(socket_fd);
  if (!bound) {
    throw std::runtime_error("could not bind 127.0.0.1:0 to find a free port");
  }
  return ntohs(address.sin_port);
}

/// Polls `condition` until it returns true or `timeout` passes. Returns the last result.
inline bool WaitUntil(const std::function<bool()>& condition,
                      std::chrono::milliseconds timeout = kWaitLimit) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (condition()) {
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

/// Returns the whole file as bytes, or an empty string when it does not exist.
inline std::string ReadFileBytes(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

/// Argon2id hashes of the test passwords, computed once per test binary because each hash
/// takes tens of milliseconds.
struct AgentHashes {
  std::string agent;
  std::string supervisor;
};

inline const AgentHashes& TestAgentHashes() {
  static const AgentHashes hashes = [] {
    security::InitCrypto();
    return AgentHashes{security::HashPassword(kAgentPassword),
                       security::HashPassword(kSupervisorPassword)};
  }();
  return hashes;
}

/// Settings of one test server config.
struct TestConfigOptions {
  std::string fake_url;    // Base URL of the fake provider, used as every inbox's api_base_url.
  std::string public_url;  // http://127.0.0.1:<app port>.
  std::filesystem::path store_path;
  std::string log_level = "info";
};

/// Returns the YAML of a server config with an SMS inbox `sms`, a WhatsApp inbox `whatsapp`,
/// a web chat inbox `chat`, agents alice (agent) and bob and carol (supervisors).
inline std::string TestConfigYaml(const TestConfigOptions& options) {
  const AgentHashes& hashes = TestAgentHashes();
  std::ostringstream yaml;
  yaml << "server:\n"
       << "  public_url: " << options.public_url << "\n"
       << "  log_level: " << options.log_level << "\n"
       << "store:\n"
       << "  path: \"" << options.store_path.string() << "\"\n"
       << "outbox:\n"
       << "  workers: 2\n"
       << "  base_backoff_ms: 20\n"
       << "  max_backoff_ms: 200\n"
       << "  send_timeout_ms: 5000\n"
       << "compliance:\n"
       << "  opt_out_confirmation: \"" << kOptOutConfirmation << "\"\n"
       << "  opt_in_confirmation: \"" << kOptInConfirmation << "\"\n"
       << "  help_reply: \"ExampleCo Support: help at support.example.com.\"\n"
       << "bot:\n"
       << "  handoff_after: 3\n"
       << "  handoff_message: \"" << kHandoffMessage << "\"\n"
       << "  fallback_message: \"" << kFallbackMessage << "\"\n"
       << "  rules:\n"
       << "    - name: greeting\n"
       << "      phrases: [\"hello\", \"hi there\"]\n"
       << "      answer: \"" << kGreetingAnswer << "\"\n"
       << "    - name: thanks\n"
       << "      phrases: [\"thank you\", \"thanks\"]\n"
       << "      answer: \"You are welcome.\"\n"
       << "  knowledge_base:\n"
       << "    - title: Track an order\n"
       << "      tags: [order, delivery, track, where]\n"
       << "      body: \"Track your order at example.com/orders.\"\n"
       << "agents:\n"
       << "  - login: alice\n"
       << "    name: Alice Agent\n"
       << "    role: agent\n"
       << "    password_hash: \"" << hashes.agent << "\"\n"
       << "  - login: bob\n"
       << "    name: Bob Supervisor\n"
       << "    role: supervisor\n"
       << "    password_hash: \"" << hashes.supervisor << "\"\n"
       << "  - login: carol\n"
       << "    name: Carol Supervisor\n"
       << "    role: supervisor\n"
       << "    password_hash: \"" << hashes.supervisor << "\"\n"
       << "inboxes:\n"
       << "  - id: sms\n"
       << "    channel: twilio_sms\n"
       << "    account_sid: " << kTwilioAccountSid << "\n"
       << "    auth_token: " << kTwilioAuthToken << "\n"
       << "    from: \"" << kTwilioFrom << "\"\n"
       << "    api_base_url: " << options.fake_url << "\n"
       << "    rate_per_second: 2000\n"
       << "  - id: whatsapp\n"
       << "    channel: whatsapp\n"
       << "    phone_number_id: \"" << kWhatsAppPhoneNumberId << "\"\n"
       << "    access_token: itest_whatsapp_access_token\n"
       << "    app_secret: " << kWhatsAppSecret << "\n"
       << "    verify_token: " << kWhatsAppVerifyToken << "\n"
       << "    api_base_url: " << options.fake_url << "\n"
       << "  - id: chat\n"
       << "    channel: webchat\n"
       << "    title: ExampleCo Support\n";
  return yaml.str();
}

/// Read-only access to the server's SQLite file. Each query opens the file again, so it reads
/// the latest commit.
class StoreReader final {
 public:
  explicit StoreReader(std::filesystem::path path) : path_(std::move(path)) {}

  /// Returns the first column of the first row of `sql` as an integer, 0 when there is no row.
  /// Throws std::runtime_error naming the query when SQLite fails.
  [[nodiscard]] std::int64_t Integer(const std::string& sql) const {
    std::int64_t value = 0;
    Run(sql, [&](sqlite3_stmt* statement) {
      value = sqlite3_column_int64(statement, 0);
      return false;
    });
    return value;
  }

  /// Returns the first column of every row of `sql` as text.
  [[nodiscard]] std::vector<std::string> Texts(const std::string& sql) const {
    std::vector<std::string> values;
    Run(sql, [&](sqlite3_stmt* statement) {
      const auto* text = sqlite3_column_text(statement, 0);
      values.emplace_back(text == nullptr ? "" : reinterpret_cast<const char*>(text));
      return true;
    });
    return values;
  }

  /// Returns the first column of the first row as text, or an empty string.
  [[nodiscard]] std::string Text(const std::string& sql) const {
    const auto values = Texts(sql);
    return values.empty() ? std::string() : values.front();
  }

 private:
  void Run(const std::string& sql, const std::function<bool(sqlite3_stmt*)>& on_row) const {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      const std::string message = db ? sqlite3_errmsg(db) : "out of memory";
      sqlite3_close(db);
      throw std::runtime_error("cannot open " + path_.string() + " read-only: " + message);
    }
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt* statement = nullptr;
    int status = sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr);
    if (status == SQLITE_OK) {
      while ((status = sqlite3_step(statement)) == SQLITE_ROW) {
        if (!on_row(statement)) {
          status = SQLITE_DONE;
          break;
        }
      }
    }
    const std::string message = sqlite3_errmsg(db);
    sqlite3_finalize(statement);
    sqlite3_close(db);
    if (status != SQLITE_DONE) {
      throw std::runtime_error("query failed: " + sql + ": " + message);
    }
  }

  std::filesystem::path path_;
};

/// Returns a JSON value parsed from `text`, or null when it is not JSON.
inline boost::json::value ParseJson(const std::string& text) {
  boost::system::error_code error;
  boost::json::value value = boost::json::parse(text, error);
  return error ? boost::json::value(nullptr) : value;
}

/// Returns error.code of a JSON error body, or an empty string.
inline std::string ErrorCode(const std::string& body) {
  const auto value = ParseJson(body);
  if (!value.is_object()) {
    return {};
  }
  const auto* error = value.as_object().if_contains("error");
  if (error == nullptr || !error->is_object()) {
    return {};
  }
  const auto* code = error->as_object().if_contains("code");
  return code != nullptr && code->is_string() ? std::string(code->as_string()) : std::string();
}

/// Sends one request over a fresh loopback-only client. A transport error becomes status 0
/// with the error message as the body, so callers can assert on the status alone.
inline http::ClientResponse SendRequest(const http::ClientRequest& request) {
  auto client = http::MakeHttpClient(http::ClientOptions{.loopback_only = true});
  auto result = client->Send(request);
  if (auto* error = std::get_if<http::ClientError>(&result)) {
    return http::ClientResponse{0, {}, error->message};
  }
  return std::get<http::ClientResponse>(std::move(result));
}

/// Returns a Twilio inbound SMS form from `from` to the test inbox's number.
inline channels::common::FormPairs TwilioInboundForm(const std::string& message_sid,
                                                     const std::string& from,
                                                     const std::string& body) {
  return {{"MessageSid", message_sid}, {"SmsMessageSid", message_sid},
          {"AccountSid", kTwilioAccountSid}, {"From", from},
          {"To", kTwilioFrom},            {"Body", body},
          {"NumMedia", "0"},              {"NumSegments", "1"},
          {"SmsStatus", "received"},      {"ApiVersion", "2010-04-01"}};
}

/// Returns a Twilio status callback form for an outbound message.
inline channels::common::FormPairs TwilioStatusForm(const std::string& message_sid,
                                                    const std::string& to,
                                                    const std::string& status) {
  return {{"MessageSid", message_sid}, {"SmsSid", message_sid},     {"AccountSid", kTwilioAccountSid},
          {"From", kTwilioFrom},       {"To", to},                  {"MessageStatus", status},
          {"SmsStatus", status},       {"ApiVersion", "2010-04-01"}};
}

/// Returns a WhatsApp Cloud API notification carrying one text message.
inline std::string WhatsAppTextNotification(const std::string& message_id,
                                            const std::string& wa_id, const std::string& text) {
  namespace json = boost::json;
  json::object message{{"from", wa_id},
                       {"id", message_id},
                       {"timestamp", "1735689600"},
                       {"type", "text"},
                       {"text", json::object{{"body", text}}}};
  json::object value{
      {"messaging_product", "whatsapp"},
      {"metadata", json::object{{"display_phone_number", "12025550145"},
                                {"phone_number_id", kWhatsAppPhoneNumberId}}},
      {"contacts", json::array{json::object{{"profile", json::object{{"name", "Pat Example"}}},
                                            {"wa_id", wa_id}}}},
      {"messages", json::array{message}}};
  json::object notification{
      {"object", "whatsapp_business_account"},
      {"entry", json::array{json::object{
                    {"id", "100000000000001"},
                    {"changes", json::array{json::object{{"field", "messages"},
                                                         {"value", value}}}}}}}};
  return json::serialize(notification);
}

/// Runs a FakeProvider and an Application for one test. Subclasses that need a manual clock
/// set `use_manual_clock_` before SetUp runs, in their constructor.
class ServerFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    tools::FakeProviderOptions fake_options;
    fake_options.loopback_callbacks_only = true;
    fake_options.callback_first_backoff = std::chrono::milliseconds(20);
    // The fake provider needs the server's URL for WhatsApp status callbacks, and the server
    // needs the fake's URL, so the server's port is chosen before either starts.
    for (int attempt = 1;; ++attempt) {
      const std::uint16_t port = FindFreePort();
      public_url_ = "http://127.0.0.1:" + std::to_string(port);
      try {
        StartServers(fake_options, port);
        break;
      } catch (const std::runtime_error& error) {
        StopServers();
        if (attempt == 5) {
          FAIL() << "the test servers did not start after 5 ports: " << error.what();
        }
      }
    }
  }

  void TearDown() override { StopServers(); }

  void StartServers(const tools::FakeProviderOptions& fake_options, std::uint16_t port) {
    fake_ = std::make_unique<tools::FakeProvider>(
        fake_options, tools::ParseToolConfig(ConfigYaml("http://127.0.0.1:1")));
    fake_->Start();
    config_yaml_ = ConfigYaml(fake_->BaseUrl());
    app::ApplicationOptions options;
    options.host = "127.0.0.1";
    options.port = port;
    options.client.loopback_only = true;
    options.clock = use_manual_clock_ ? &manual_clock_ : nullptr;
    options.timer_idle_poll = timer_idle_poll_;
    app_ = std::make_unique<app::Application>(config::ParseConfig(config_yaml_, "itest"),
                                              options);
    app_->Start();
  }

  void StopServers() {
    if (app_) {
      app_->Stop(std::chrono::milliseconds(2000));
      app_.reset();
    }
    if (fake_) {
      fake_->Stop();
      fake_.reset();
    }
  }

  [[nodiscard]] std::string ConfigYaml(const std::string& fake_url) const {
    return AdjustConfigYaml(TestConfigYaml({fake_url, public_url_, StorePath()}) +
                            extra_config_yaml_);
  }

  /// Lets a suite add sections or keys to the test config before the server starts.
  [[nodiscard]] virtual std::string AdjustConfigYaml(std::string yaml) const { return yaml; }

  [[nodiscard]] std::filesystem::path StorePath() const {
    return temp_dir_.Path() / "mobilelink.db";
  }

  [[nodiscard]] StoreReader Store() const { return StoreReader(StorePath()); }

  // --- HTTP -------------------------------------------------------------------------------

  http::ClientResponse Request(const std::string& method, const std::string& path,
                               std::string body = {}, http::Headers headers = {}) const {
    http::ClientRequest request;
    request.method = method;
    request.url = public_url_ + path;
    request.headers = std::move(headers);
    request.body = std::move(body);
    request.timeout = kWaitLimit;
    return SendRequest(request);
  }

  /// Posts a form to a Twilio webhook path, signed for the server's public URL.
  http::ClientResponse PostTwilio(const std::string& path,
                                  const channels::common::FormPairs& form) const {
    return PostTwilioSigned(path, form,
                            channels::twilio_sms::ComputeSignature(kTwilioAuthToken,
                                                                   public_url_ + path, form));
  }

  /// Posts a form with `signature` as X-Twilio-Signature, or with no such header when nullopt.
  http::ClientResponse PostTwilioSigned(const std::string& path,
                                        const channels::common::FormPairs& form,
                                        std::optional<std::string> signature) const {
    http::Headers headers;
    headers.Set("Content-Type", "application/x-www-form-urlencoded");
    if (signature) {
      headers.Set("X-Twilio-Signature", *signature);
    }
    return Request("POST", path, channels::common::EncodeForm(form), headers);
  }

  /// Posts a signed inbound SMS to the `sms` inbox.
  http::ClientResponse PostSms(const std::string& message_sid, const std::string& from,
                               const std::string& body) const {
    return PostTwilio("/webhooks/twilio/sms", TwilioInboundForm(message_sid, from, body));
  }

  /// Posts a body to the `whatsapp` inbox with a valid X-Hub-Signature-256.
  http::ClientResponse PostWhatsApp(const std::string& body) const {
    http::Headers headers;
    headers.Set("Content-Type", "application/json");
    headers.Set("X-Hub-Signature-256",
                channels::whatsapp::ComputeSignature(kWhatsAppSecret, body));
    return Request("POST", "/webhooks/whatsapp/whatsapp", body, headers);
  }

  /// Logs in with the password grant and returns the access token, or an empty string.
  std::string Login(const std::string& login, const std::string& password) const {
    http::Headers headers;
    headers.Set("Content-Type", "application/x-www-form-urlencoded");
    const auto response = Request(
        "POST", "/oauth/token",
        channels::common::EncodeForm(
            {{"grant_type", "password"}, {"username", login}, {"password", password}}),
        headers);
    const auto body = ParseJson(response.body);
    if (response.status != 200 || !body.is_object()) {
      ADD_FAILURE() << "login of " << login << " failed: " << response.status << " "
                    << response.body;
      return {};
    }
    return std::string(body.as_object().at("access_token").as_string());
  }

  /// Sends an API request with a bearer token and, when `json_body` is set, a JSON body.
  http::ClientResponse Api(const std::string& method, const std::string& path,
                           const std::string& token,
                           std::optional<std::string> json_body = std::nullopt) const {
    http::Headers headers;
    if (!token.empty()) {
      headers.Set("Authorization", "Bearer " + token);
    }
    if (json_body) {
      headers.Set("Content-Type", "application/json");
    }
    return Request(method, path, json_body.value_or(""), headers);
  }

  // --- Fake provider ----------------------------------------------------------------------

  /// Returns the successful sends whose text equals `text`.
  [[nodiscard]] std::vector<tools::RecordedSend> SendsWithText(const std::string& text) const {
    std::vector<tools::RecordedSend> matching;
    for (auto& send : fake_->Messages()) {
      if (send.text == text && http::IsSuccess(send.http_status)) {
        matching.push_back(std::move(send));
      }
    }
    return matching;
  }

  /// Waits until at least `count` successful sends with `text` reached the fake provider.
  bool WaitForSends(const std::string& text, std::size_t count = 1) const {
    return WaitUntil([&] { return SendsWithText(text).size() >= count; });
  }

  /// Waits until the outbox has no row that could still be sent: every row is done or failed.
  bool WaitForOutboxIdle() const {
    return WaitUntil([&] {
      return Store().Integer("SELECT COUNT(*) FROM outbox WHERE state NOT IN ('done','failed')") ==
             0;
    });
  }

  bool use_manual_clock_ = false;
  // Top-level sections appended to the test config, set in a subclass constructor.
  std::string extra_config_yaml_;
  // Maximum real-time sleep of the timer worker, lowered by tests that advance the clock.
  std::chrono::milliseconds timer_idle_poll_{1000};
  // Starts at a fixed instant, so time-window checks do not depend on the real date.
  core::ManualTimeSource manual_clock_{core::TimePoint(std::chrono::milliseconds(1767225600000))};
  TempDir temp_dir_;
  std::string public_url_;
  std::string config_yaml_;
  std::unique_ptr<tools::FakeProvider> fake_;
  std::unique_ptr<app::Application> app_;
};

}  // namespace mobilelink::integration
