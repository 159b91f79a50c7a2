#include "mobilelink/analytics/worker.hpp"

#include <cmath>

#include "mobilelink/analytics/alerts.hpp"
#include "mobilelink/analytics/report.hpp"
#include "mobilelink/common/log.hpp"
#include "mobilelink/common/metrics.hpp"

namespace mobilelink::analytics {

namespace {

// Events per transaction: large enough to amortize the rollup writes, small enough that the
// store's writer is not held for long.
constexpr int kBatchEvents = 5000;
// Batches per round, so one round stays bounded while a backlog drains.
constexpr int kMaxBatchesPerRound = 200;
constexpr std::int64_t kAlertRecheckMillis = 60'000;

double OrNan(const std::optional<double>& value) { return value ? *value : std::nan(""); }

std::int64_t NowMillis(const core::TimeSource& clock) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock.Now().time_since_epoch())
      .count();
}

}  // namespace

AnalyticsWorker::AnalyticsWorker(const AnalyticsSettings& settings,
                                 std::unique_ptr<WorkingTime> working_time, store::Store& store,
                                 const core::TimeSource& clock,
                                 std::unique_ptr<http::HttpClient> client)
    : settings_(settings),
      store_(store),
      clock_(clock),
      zone_(settings.time_zone),
      working_time_(std::move(working_time)),
      processor_(settings, zone_, *working_time_),
      webhooks_(settings.alerts, store, clock, std::move(client)) {}

AnalyticsWorker::~AnalyticsWorker() { Stop(); }

void AnalyticsWorker::Start() {
  thread_ = std::thread([this] { Loop(); });
  Logger("analytics")
      ->info("analytics worker started time_zone={} poll_ms={}", zone_.Name(),
             settings_.poll_interval.count());
}

void AnalyticsWorker::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
    Logger("analytics")->info("analytics worker stopped");
  }
}

void AnalyticsWorker::Notify() {
  {
    std::lock_guard lock(mutex_);
    notified_ = true;
  }
  wake_.notify_one();
}

void AnalyticsWorker::Loop() {
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, settings_.poll_interval, [this] { return stopping_ || notified_; });
      if (stopping_) {
        return;
      }
      notified_ = false;
    }
    try {
      RunOnce();
    } catch (const std::exception& error) {
      Logger("analytics")->error("analytics round failed error=\"{}\"", error.what());
    }
  }
}

int AnalyticsWorker::RunOnce() {
  int folded = 0;
  for (int batch = 0; batch < kMaxBatchesPerRound; ++batch) {
    BatchResult result;
    const auto write = store_.WriteAndWait(
        [&](core::Repository& unit) { result = processor_.ProcessBatch(unit, kBatchEvents); });
    if (!write.ok) {
      Logger("analytics")->error("analytics batch not stored error=\"{}\"", write.error);
      break;
    }
    folded += result.events;
    if (result.events > 0) {
      GlobalMetrics()
          .GetCounter("mobilelink_analytics_events_folded_total",
                      "Events folded into the KPI rollups")
          .Increment(result.events);
      GlobalMetrics()
          .GetGauge("mobilelink_analytics_cursor", "Id of the last event folded into the rollups")
          .Set(static_cast<double>(result.cursor));
    }
    if (result.events < kBatchEvents) {
      break;
    }
  }
  if (folded > 0) {
    RefreshLiveMetrics();
  }
  // Rules change with new events and, as the window slides, with time alone.
  const std::int64_t now = NowMillis(clock_);
  if (folded == 0 && now - last_alert_check_ms_ < kAlertRecheckMillis) {
    webhooks_.SendDue();
    return folded;
  }
  last_alert_check_ms_ = now;
  RefreshKnowledgeFreshness(now);
  const auto alerts = store_.WriteAndWait([&](core::Repository& unit) {
    for (const auto& rule : CheckAlerts(unit, settings_, zone_, now)) {
      Logger("analytics")
          ->warn("alert {} rule={} value={} target={} samples={}",
                 rule.breached ? "raised" : "cleared", rule.rule, rule.value, rule.target,
                 rule.samples);
    }
  });
  if (!alerts.ok) {
    Logger("analytics")->error("alert check not stored error=\"{}\"", alerts.error);
  }
  webhooks_.SendDue();
  return folded;
}

void AnalyticsWorker::RefreshKnowledgeFreshness(std::int64_t now_ms) {
  KnowledgeFreshness freshness;
  store_.Read([&](core::Repository& unit) {
    freshness = MeasureKnowledgeFreshness(*OpenAnalyticsRepository(unit), now_ms);
  });
  GlobalMetrics()
      .GetGauge("mobilelink_kpi_knowledge_freshness_ratio",
                "Knowledge-base articles updated within the last 30 days")
      .Set(OrNan(freshness.ratio));
  GlobalMetrics()
      .GetGauge("mobilelink_knowledge_articles", "Articles in the knowledge base")
      .Set(static_cast<double>(freshness.articles));
}

void AnalyticsWorker::RefreshLiveMetrics() {
  const std::int64_t today = zone_.LocalDate(NowMillis(clock_));
  Report report;
  store_.Read([&](core::Repository& unit) {
    auto analytics = OpenAnalyticsRepository(unit);
    report = BuildReport(*analytics, settings_, zone_,
                         DateRangeRequest(zone_, today, today, Period::kTotal, {}));
  });

  const KpiValues& kpis = report.total.kpis;
  Metrics& metrics = GlobalMetrics();
  const auto quantiles = [&](std::string_view name, std::string_view help, const DurationKpi& kpi) {
    metrics.GetGauge(name, help, {{"quantile", "0.5"}}).Set(OrNan(kpi.p50));
    metrics.GetGauge(name, help, {{"quantile", "0.95"}}).Set(OrNan(kpi.p95));
    metrics.GetGauge(name, help, {{"quantile", "0.99"}}).Set(OrNan(kpi.p99));
  };
  quantiles("mobilelink_kpi_first_response_seconds",
            "First agent response time today (local day), from the rollup sketches",
            kpis.first_response);
  quantiles("mobilelink_kpi_response_seconds", "Every agent response time today", kpis.response);

  metrics.GetGauge("mobilelink_kpi_containment_ratio", "Resolved today without an agent")
      .Set(OrNan(kpis.containment));
  metrics.GetGauge("mobilelink_kpi_fcr_ratio", "Resolved today and not reopened within 7 days")
      .Set(OrNan(kpis.fcr));
  metrics.GetGauge("mobilelink_kpi_csat_ratio", "CSAT answers of 4 or 5 today")
      .Set(OrNan(kpis.csat));
  metrics.GetGauge("mobilelink_kpi_nps", "Net promoter score today").Set(OrNan(kpis.nps));
  metrics.GetGauge("mobilelink_kpi_handle_time_seconds", "Average handle time today")
      .Set(OrNan(kpis.handle.average));
  metrics.GetGauge("mobilelink_kpi_cost_per_contact", "Cost per contact today")
      .Set(OrNan(kpis.cost_per_contact));
  metrics.GetGauge("mobilelink_kpi_contacts", "Conversations created or reopened today")
      .Set(static_cast<double>(kpis.contacts));

  for (const auto& [priority, sla] : kpis.sla_by_priority) {
    metrics
        .GetGauge("mobilelink_kpi_sla_attainment_ratio",
                  "First responses within the priority's target today", {{"priority", priority}})
        .Set(OrNan(sla.attainment));
  }
  for (const auto& [channel, count] : kpis.messages_in_by_channel) {
    metrics
        .GetGauge("mobilelink_kpi_messages_received", "Inbound messages today",
                  {{"channel", channel}})
        .Set(static_cast<double>(count));
  }
}

}  // namespace mobilelink::analytics
