#pragma once

// A local stand-in for the Twilio Messages API and the WhatsApp Cloud API send endpoint. It
// records every send, responds in the provider's shapes, sends signed status callbacks, and
// fails or slows down on request through a control API under /_fake/. The demo, the integration
// tests and the benchmarks point each inbox's `api_base_url` at it.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace CLI {
class App;
}  // namespace CLI

namespace mobilelink::tools {

struct ToolConfig;

struct FakeProviderOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;             // 0 picks a free port; FakeProvider::Port() returns it.
  std::filesystem::path config_path;  // Server config with the inboxes; empty means none.
  std::filesystem::path state_path;   // JSON-lines record of sends; empty means memory only.
  int threads = 2;
  // Rejects callback URLs whose host is not loopback. Tests set it.
  bool loopback_callbacks_only = false;
  std::chrono::milliseconds callback_timeout{5000};
  int callback_max_attempts = 4;
  std::chrono::milliseconds callback_first_backoff{200};  // Doubles after each failed attempt.
};

/// Failure and delay settings for the next sends, set through POST /_fake/behaviour.
struct FakeBehaviour {
  int fail_next = 0;  // Number of next sends that fail with `fail_status`.
  int fail_status = 500;
  int fail_code = 0;  // Provider error code in the body; 0 picks one that fits the status.
  std::chrono::milliseconds delay{0};  // Delay before each response.
  int retry_after_s = 0;               // Sent as Retry-After on a failure response when positive.
  // Send status callbacks after successful sends. When false, Twilio callbacks are dropped
  // and WhatsApp status webhooks are held until ReleaseHeldCallbacks.
  bool callbacks = true;
  std::chrono::milliseconds callback_delay{0};  // Delay before each status callback.
};

/// One request that reached a send endpoint, successful or not.
struct RecordedSend {
  std::uint64_t seq = 0;  // 1, 2, ...: order of arrival, kept across restarts with a state file.
  std::string provider;   // "twilio" or "whatsapp".
  std::string method;
  std::string path;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Parsed fields: the form pairs for Twilio, flattened JSON keys ("to", "text.body") for
  // WhatsApp.
  std::vector<std::pair<std::string, std::string>> fields;
  std::string to;          // E.164 with '+' for both providers.
  std::string from;        // Twilio From or MessagingServiceSid; the phone number id for WhatsApp.
  std::string text;        // Body or text.body.
  std::string message_id;  // The sid or wamid in the response; empty when the send failed.
  int http_status = 0;     // Status of the response.
  std::string delivery_status;  // queued, sent, delivered; empty when the send failed.
  std::chrono::system_clock::time_point received_at;

  /// Returns the first value of a parsed field, or nullopt.
  [[nodiscard]] std::optional<std::string> Field(std::string_view name) const;
};

class FakeProvider final {
 public:
  /// Reads `options.config_path` when set. Throws ToolConfigError for an unreadable config.
  explicit FakeProvider(FakeProviderOptions options);
  /// Uses `config` in place of a config file.
  FakeProvider(FakeProviderOptions options, ToolConfig config);
  ~FakeProvider();
  FakeProvider(const FakeProvider&) = delete;
  FakeProvider& operator=(const FakeProvider&) = delete;

  /// Loads the state file, binds and starts serving. Throws std::runtime_error when the address
  /// cannot be bound or the state file is unreadable.
  void Start();
  [[nodiscard]] std::uint16_t Port() const;
  /// Returns "http://HOST:PORT".
  [[nodiscard]] std::string BaseUrl() const;
  [[nodiscard]] std::vector<RecordedSend> Messages() const;
  void ClearMessages();
  void SetBehaviour(const FakeBehaviour& behaviour);
  [[nodiscard]] FakeBehaviour Behaviour() const;
  /// Returns the number of status callbacks that got a 2xx response.
  [[nodiscard]] std::uint64_t CallbacksDelivered() const;
  /// Returns the number of status callbacks given up after the last attempt.
  [[nodiscard]] std::uint64_t CallbacksAbandoned() const;
  /// Sends the WhatsApp status webhooks held while `callbacks` was false, as POST
  /// /_fake/callbacks/release does. Returns how many messages had held statuses.
  std::size_t ReleaseHeldCallbacks();
  /// Answers pending delayed requests, stops serving and drops callbacks not yet sent.
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

/// Runs the fake provider until SIGINT or SIGTERM. Returns the process exit code.
int RunFakeProvider(const FakeProviderOptions& options);

/// Registers the `fake-provider` subcommand.
void AddFakeProviderCommand(CLI::App& app);

}  // namespace mobilelink::tools
