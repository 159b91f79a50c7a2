#pragma once

// Internals of FakeProvider, shared by its split source files. Not for other users.

#include <atomic>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "mobilelink/http/client.hpp"
#include "mobilelink/http/server.hpp"
#include "mobilelink/http/types.hpp"
#include "mobilelink/tools/fake_provider.hpp"
#include "mobilelink/tools/task_scheduler.hpp"
#include "mobilelink/tools/tool_config.hpp"

namespace mobilelink::tools {

/// One status callback request and what to do once it is delivered or abandoned.
struct CallbackJob {
  std::string url;
  http::Headers headers;
  std::string body;
  std::string description;      // For logs: "twilio SM... sent". Holds no secret.
  std::uint64_t seq = 0;        // Record whose delivery status moves on success.
  std::string delivery_status;  // Status the callback reports.
  std::function<void()> then;   // Runs after success or after the last failed attempt.
};

class FakeProvider::Impl final {
 public:
  Impl(FakeProviderOptions options, ToolConfig config);

  void Start();
  void Stop();
  [[nodiscard]] std::uint16_t Port() const;
  /// Returns the host to reach the server at: the bound host, or 127.0.0.1 for a wildcard.
  [[nodiscard]] std::string BaseHost() const;
  [[nodiscard]] std::vector<RecordedSend> Messages() const;
  void ClearMessages();
  void SetBehaviour(const FakeBehaviour& behaviour);
  [[nodiscard]] FakeBehaviour Behaviour() const;
  std::size_t ReleaseHeldCallbacks();

  std::atomic<std::uint64_t> callbacks_delivered{0};
  std::atomic<std::uint64_t> callbacks_abandoned{0};

 private:
  // A long poll on GET /_fake/messages waiting for a send with seq > since.
  struct Waiter {
    std::uint64_t since = 0;
    std::string to;
    http::Responder responder;
    std::shared_ptr<std::atomic<bool>> answered;
  };

  // fake_provider.cpp
  void LoadState();
  std::uint64_t Record(RecordedSend record);
  void SetDeliveryStatus(std::uint64_t seq, const std::string& status);
  void Answer(const http::Responder& responder, http::HttpResponse response,
              std::chrono::milliseconds delay);
  // Returns the behaviour to fail this send with, and counts it, when fail_next is positive.
  std::optional<FakeBehaviour> TakeFailure();
  std::string RandomHex(std::size_t length);
  // Returns the records with seq > since sent to `to` (any when empty), and the highest seq
  // assigned so far, which a client passes as the next `since`.
  std::pair<std::vector<RecordedSend>, std::uint64_t> SelectRecords(std::uint64_t since,
                                                                    const std::string& to) const;

  // fake_provider_control.cpp
  void AddControlRoutes(http::Router& router);
  void HandleListMessages(http::HttpRequest&& request, const http::Responder& responder);
  void HandleSetBehaviour(http::HttpRequest&& request, const http::Responder& responder);
  void WakeWaiters();

  // fake_provider_twilio.cpp
  void AddTwilioRoutes(http::Router& router);
  void HandleTwilioSend(http::HttpRequest&& request, const http::Responder& responder);
  void HandleTwilioList(http::HttpRequest&& request, const http::Responder& responder);
  void QueueTwilioCallbacks(const RecordedSend& record, const std::string& account_sid,
                            const std::string& auth_token, const std::string& callback_url,
                            std::chrono::milliseconds delay);

  // fake_provider_whatsapp.cpp
  void AddWhatsAppRoutes(http::Router& router);
  void HandleWhatsAppSend(http::HttpRequest&& request, const http::Responder& responder);
  // Posts the statuses of a send, or keeps them back when `behaviour.callbacks` is false.
  void QueueWhatsAppCallbacks(const RecordedSend& record, const FakeBehaviour& behaviour);

  // fake_provider_callbacks.cpp
  void PostCallback(std::shared_ptr<CallbackJob> job, int attempt, std::chrono::milliseconds delay);
  void SendCallback(const std::shared_ptr<CallbackJob>& job, int attempt);

  const FakeProviderOptions options_;
  const ToolConfig config_;

  mutable std::mutex mutex_;
  std::vector<RecordedSend> records_;
  std::uint64_t next_seq_ = 1;
  FakeBehaviour behaviour_;
  std::vector<Waiter> waiters_;
  // First status job of each send whose WhatsApp statuses are held; each runs the next.
  std::vector<std::shared_ptr<CallbackJob>> held_callbacks_;
  std::ofstream state_file_;
  std::mt19937_64 random_;

  // Only the callback scheduler's thread uses this client.
  std::unique_ptr<http::HttpClient> callback_client_;
  TaskScheduler responses_{TaskScheduler::OnStop::kRunNow};
  TaskScheduler callbacks_{TaskScheduler::OnStop::kDrop};
  std::unique_ptr<http::Server> server_;
  bool stopped_ = false;  // Start and Stop run on one controlling thread.
};

/// Serializes a record for GET /_fake/messages and the state file.
boost::json::object RecordToJson(const RecordedSend& record);
/// Parses a record written by RecordToJson. Throws std::exception subclasses on bad input.
RecordedSend RecordFromJson(const boost::json::value& json);
/// Formats a time as RFC 2822 in UTC: "Wed, 01 Jan 2025 12:00:00 +0000".
std::string FormatRfc2822(std::chrono::system_clock::time_point time);
/// Formats a time as RFC 3339 in UTC with milliseconds.
std::string FormatRfc3339(std::chrono::system_clock::time_point time);
/// Returns true for "+" followed by 2 to 15 digits, the first not 0.
bool IsE164(std::string_view number);

}  // namespace mobilelink::tools
