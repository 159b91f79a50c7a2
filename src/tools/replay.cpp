#include "mobilelink/tools/replay.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "mobilelink/common/log.hpp"
#include "mobilelink/tools/replay_internal.hpp"

namespace mobilelink::tools {
namespace {

using replay_internal::ReplyCollector;
using replay_internal::WebhookBuilder;
using SteadyClock = std::chrono::steady_clock;

enum class Outcome { kAnswered, kAnsweredWithFallback, kHandedOff, kFailed, kRejected403 };

struct Customer {
  std::string number;
  std::deque<std::size_t> pending;  // Indexes of the messages this customer still sends.
  bool handed_off = false;          // A handoff notice arrived; later messages get no bot reply.
};

// Spaces sends evenly at a fixed rate shared by all workers.
class RateLimiter final {
 public:
  explicit RateLimiter(double rate_per_second) : rate_(rate_per_second) {}

  void Acquire() {
    if (rate_ <= 0) {
      return;
    }
    SteadyClock::time_point slot;
    {
      std::lock_guard lock(mutex_);
      slot = std::max(SteadyClock::now(), next_slot_);
      next_slot_ = slot + std::chrono::duration_cast<SteadyClock::duration>(
                              std::chrono::duration<double>(1.0 / rate_));
    }
    std::this_thread::sleep_until(slot);
  }

 private:
  const double rate_;
  std::mutex mutex_;
  SteadyClock::time_point next_slot_{};
};

// Runs the workers. Each customer is either in `ready_` or held by one worker, which keeps one
// message in flight per customer.
class ReplayRun final {
 public:
  ReplayRun(const ReplayOptions& options, const std::vector<Utterance>& utterances,
            const ToolConfig& config, const ToolInbox& inbox)
      : options_(options),
        utterances_(utterances),
        handoff_message_(config.HandoffMessage(inbox)),
        fallback_message_(config.fallback_message),
        builder_(options, config, inbox),
        collector_(options.provider, options.loopback_only),
        limiter_(options.rate_per_second),
        random_(std::random_device{}()) {
    const std::size_t count =
        options.limit == 0 ? utterances.size() : std::min(options.limit, utterances.size());
    const std::size_t customer_count =
        options.customers == 0 ? count
                               : std::min(options.customers, std::max<std::size_t>(count, 1));
    const std::uint64_t seed = options.seed != 0 ? options.seed : std::random_device{}();
    const auto numbers = GenerateCustomerNumbers(customer_count, seed);
    for (const auto& number : numbers) {
      customers_.push_back(Customer{number, {}, false});
    }
    for (std::size_t i = 0; i < count; ++i) {
      customers_[i % customer_count].pending.push_back(i);
    }
    for (std::size_t i = 0; i < customers_.size(); ++i) {
      if (!customers_[i].pending.empty()) {
        ready_.push_back(i);
      }
    }
  }

  ReplayReport Run() {
    collector_.Start();
    const auto started = SteadyClock::now();
    std::vector<std::thread> workers;
    const std::size_t worker_count = std::max<std::size_t>(1, options_.concurrency);
    for (std::size_t i = 0; i < worker_count; ++i) {
      workers.emplace_back([this] { WorkLoop(); });
    }
    for (auto& worker : workers) {
      worker.join();
    }
    collector_.Stop();
    report_.elapsed_s = std::chrono::duration<double>(SteadyClock::now() - started).count();
    report_.rate_per_s = report_.elapsed_s > 0 ? report_.messages_sent / report_.elapsed_s : 0;
    std::sort(latencies_ms_.begin(), latencies_ms_.end());
    report_.reply_p50_ms = replay_internal::Percentile(latencies_ms_, 50);
    report_.reply_p95_ms = replay_internal::Percentile(latencies_ms_, 95);
    report_.reply_p99_ms = replay_internal::Percentile(latencies_ms_, 99);
    if (report_.messages_sent > 0 && report_.rejected_403 == report_.messages_sent) {
      report_.hint = builder_.SignatureHint();
    }
    return report_;
  }

 private:
  void WorkLoop() {
    auto client =
        http::MakeHttpClient(http::ClientOptions{.loopback_only = options_.loopback_only});
    while (true) {
      std::size_t customer_index = 0;
      std::size_t message_index = 0;
      bool handed_off = false;
      {
        std::unique_lock lock(mutex_);
        work_changed_.wait(lock, [&] { return !ready_.empty() || busy_ == 0; });
        if (ready_.empty()) {
          return;
        }
        customer_index = ready_.front();
        ready_.pop_front();
        ++busy_;
        auto& customer = customers_[customer_index];
        message_index = customer.pending.front();
        customer.pending.pop_front();
        handed_off = customer.handed_off;
      }
      const auto [outcome, latency_ms] =
          SendOne(*client, customers_[customer_index].number, message_index, handed_off);
      Finish(customer_index, outcome, latency_ms);
    }
  }

  std::pair<Outcome, std::optional<double>> SendOne(http::HttpClient& client,
                                                    const std::string& number,
                                                    std::size_t message_index, bool handed_off) {
    std::string message_id;
    {
      std::lock_guard lock(mutex_);
      message_id = builder_.NewMessageId(random_);
      ++report_.messages_sent;
    }
    const auto request = builder_.Build(number, utterances_[message_index].text, message_id);
    limiter_.Acquire();
    if (!handed_off) {
      collector_.Expect(number);
    }
    const auto sent_at = SteadyClock::now();
    const auto result = client.Send(request);
    const auto* response = std::get_if<http::ClientResponse>(&result);
    if (response == nullptr || !http::IsSuccess(response->status)) {
      const auto reason = response == nullptr ? std::get<http::ClientError>(result).message
                                              : "HTTP status " + std::to_string(response->status);
      Logger("tools")->warn("replay webhook failed message_id={} from={} error=\"{}\"", message_id,
                            number, reason);
      collector_.Forget(number);
      const bool rejected = response != nullptr && response->status == 403;
      return {rejected ? Outcome::kRejected403 : Outcome::kFailed, std::nullopt};
    }
    if (handed_off) {
      return {Outcome::kHandedOff, std::nullopt};
    }
    // NOTE: replies carry no reference to the inbound message, so a late or second reply to
    // this customer's previous message is taken as the reply to this one.
    const auto reply = collector_.WaitForReply(number, sent_at + options_.timeout);
    if (!reply) {
      Logger("tools")->warn("replay reply timed out message_id={} from={} timeout_ms={}",
                            message_id, number, options_.timeout.count());
      return {Outcome::kFailed, std::nullopt};
    }
    const double latency_ms =
        std::chrono::duration<double, std::milli>(reply->seen_at - sent_at).count();
    if (!handoff_message_.empty() && reply->text == handoff_message_) {
      return {Outcome::kHandedOff, latency_ms};
    }
    const bool is_fallback = !fallback_message_.empty() && reply->text == fallback_message_;
    return {is_fallback ? Outcome::kAnsweredWithFallback : Outcome::kAnswered, latency_ms};
  }

  void Finish(std::size_t customer_index, Outcome outcome, std::optional<double> latency_ms) {
    std::lock_guard lock(mutex_);
    auto& customer = customers_[customer_index];
    switch (outcome) {
      case Outcome::kAnswered:
        ++report_.answered_by_bot;
        break;
      case Outcome::kAnsweredWithFallback:
        ++report_.answered_by_bot;
        ++report_.fallback_replies;
        break;
      case Outcome::kHandedOff:
        ++report_.handed_off;
        customer.handed_off = true;
        break;
      case Outcome::kFailed:
        ++report_.failed;
        break;
      case Outcome::kRejected403:
        ++report_.failed;
        ++report_.rejected_403;
        break;
    }
    if (latency_ms) {
      latencies_ms_.push_back(*latency_ms);
    }
    --busy_;
    if (!customer.pending.empty()) {
      ready_.push_back(customer_index);
    }
    work_changed_.notify_all();
  }

  const ReplayOptions& options_;
  const std::vector<Utterance>& utterances_;
  const std::string handoff_message_;
  const std::string fallback_message_;
  WebhookBuilder builder_;
  ReplyCollector collector_;
  RateLimiter limiter_;

  std::mutex mutex_;
  std::condition_variable work_changed_;
  std::vector<Customer> customers_;
  std::deque<std::size_t> ready_;
  std::size_t busy_ = 0;
  std::mt19937_64 random_;  // Message ids: random per run, so a rerun is not a provider retry.
  ReplayReport report_;
  std::vector<double> latencies_ms_;
};

double Round(double value, int digits) {
  const double scale = std::pow(10.0, digits);
  return std::round(value * scale) / scale;
}

}  // namespace

std::string ReplayReport::ToJson() const {
  // Written by hand because Boost.JSON prints doubles in exponent form (5.02E-1).
  return fmt::format(
      "{{\"messages_sent\":{},\"answered_by_bot\":{},\"fallback_replies\":{},"
      "\"handed_off\":{},\"failed\":{},"
      "\"reply_p50_ms\":{:.1f},\"reply_p95_ms\":{:.1f},\"reply_p99_ms\":{:.1f},"
      "\"elapsed_s\":{:.3f},\"rate_per_s\":{:.2f}}}",
      messages_sent, answered_by_bot, fallback_replies, handed_off, failed, reply_p50_ms, reply_p95_ms, reply_p99_ms,
      elapsed_s, rate_per_s);
}

std::string ReplayReport::Summary() const {
  std::ostringstream out;
  out << "replay: " << messages_sent << " messages sent in " << Round(elapsed_s, 2) << " s ("
      << Round(rate_per_s, 1) << "/s)\n"
      << "  answered by bot: " << answered_by_bot << " (of which fallback: " << fallback_replies
      << ")\n"
      << "  handed off:      " << handed_off << "\n"
      << "  failed:          " << failed << "\n"
      << "  reply latency:   p50 " << Round(reply_p50_ms, 1) << " ms, p95 "
      << Round(reply_p95_ms, 1) << " ms, p99 " << Round(reply_p99_ms, 1) << " ms\n";
  if (!hint.empty()) {
    out << "hint: " << hint << "\n";
  }
  return out.str();
}

ReplayReport Replay(const ReplayOptions& options, const std::vector<Utterance>& utterances,
                    const ToolConfig& config) {
  const ToolInbox* inbox = config.FindInbox(options.inbox);
  if (inbox == nullptr) {
    throw std::runtime_error("inbox '" + options.inbox + "' is not in the config");
  }
  ReplayRun run(options, utterances, config, *inbox);
  return run.Run();
}

}  // namespace mobilelink::tools
