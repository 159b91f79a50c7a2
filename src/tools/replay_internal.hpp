#pragma once

// Parts of the replay tool shared by its source files. Not for other users.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include "mobilelink/http/client.hpp"
#include "mobilelink/tools/replay.hpp"

namespace mobilelink::tools::replay_internal {

/// Builds the signed provider webhook for one inbound customer message.
class WebhookBuilder final {
 public:
  /// Throws std::runtime_error when the inbox's channel is not supported or a secret is missing.
  WebhookBuilder(const ReplayOptions& options, const ToolConfig& config, const ToolInbox& inbox);

  /// Returns the request for `text` from `customer` (E.164). `message_id` is unique per message.
  [[nodiscard]] http::ClientRequest Build(const std::string& customer, const std::string& text,
                                          const std::string& message_id) const;
  /// Returns a fresh provider message id: "SM" and 32 hex digits, or "wamid." and hex.
  [[nodiscard]] std::string NewMessageId(std::mt19937_64& random) const;
  /// Returns the advice to print when the server rejected every webhook with 403.
  [[nodiscard]] std::string SignatureHint() const;

 private:
  http::ClientRequest BuildTwilio(const std::string& customer, const std::string& text,
                                  const std::string& message_id) const;
  http::ClientRequest BuildWhatsApp(const std::string& customer, const std::string& text,
                                    const std::string& message_id) const;

  std::string channel_;
  std::string target_url_;  // Request URL on the server.
  std::string signed_url_;  // The URL Twilio would have signed: the server's public URL.
  std::string secret_;      // Twilio auth token or WhatsApp app secret.
  const ToolInbox& inbox_;
  std::chrono::milliseconds timeout_;
};

/// One reply that the fake provider recorded for a customer.
struct Reply {
  std::string text;
  std::chrono::steady_clock::time_point seen_at;
};

/// Follows the fake provider's record of sends with long polls and hands each reply to the
/// customer waiting for it.
class ReplyCollector final {
 public:
  ReplyCollector(std::string provider_url, bool loopback_only);
  ~ReplyCollector();
  ReplyCollector(const ReplyCollector&) = delete;
  ReplyCollector& operator=(const ReplyCollector&) = delete;

  /// Reads the current end of the record, so older sends are ignored, and starts polling.
  /// Throws std::runtime_error when the provider does not respond.
  void Start();
  /// Marks `customer` as waiting. Call it before sending, so a fast reply is not missed.
  void Expect(const std::string& customer);
  /// Waits for the reply to `customer` until `deadline`, then stops waiting for it.
  std::optional<Reply> WaitForReply(const std::string& customer,
                                    std::chrono::steady_clock::time_point deadline);
  void Forget(const std::string& customer);
  void Stop();

 private:
  void PollLoop();
  bool PollOnce(http::HttpClient& client);

  const std::string provider_url_;
  const bool loopback_only_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, std::optional<Reply>> waiting_;
  std::uint64_t cursor_ = 0;
  bool stopping_ = false;
  std::thread poller_;
};

/// Returns the value at percentile `p` (0..100) of `sorted`, by nearest rank; 0 when empty.
double Percentile(const std::vector<double>& sorted, double p);

}  // namespace mobilelink::tools::replay_internal
