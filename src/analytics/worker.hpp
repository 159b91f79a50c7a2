#pragma once

// The analytics worker: one thread that folds new events into the rollups every poll
// interval, or sooner when notified, then refreshes the live KPI gauges of /metrics, checks
// the alert rules and sends due alert webhooks. Alert rules and the knowledge freshness gauge
// are checked after every fold and at least once a minute.

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "mobilelink/analytics/alert_webhook.hpp"
#include "mobilelink/analytics/processor.hpp"
#include "mobilelink/analytics/time_zone.hpp"
#include "mobilelink/core/clock.hpp"
#include "mobilelink/store/store.hpp"

namespace mobilelink::analytics {

class AnalyticsWorker final {
 public:
  /// Response and handle times count `working_time`. Throws std::invalid_argument for an
  /// unknown time zone.
  AnalyticsWorker(const AnalyticsSettings& settings, std::unique_ptr<WorkingTime> working_time,
                  store::Store& store, const core::TimeSource& clock,
                  std::unique_ptr<http::HttpClient> client);
  ~AnalyticsWorker();

  void Start();
  /// Stops the thread after its current round.
  void Stop();
  /// Wakes the thread for a round now.
  void Notify();

  /// Runs one round on the calling thread: folds every pending event (in batches), refreshes
  /// the live gauges, checks alerts and sends due webhooks. Returns the events folded.
  int RunOnce();

  [[nodiscard]] const TimeZone& Zone() const { return zone_; }

 private:
  void Loop();
  void RefreshLiveMetrics();
  // Sets the knowledge freshness gauge, which changes with time alone as articles age.
  void RefreshKnowledgeFreshness(std::int64_t now_ms);

  const AnalyticsSettings& settings_;
  store::Store& store_;
  const core::TimeSource& clock_;
  TimeZone zone_;
  std::unique_ptr<WorkingTime> working_time_;
  AnalyticsProcessor processor_;
  AlertWebhookSender webhooks_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool notified_ = false;
  bool stopping_ = false;
  std::int64_t last_alert_check_ms_ = 0;  // Used by the worker thread only.
  std::thread thread_;
};

}  // namespace mobilelink::analytics
