#pragma once

// Alerts: every KPI with a target is compared with it over a trailing window of hour rollups.
// When a rule crosses into breach, alert.raised is recorded, and alert.cleared when it comes
// back. When a webhook is configured, each is also queued for it in the same transaction.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mobilelink/analytics/report.hpp"
#include "mobilelink/core/repository.hpp"

namespace mobilelink::analytics {

/// One rule's value over the window.
struct AlertEvaluation {
  std::string rule;  // e.g. first_response_p95, containment, sla_critical.
  std::string kpi;
  std::string priority;    // Only for SLA rules.
  std::string comparison;  // at_most, at_least or between.
  double value = 0;
  double target = 0;      // The bound that was crossed, or the lower bound of a band.
  double target_max = 0;  // Upper bound of a band.
  std::int64_t samples = 0;
  bool breached = false;
};

/// Evaluates every rule against `window`. Rules with fewer than `min_samples` samples are
/// left out, so they neither raise nor clear.
std::vector<AlertEvaluation> EvaluateAlerts(const KpiValues& window,
                                            const AnalyticsSettings& settings);

/// Evaluates the window that ends at `now_ms`, records the rules whose state changed and
/// queues their webhooks. Runs inside a write transaction. Returns the changed rules.
std::vector<AlertEvaluation> CheckAlerts(core::Repository& unit, const AnalyticsSettings& settings,
                                         const TimeZone& zone, std::int64_t now_ms);

}  // namespace mobilelink::analytics
