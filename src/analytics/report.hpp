#pragma once

// Reports over the rollups: KPI values per period (hour, day, month or the whole range), with
// SLA attainment per priority and volume per channel, for the API, the dashboard, the live
// metrics and the alerts.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mobilelink/analytics/knowledge_freshness.hpp"
#include "mobilelink/analytics/repository.hpp"
#include "mobilelink/analytics/settings.hpp"
#include "mobilelink/analytics/time_zone.hpp"

namespace mobilelink::analytics {

enum class Period { kHour, kDay, kMonth, kTotal };

std::optional<Period> ParsePeriod(std::string_view text);
std::string_view ToString(Period period);

struct ReportRequest {
  Granularity read = Granularity::kDay;  // Granularity of the rollups to read.
  std::int64_t first_bucket = 0;         // Inclusive bucket range of `read`.
  std::int64_t last_bucket = 0;
  Period group_by = Period::kDay;
  Dimensions filter;  // Empty values match everything.
};

/// Returns the request for local dates `from` to `to`, inclusive. Hourly periods read the hour
/// rollups of those days; the others read day rollups.
ReportRequest DateRangeRequest(const TimeZone& zone, std::int64_t from, std::int64_t to,
                               Period group_by, const Dimensions& filter);

/// Percentiles and average of one duration KPI, in seconds; nullopt without samples.
struct DurationKpi {
  std::int64_t count = 0;
  std::optional<double> p50, p95, p99, average;
};

/// SLA attainment of one priority.
struct SlaAttainment {
  std::int64_t first_responses = 0;
  std::int64_t within_target = 0;
  std::optional<double> attainment;  // within_target / first_responses.
  double target_seconds = 0;
  double percentile = 0.95;
  std::optional<double> percentile_seconds;  // The configured percentile of first responses.
  std::optional<bool> met;                   // percentile_seconds <= target_seconds.
};

/// The KPIs of one period.
struct KpiValues {
  RollupValues totals;  // The summed rollups the values come from.
  DurationKpi first_response;
  DurationKpi response;
  DurationKpi handle;
  std::optional<double> containment;
  std::optional<double> fcr;
  std::optional<double> csat;
  std::optional<double> nps;
  std::int64_t contacts = 0;  // Conversations created or reopened.
  double provider_fees = 0;
  double fixed_costs = 0;  // Seat and platform costs allocated to this period and filter.
  std::optional<double> cost_per_contact;
  std::map<std::string, SlaAttainment> sla_by_priority;
  std::map<std::string, std::int64_t> messages_in_by_channel;
  std::map<std::string, std::int64_t> escalation_reasons;  // Handoff and escalation reasons.
};

struct ReportPeriod {
  std::string label;          // "2026-03-08", "2026-03", an ISO hour, or "total".
  std::int64_t start_ms = 0;  // UTC start of the period.
  KpiValues kpis;
};

struct Report {
  std::string time_zone;
  std::string currency;
  std::vector<ReportPeriod> periods;  // In time order; empty periods are included.
  ReportPeriod total;
  /// Knowledge-base freshness when the report was requested, not per period, because articles
  /// keep only their latest update time. BuildReport leaves it empty; the API measures it.
  KnowledgeFreshness knowledge;
};

/// Builds the report from the smallest grouping sets that serve its filters and breakdowns.
/// Filters on agent and another of inbox, team and intent, or on all three of those, read the
/// full rollups, which have one row per combination of values, through an index on the most
/// selective filtered dimension.
Report BuildReport(AnalyticsRepository& repository, const AnalyticsSettings& settings,
                   const TimeZone& zone, const ReportRequest& request);

}  // namespace mobilelink::analytics
