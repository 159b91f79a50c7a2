#include "mobilelink/outbox/outbox_worker.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include <spdlog/spdlog.h>

#include "mobilelink/channels/registry.hpp"
#include "mobilelink/common/log.hpp"
#include "mobilelink/common/metrics.hpp"
#include "mobilelink/outbox/outbox_repository.hpp"

namespace mobilelink::outbox {

std::string WebhookSegment(std::string_view channel) {
  if (channel == "twilio_sms" || channel == "twilio_voice") {
    return "twilio";
  }
  return std::string(channel);
}

std::string StatusCallbackUrl(const std::string& public_url, const channels::InboxConfig& inbox) {
  if (inbox.channel != "twilio_sms") {
    return {};
  }
  const std::string base = inbox.Get("public_url");
  if (!base.empty()) {
    return base + "/status";
  }
  return public_url + "/webhooks/" + WebhookSegment(inbox.channel) + "/" + inbox.id + "/status";
}

std::string CallbackDataFor(std::int64_t outbox_id) {
  return std::string(kCallbackDataPrefix) + std::to_string(outbox_id);
}

std::chrono::milliseconds OrphanStatusMaxAge(const config::OutboxConfig& outbox) {
  return std::max<std::chrono::milliseconds>(std::chrono::hours(24),
                                             2 * outbox.whatsapp_status_wait);
}

bool IsSameAddress(std::string_view status_recipient, std::string_view row_recipient) {
  const auto without_plus = [](std::string_view address) {
    return address.starts_with('+') ? address.substr(1) : address;
  };
  return !status_recipient.empty() &&
         without_plus(status_recipient) == without_plus(row_recipient);
}

namespace {

// A token bucket per inbox. Capacity is one second of tokens, at least one.
class RateLimiter {
 public:
  explicit RateLimiter(double per_second)
      : per_second_(per_second), capacity_(std::max(1.0, per_second)), tokens_(capacity_) {}

  // Takes a token and returns zero, or returns how long until one is available.
  std::chrono::milliseconds TryTake(core::TimePoint now) {
    Refill(now);
    if (tokens_ >= 1) {
      tokens_ -= 1;
      return std::chrono::milliseconds(0);
    }
    const double wait_seconds = (1 - tokens_) / per_second_;
    return std::chrono::milliseconds(static_cast<long>(wait_seconds * 1000) + 1);
  }

 private:
  void Refill(core::TimePoint now) {
    if (last_ != core::TimePoint{}) {
      const double elapsed = std::chrono::duration<double>(now - last_).count();
      tokens_ = std::min(capacity_, tokens_ + std::max(0.0, elapsed) * per_second_);
    }
    last_ = now;
  }

  double per_second_;
  double capacity_;
  double tokens_;
  core::TimePoint last_{};
};

double RateFor(const channels::InboxConfig& inbox, const channels::ChannelAdapter& adapter) {
  const std::string configured = inbox.Get("rate_per_second");
  if (!configured.empty()) {
    return std::max(0.01, std::stod(configured));
  }
  // US short codes (5-6 digits) carry about 100 messages/s; long codes about 1/s.
  // https://www.twilio.com/docs/messaging/guides/how-to-scale-your-messaging
  const std::string from = inbox.Get("from");
  if (inbox.channel == "twilio_sms" && !from.empty() && from.size() <= 6 &&
      std::all_of(from.begin(), from.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return 100;
  }
  return adapter.GetCapabilities().default_rate_per_second;
}

}  // namespace

class OutboxWorker::Impl {
 public:
  Impl(WorkerOptions options, std::vector<channels::InboxConfig> inboxes, store::Store& store,
       const core::ConversationService& service, const core::TimeSource& clock, PushDelivery push)
      : options_(std::move(options)),
        store_(store),
        service_(service),
        clock_(clock),
        push_(std::move(push)),
        random_(std::random_device{}()) {
    for (auto& inbox : inboxes) {
      const auto* adapter = channels::FindAdapter(inbox.channel);
      if (adapter == nullptr) {
        continue;
      }
      Route route{inbox, adapter, std::make_unique<RateLimiter>(RateFor(inbox, *adapter))};
      routes_.emplace(inbox.id, std::move(route));
    }
  }

  void Start() {
    std::vector<core::OutboxEntry> interrupted;
    int awaiting_status = 0;
    store_.WriteAndWait([&](core::Repository& repository) {
      // A row of a channel whose statuses name the row is not sent again at once. It waits for
      // such a status until its due time, which is stored, so a later restart keeps waiting.
      auto outbox_repository = OpenOutboxRepository(repository);
      const core::TimePoint wait_end = clock_.Now() + options_.outbox.whatsapp_status_wait;
      for (const auto& [inbox_id, route] : routes_) {
        if (AwaitsStatus(route)) {
          awaiting_status +=
              outbox_repository->DelaySendingRows(inbox_id, wait_end, kAwaitingStatusError);
        }
      }
      interrupted = repository.RecoverInterruptedOutbox();
    });
    if (awaiting_status > 0) {
      Logger("events")->info("outbox recovery awaiting_status_webhook={} wait_ms={}",
                             awaiting_status, options_.outbox.whatsapp_status_wait.count());
    }
    if (!interrupted.empty()) {
      // The dispatcher claims these like pending rows and looks each one up before sending.
      Logger("events")->info("outbox recovery entries={}", interrupted.size());
    }
    for (int i = 0; i < options_.outbox.workers; ++i) {
      senders_.emplace_back([this] { RunSender(); });
    }
    dispatcher_ = std::thread([this] { RunDispatcher(); });
  }

  void Notify() {
    std::lock_guard lock(mutex_);
    notified_ = true;
    dispatch_wake_.notify_one();
  }

  void Stop(std::chrono::milliseconds grace) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) {
        return;
      }
      stopping_ = true;
      dispatch_wake_.notify_all();
    }
    if (dispatcher_.joinable()) {
      dispatcher_.join();
    }
    std::deque<Job> unstarted;
    {
      std::unique_lock lock(mutex_);
      idle_.wait_for(lock, grace, [&] { return in_flight_ == 0; });
      unstarted.swap(ready_);
      senders_stop_ = true;
      sender_wake_.notify_all();
    }
    for (auto& sender : senders_) {
      sender.join();
    }
    // Claimed rows that no sender started go back to the state they were claimed from, so the
    // next start sends them without a lookup. If this write fails they stay in `sending` and
    // are recovered as unknown: none is lost and none is sent twice.
    if (!unstarted.empty()) {
      store_.WriteAndWait([&](core::Repository& repository) {
        for (const auto& job : unstarted) {
          core::OutboxEntry entry = job.entry;
          entry.state = job.outcome_unknown ? "unknown" : "pending";
          entry.attempts -= 1;
          repository.UpdateOutbox(entry, "");
        }
      });
    }
  }

 private:
  struct Route {
    channels::InboxConfig inbox;
    const channels::ChannelAdapter* adapter;
    std::unique_ptr<RateLimiter> limiter;
  };
  struct Job {
    core::OutboxEntry entry;
    bool outcome_unknown = false;  // Look the message up before sending it again.
  };

  static constexpr auto kPruneInterval = std::chrono::hours(1);

  static constexpr std::string_view kAwaitingStatusError =
      "the send outcome is unknown; waiting for a status webhook that names this row";

  static bool AwaitsStatus(const Route& route) {
    return route.adapter->GetCapabilities().status_callback_data;
  }

  [[nodiscard]] const Route* FindRoute(const std::string& inbox_id) const {
    const auto found = routes_.find(inbox_id);
    return found == routes_.end() ? nullptr : &found->second;
  }

  void RunDispatcher() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      const auto next_wait = DispatchDue();
      lock.lock();
      if (stopping_) {
        break;
      }
      if (!notified_) {
        dispatch_wake_.wait_for(lock, next_wait, [&] { return stopping_ || notified_; });
      }
      notified_ = false;
    }
  }

  // Claims due rows and queues them for senders. Returns how long to sleep.
  std::chrono::milliseconds DispatchDue() {
    std::size_t capacity = 0;
    {
      std::lock_guard lock(mutex_);
      const std::size_t queued = ready_.size() + in_flight_;
      const std::size_t limit = static_cast<std::size_t>(options_.outbox.workers) * 4;
      capacity = queued >= limit ? 0 : limit - queued;
    }
    if (capacity == 0) {
      return std::chrono::milliseconds(5);
    }
    const core::TimePoint now = clock_.Now();
    std::vector<core::OutboxEntry> claimed;
    std::vector<core::OutboxEntry> deferred;
    std::optional<core::TimePoint> next_due;
    SettleResult settle;
    int pruned = 0;
    store::WriteResult result = store_.WriteAndWait([&](core::Repository& repository) {
      // Rows that a status webhook settled are done before any claim, so none is sent again.
      settle = SettleByStatus(repository);
      pruned = PruneOrphanStatusesIfDue(repository, now);
      claimed = repository.ClaimDueOutbox(now, static_cast<int>(capacity));
      // Rows over their inbox's rate go back to pending, due when a token frees up.
      for (auto it = claimed.begin(); it != claimed.end();) {
        auto route = routes_.find(it->inbox_id);
        const auto wait = route == routes_.end() ? std::chrono::milliseconds(0)
                                                 : route->second.limiter->TryTake(now);
        if (wait.count() > 0) {
          it->state = it->outcome_unknown ? "unknown" : "pending";
          it->attempts -= 1;
          it->due_at = now + wait;
          repository.UpdateOutbox(*it, "");
          deferred.push_back(*it);
          it = claimed.erase(it);
        } else {
          ++it;
        }
      }
      next_due = repository.NextOutboxDue();
      GlobalMetrics()
          .GetGauge("mobilelink_outbox_depth", "Outbox rows waiting to be sent.")
          .Set(static_cast<double>(repository.CountOutbox("pending")));
    });
    if (!result.ok) {
      Logger("events")->error("outbox claim failed error=\"{}\"", result.error);
      return std::chrono::milliseconds(200);
    }
    LogSettled(settle, pruned);
    if (!claimed.empty()) {
      std::lock_guard lock(mutex_);
      for (auto& entry : claimed) {
        const bool unknown = entry.outcome_unknown;
        ready_.push_back({std::move(entry), unknown});
      }
      sender_wake_.notify_all();
    }
    if (!claimed.empty() && claimed.size() == capacity) {
      return std::chrono::milliseconds(0);
    }
    auto wait = options_.idle_poll;
    if (next_due) {
      const auto until = std::chrono::duration_cast<std::chrono::milliseconds>(*next_due - now);
      wait = std::clamp(until, std::chrono::milliseconds(1), options_.idle_poll);
    }
    return wait;
  }

  void RunSender() {
    auto client = http::MakeHttpClient(options_.client);
    std::unique_lock lock(mutex_);
    for (;;) {
      sender_wake_.wait(lock, [&] { return senders_stop_ || !ready_.empty(); });
      if (senders_stop_) {
        return;
      }
      Job job = std::move(ready_.front());
      ready_.pop_front();
      ++in_flight_;
      lock.unlock();
      Process(*client, job);
      lock.lock();
      --in_flight_;
      if (in_flight_ == 0) {
        idle_.notify_all();
      }
      // A finished send may free a conversation whose next row is waiting.
      notified_ = true;
      dispatch_wake_.notify_one();
    }
  }

  struct SettleResult {
    std::vector<StatusMatch> settled;
    std::vector<StatusMatch> wrong_recipient;
  };

  // Marks done every `unknown` row that a kept status names by its callback data and addresses
  // to the row's recipient, with that status's provider message id, and applies the kept
  // statuses to its message. A status to another recipient is not this row's send, so its
  // callback data is cleared: it never settles the row, and it is reported once.
  SettleResult SettleByStatus(core::Repository& repository) {
    auto outbox_repository = OpenOutboxRepository(repository);
    SettleResult result;
    std::set<std::int64_t> settled_rows;
    for (auto& match : outbox_repository->FindStatusMatches(100)) {
      if (settled_rows.contains(match.entry.id)) {
        continue;
      }
      if (!IsSameAddress(match.status_recipient, match.entry.recipient)) {
        outbox_repository->ClearStatusCallbackData(match.status_id);
        result.wrong_recipient.push_back(std::move(match));
        continue;
      }
      service_.RecordSendSuccess(repository, match.entry, match.provider_message_id,
                                 core::DeliveryStatus::kQueued);
      settled_rows.insert(match.entry.id);
      result.settled.push_back(std::move(match));
    }
    return result;
  }

  // Deletes kept statuses older than OrphanStatusMaxAge, at most once per kPruneInterval on the
  // injected clock. Returns the number deleted.
  int PruneOrphanStatusesIfDue(core::Repository& repository, core::TimePoint now) {
    if (last_prune_ && now - *last_prune_ < kPruneInterval) {
      return 0;
    }
    last_prune_ = now;
    return OpenOutboxRepository(repository)->PruneOrphanStatuses(
        now - OrphanStatusMaxAge(options_.outbox));
  }

  void LogSettled(const SettleResult& settle, int pruned) {
    for (const auto& match : settle.settled) {
      Logger("events")->info(
          "send with unknown outcome settled by a status webhook message_id={} inbox_id={} "
          "provider_message_id={}",
          match.entry.message_id, match.entry.inbox_id, match.provider_message_id);
      if (const Route* route = FindRoute(match.entry.inbox_id)) {
        Count(*route, "status_matched");
      }
    }
    for (const auto& match : settle.wrong_recipient) {
      Logger("events")->warn(
          "status webhook names an outbox row but another recipient, so the row keeps waiting "
          "outbox_id={} inbox_id={} provider_message_id={} status_recipient={} "
          "row_recipient={}",
          match.entry.id, match.entry.inbox_id, match.provider_message_id,
          match.status_recipient, match.entry.recipient);
    }
    if (pruned > 0) {
      Logger("events")->info("orphan statuses pruned count={}", pruned);
    }
  }

  channels::OutboundMessage ToOutbound(const core::OutboxEntry& entry, const Route& route) const {
    channels::OutboundMessage message;
    message.message_id = entry.message_id;
    message.to = entry.recipient;
    message.text = entry.text;
    message.media = entry.media;
    message.options = entry.options;
    message.status_callback_url = StatusCallbackUrl(options_.public_url, route.inbox);
    if (AwaitsStatus(route)) {
      message.callback_data = CallbackDataFor(entry.id);
    }
    return message;
  }

  void Process(http::HttpClient& client, const Job& job) {
    const auto found = routes_.find(job.entry.inbox_id);
    if (found == routes_.end()) {
      Finish(job.entry, "config_invalid", "inbox " + job.entry.inbox_id + " is not configured");
      return;
    }
    const Route& route = found->second;
    if (route.adapter->GetCapabilities().push_delivery) {
      const bool handed = push_ && push_(job.entry);
      Succeed(job.entry, route, "webchat-" + std::to_string(job.entry.message_id),
              handed ? core::DeliveryStatus::kDelivered : core::DeliveryStatus::kSent);
      return;
    }
    if (IsOptedOut(job.entry, route)) {
      Count(route, "contact_opted_out");
      Finish(job.entry, "contact_opted_out",
             "the contact opted out of inbox " + job.entry.inbox_id + " before this was sent");
      return;
    }
    const channels::OutboundMessage message = ToOutbound(job.entry, route);
    if (job.outcome_unknown && LookUp(client, job.entry, route, message)) {
      return;
    }
    if (job.outcome_unknown && AwaitsStatus(route) && !ResendAfterWait(job.entry, route)) {
      return;
    }
    auto request = route.adapter->BuildSend(route.inbox, message);
    if (!request) {
      Finish(job.entry, "config_invalid", "channel " + route.inbox.channel + " cannot send");
      return;
    }
    request->timeout = options_.outbox.send_timeout;
    const http::ClientResult result = client.Send(*request);
    if (const auto* error = std::get_if<http::ClientError>(&result)) {
      HandleTransportError(client, job.entry, route, message, *error);
      return;
    }
    const auto& response = std::get<http::ClientResponse>(result);
    const channels::SendResult sent = route.adapter->ParseSendResponse(response);
    Count(route, sent.ok ? "accepted" : std::string(channels::ToString(sent.failure)));
    if (sent.ok) {
      Succeed(job.entry, route, sent.provider_message_id, sent.status);
    } else if (sent.retryable) {
      Retry(job.entry, sent.error_code + " " + sent.error_message, sent.retry_after);
    } else {
      Finish(job.entry, sent.error_code.empty() ? std::string(channels::ToString(sent.failure))
                                                : sent.error_code,
             sent.error_message);
    }
  }

  // Rechecks consent at send time: a reply queued, or waiting for a retry, when the customer
  // replied STOP must not go out. The consent confirmations themselves are system messages.
  bool IsOptedOut(const core::OutboxEntry& entry, const Route& route) {
    if (!route.adapter->GetCapabilities().keyword_opt_out ||
        entry.sender == core::SenderKind::kSystem) {
      return false;
    }
    bool opted_out = false;
    store_.Read([&](core::Repository& repository) {
      opted_out = repository.IsOptedOut(entry.inbox_id, entry.recipient);
    });
    return opted_out;
  }

  void HandleTransportError(http::HttpClient& client, const core::OutboxEntry& entry,
                            const Route& route, const channels::OutboundMessage& message,
                            const http::ClientError& error) {
    Count(route, TransportOutcome(error));
    if (error.kind == http::ClientErrorKind::kHostNotAllowed ||
        error.kind == http::ClientErrorKind::kInvalidUrl) {
      Finish(entry, "config_invalid", error.message);
      return;
    }
    if (!error.may_have_reached_peer) {
      Retry(entry, error.message, std::nullopt);
      return;
    }
    // The provider may have read the request and accepted the message, whether the failure
    // was a timeout, a reset or a close before the response: ask before sending again.
    if (AwaitsStatus(route)) {
      AwaitStatus(entry, error.message);
      return;
    }
    if (LookUp(client, entry, route, message)) {
      return;
    }
    Retry(entry, error.message, std::nullopt);
  }

  static std::string TransportOutcome(const http::ClientError& error) {
    if (error.kind == http::ClientErrorKind::kTimeout) {
      return "timeout";
    }
    return error.may_have_reached_peer ? "connection_lost" : "connection_failed";
  }

  // Returns true when the lookup settled the row (found and recorded).
  bool LookUp(http::HttpClient& client, const core::OutboxEntry& entry, const Route& route,
              const channels::OutboundMessage& message) {
    // The provider's clock and ours differ; a minute of slack keeps the accepted message in
    // the lookup window.
    channels::OutboundMessage lookup_message = message;
    lookup_message.attempted_at = entry.claimed_at - std::chrono::minutes(1);
    auto request = route.adapter->BuildLookup(route.inbox, lookup_message,
                                              *lookup_message.attempted_at);
    if (!request) {
      return false;
    }
    request->timeout = options_.outbox.send_timeout;
    const http::ClientResult result = client.Send(*request);
    const auto* response = std::get_if<http::ClientResponse>(&result);
    if (response == nullptr || !http::IsSuccess(response->status)) {
      Retry(entry, "lookup of a send with unknown outcome failed", std::nullopt, true);
      return true;
    }
    const channels::LookupResult lookup =
        route.adapter->ParseLookupResponse(lookup_message, *response);
    if (!lookup.conclusive) {
      Retry(entry, "lookup of a send with unknown outcome was inconclusive", std::nullopt, true);
      return true;
    }
    if (!lookup.found) {
      return false;
    }
    // The same text may have gone to this customer before; a provider id already recorded for
    // another message is that earlier send, not this one.
    std::vector<std::string> candidates = lookup.candidates;
    if (candidates.empty()) {
      candidates.push_back(lookup.provider_message_id);
    }
    std::optional<std::string> unclaimed;
    store_.Read([&](core::Repository& repository) {
      for (const auto& candidate : candidates) {
        const auto known = repository.FindOutboundMessage(entry.inbox_id, candidate);
        if (!known || known->id == entry.message_id) {
          unclaimed = candidate;
          return;
        }
      }
    });
    if (!unclaimed) {
      return false;
    }
    Count(route, "reconciled");
    Succeed(entry, route, *unclaimed, core::DeliveryStatus::kSent);
    return true;
  }

  void Succeed(const core::OutboxEntry& entry, const Route& route, const std::string& provider_id,
               core::DeliveryStatus status) {
    const auto created = entry.due_at;
    store_.Write(
        [this, entry, provider_id, status](core::Repository& repository) {
          service_.RecordSendSuccess(repository, entry, provider_id, status);
        },
        [this, entry, created, channel = route.inbox.channel](const store::WriteResult& result) {
          if (!result.ok) {
            // The provider has the message but the store does not know it yet: keep the row
            // unknown, so the next attempt looks it up instead of sending it again.
            Logger("events")->error("send result not stored message_id={} error=\"{}\"",
                                    entry.message_id, result.error);
            Retry(entry, "send result not stored: " + result.error, std::nullopt, true);
            return;
          }
          const double seconds = std::chrono::duration<double>(clock_.Now() - created).count();
          GlobalMetrics()
              .GetHistogram("mobilelink_reply_latency_seconds",
                         "Time from queueing a reply to the provider accepting it.",
                         {0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10})
              .Observe(seconds);
        });
  }

  // Returns true when a row whose status wait ended without a status may be sent again, and
  // fails the row when it has used its attempts. Logs and counts every resend.
  bool ResendAfterWait(const core::OutboxEntry& entry, const Route& route) {
    if (entry.attempts > options_.outbox.max_attempts) {
      Finish(entry, "max_attempts",
             "gave up after " + std::to_string(entry.attempts - 1) +
                 " attempts; no status webhook named the last one");
      return false;
    }
    Logger("events")->warn(
        "send resent: no status webhook named it within the wait message_id={} inbox_id={} "
        "outbox_id={} attempt={} wait_ms={}",
        entry.message_id, entry.inbox_id, entry.id, entry.attempts,
        options_.outbox.whatsapp_status_wait.count());
    GlobalMetrics()
        .GetCounter("mobilelink_outbox_status_wait_resends_total",
                    "Sends with an unknown outcome sent again because no status webhook named "
                    "them within outbox.whatsapp_status_wait_ms.",
                    {{"channel", route.inbox.channel}})
        .Increment();
    return true;
  }

  // Keeps a row whose send may have reached the provider in `unknown` until a status webhook
  // names it or the status wait ends. The wait is its due time, measured on the injected clock.
  void AwaitStatus(const core::OutboxEntry& entry, const std::string& error) {
    core::OutboxEntry next = entry;
    next.state = "unknown";
    next.due_at = clock_.Now() + options_.outbox.whatsapp_status_wait;
    const std::string last_error = error + "; " + std::string(kAwaitingStatusError);
    Logger("events")->warn(
        "send outcome unknown, waiting for a status webhook message_id={} inbox_id={} "
        "outbox_id={} attempt={} wait_ms={} error=\"{}\"",
        entry.message_id, entry.inbox_id, entry.id, entry.attempts,
        options_.outbox.whatsapp_status_wait.count(), error);
    store_.Write(
        [next, last_error](core::Repository& repository) {
          repository.UpdateOutbox(next, last_error);
        },
        [this](const store::WriteResult&) { Notify(); });
  }

  void Retry(const core::OutboxEntry& entry, const std::string& error,
             std::optional<std::chrono::seconds> retry_after, bool keep_unknown = false) {
    if (const Route* route = FindRoute(entry.inbox_id);
        keep_unknown && route != nullptr && AwaitsStatus(*route)) {
      AwaitStatus(entry, error);
      return;
    }
    if (entry.attempts >= options_.outbox.max_attempts) {
      Finish(entry, "max_attempts", "gave up after " + std::to_string(entry.attempts) +
                                        " attempts; last error: " + error);
      return;
    }
    // Exponential backoff with jitter: a random delay between base and base * 2^attempts,
    // capped at max_backoff.
    const auto base = options_.outbox.base_backoff.count();
    const auto ceiling = std::min<long long>(options_.outbox.max_backoff.count(),
                                             base << std::min(entry.attempts, 20));
    std::uniform_int_distribution<long long> jitter(base, std::max<long long>(base, ceiling));
    std::chrono::milliseconds delay;
    {
      std::lock_guard lock(random_mutex_);
      delay = std::chrono::milliseconds(jitter(random_));
    }
    if (retry_after) {
      delay = std::max<std::chrono::milliseconds>(delay, *retry_after);
    }
    core::OutboxEntry next = entry;
    next.state = keep_unknown ? "unknown" : "pending";
    next.due_at = clock_.Now() + delay;
    Logger("events")->warn("send retry scheduled message_id={} inbox_id={} attempt={} error=\"{}\"",
                           entry.message_id, entry.inbox_id, entry.attempts, error);
    GlobalMetrics()
        .GetCounter("mobilelink_outbox_retries_total", "Sends scheduled for another attempt.")
        .Increment();
    store_.Write([next, error](core::Repository& repository) { repository.UpdateOutbox(next, error); },
                 [this](const store::WriteResult&) { Notify(); });
  }

  void Finish(const core::OutboxEntry& entry, const std::string& code, const std::string& message) {
    Logger("events")->info("send failed message_id={} inbox_id={} error_code={} error=\"{}\"",
                           entry.message_id, entry.inbox_id, code, message);
    store_.Write(
        [this, entry, code, message](core::Repository& repository) {
          service_.RecordSendFailure(repository, entry, code, message);
        },
        nullptr);
  }

  void Count(const Route& route, const std::string& outcome) {
    GlobalMetrics()
        .GetCounter("mobilelink_outbound_sends_total", "Provider send attempts by outcome.",
                 {{"channel", route.inbox.channel}, {"outcome", outcome}})
        .Increment();
  }

  WorkerOptions options_;
  store::Store& store_;
  const core::ConversationService& service_;
  const core::TimeSource& clock_;
  PushDelivery push_;
  std::map<std::string, Route> routes_;
  // Touched only inside the dispatcher's claim transaction, one at a time.
  std::optional<core::TimePoint> last_prune_;

  std::mutex mutex_;
  std::condition_variable dispatch_wake_;
  std::condition_variable sender_wake_;
  std::condition_variable idle_;
  std::deque<Job> ready_;
  std::size_t in_flight_ = 0;
  bool notified_ = false;
  bool stopping_ = false;
  bool senders_stop_ = false;
  std::thread dispatcher_;
  std::vector<std::thread> senders_;
  std::mutex random_mutex_;
  std::mt19937_64 random_;
};

OutboxWorker::OutboxWorker(WorkerOptions options, std::vector<channels::InboxConfig> inboxes,
                           store::Store& store, const core::ConversationService& service,
                           const core::TimeSource& clock, PushDelivery push)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(inboxes), store, service, clock,
                                   std::move(push))) {}

OutboxWorker::~OutboxWorker() { impl_->Stop(std::chrono::milliseconds(0)); }

void OutboxWorker::Start() { impl_->Start(); }
void OutboxWorker::Notify() { impl_->Notify(); }
void OutboxWorker::Stop(std::chrono::milliseconds grace) { impl_->Stop(grace); }

}  // namespace mobilelink::outbox
