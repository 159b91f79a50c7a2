#pragma once

// `mobilelink replay`: sends a dataset of customer messages to the server as signed provider
// webhooks, collects the bot's replies from the fake provider and reports how each message
// ended (answered by the bot, handed off, failed) with reply latencies.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "mobilelink/tools/dataset.hpp"
#include "mobilelink/tools/tool_config.hpp"

namespace CLI {
class App;
}  // namespace CLI

namespace mobilelink::tools {

struct ReplayOptions {
  std::filesystem::path input;      // CLINC150 JSON or text,label CSV.
  std::vector<std::string> splits;  // JSON splits to read; empty means test and oos_test.
  std::string inbox;                // Inbox id in the config.
  std::string url;                  // Server base URL, such as http://127.0.0.1:8080.
  std::string provider;             // Fake provider base URL.
  std::filesystem::path config_path = "config/demo.yaml";
  double rate_per_second = 0;                // 0 sends as fast as the concurrency allows.
  std::size_t limit = 0;                     // Maximum messages to send; 0 sends the whole dataset.
  std::size_t customers = 0;                 // Synthetic customers; 0 gives each message its own.
  std::chrono::milliseconds timeout{10000};  // Wait for each reply.
  std::size_t concurrency = 8;  // Messages in flight at once, at most one per customer.
  // Seeds the customer numbers; 0 picks a random seed, so a rerun does not continue the
  // conversations of the previous run.
  std::uint64_t seed = 0;
  bool loopback_only = false;  // Rejects non-loopback URLs. Tests set it.
};

/// Outcome counts and reply latencies of one replay. Latencies cover messages that got a reply.
struct ReplayReport {
  std::size_t messages_sent = 0;
  std::size_t answered_by_bot = 0;
  /// Replies equal to the config's bot.fallback_message. They are counted in answered_by_bot
  /// too, because the bot did reply, but they show how often it found no matching rule or
  /// article.
  std::size_t fallback_replies = 0;
  std::size_t handed_off = 0;
  std::size_t failed = 0;
  double reply_p50_ms = 0;
  double reply_p95_ms = 0;
  double reply_p99_ms = 0;
  double elapsed_s = 0;
  double rate_per_s = 0;  // Messages sent per second of elapsed time.
  std::size_t rejected_403 = 0;  // Webhooks the server rejected with HTTP 403 (bad signature).
  std::string hint;  // Advice for a likely setup mistake, printed under the summary; may be empty.

  /// Returns the report as one JSON object on one line.
  [[nodiscard]] std::string ToJson() const;
  /// Returns a few lines for a person.
  [[nodiscard]] std::string Summary() const;
};

/// Generates `count` distinct E.164 numbers that libphonenumber accepts as valid US numbers, in
/// the 415 area code when it has enough, deterministically from `seed`.
std::vector<std::string> GenerateCustomerNumbers(std::size_t count, std::uint64_t seed);

/// Replays `utterances` against the server. Throws std::runtime_error when the inbox is not in
/// `config`, its channel is not twilio_sms or whatsapp, or the provider cannot be reached.
ReplayReport Replay(const ReplayOptions& options, const std::vector<Utterance>& utterances,
                    const ToolConfig& config);

/// Reads the dataset and the config, replays and prints the summary and the JSON line.
/// Returns 0 when no message failed, 1 when some did, 2 on bad input.
int RunReplay(const ReplayOptions& options);

/// Registers the `replay` subcommand.
void AddReplayCommand(CLI::App& app);

}  // namespace mobilelink::tools
