#include "mobilelink/analytics/alerts.hpp"

#include <boost/json.hpp>

#include "mobilelink/events/event_types.hpp"

namespace mobilelink::analytics {

namespace {

void AddRule(std::vector<AlertEvaluation>& rules, AlertEvaluation rule,
             const std::optional<double>& value, const AnalyticsSettings& settings) {
  if (!value || rule.samples < settings.alerts.min_samples) {
    return;
  }
  rule.value = *value;
  if (rule.comparison == "at_most") {
    rule.breached = rule.value > rule.target;
  } else if (rule.comparison == "at_least") {
    rule.breached = rule.value < rule.target;
  } else {
    rule.breached = rule.value < rule.target || rule.value > rule.target_max;
  }
  rules.push_back(std::move(rule));
}

std::string AlertBody(const AlertEvaluation& rule, std::string_view type, std::int64_t now_ms,
                      const AnalyticsSettings& settings) {
  boost::json::object body{
      {"type", type},
      {"rule", rule.rule},
      {"kpi", rule.kpi},
      {"priority", rule.priority},
      {"comparison", rule.comparison},
      {"value", rule.value},
      {"target", rule.target},
      {"samples", rule.samples},
      {"window_hours", settings.alerts.window.count()},
      {"occurred_at", now_ms},
  };
  if (rule.comparison == "between") {
    body["target_max"] = rule.target_max;
  }
  return boost::json::serialize(body);
}

}  // namespace

std::vector<AlertEvaluation> EvaluateAlerts(const KpiValues& window,
                                            const AnalyticsSettings& settings) {
  const KpiTargets& targets = settings.targets;
  const RollupValues& t = window.totals;
  std::vector<AlertEvaluation> rules;
  AddRule(rules,
          {"first_response_p95", "first_response_p95_seconds", "", "at_most", 0,
           targets.response_seconds, 0, window.first_response.count},
          window.first_response.p95, settings);
  AddRule(rules,
          {"containment", "containment", "", "at_least", 0, targets.containment_ratio, 0,
           t[Counter::kResolved]},
          window.containment, settings);
  AddRule(rules, {"fcr", "fcr", "", "at_least", 0, targets.fcr_ratio, 0, t[Counter::kResolved]},
          window.fcr, settings);
  AddRule(rules,
          {"csat", "csat", "", "at_least", 0, targets.csat_ratio, 0, t[Counter::kCsatResponses]},
          window.csat, settings);
  AddRule(rules,
          {"handle_time", "handle_time_average_seconds", "", "between", 0,
           targets.handle_min_seconds, targets.handle_max_seconds, t[Counter::kHandled]},
          window.handle.average, settings);
  for (const auto& [priority, sla] : window.sla_by_priority) {
    AddRule(rules,
            {"sla_" + priority, "first_response_percentile_seconds", priority, "at_most", 0,
             sla.target_seconds, 0, sla.first_responses},
            sla.percentile_seconds, settings);
  }
  return rules;
}

std::vector<AlertEvaluation> CheckAlerts(core::Repository& unit, const AnalyticsSettings& settings,
                                         const TimeZone& zone, std::int64_t now_ms) {
  auto analytics = OpenAnalyticsRepository(unit);
  ReportRequest request;
  request.read = Granularity::kHour;
  request.group_by = Period::kTotal;
  request.last_bucket = zone.HourStart(now_ms);
  request.first_bucket = zone.HourStart(
      now_ms -
      std::chrono::duration_cast<std::chrono::milliseconds>(settings.alerts.window).count() +
      kMillisPerHour);
  const Report report = BuildReport(*analytics, settings, zone, request);
  const auto previous = analytics->AlertStates();

  std::vector<AlertEvaluation> changed;
  for (const auto& rule : EvaluateAlerts(report.total.kpis, settings)) {
    const auto found = previous.find(rule.rule);
    const bool was_breached = found != previous.end() && found->second;
    if (rule.breached == was_breached) {
      continue;
    }
    const std::string_view type = rule.breached ? events::kAlertRaised : events::kAlertCleared;
    const std::string body = AlertBody(rule, type, now_ms, settings);
    core::Event event;
    event.type = std::string(type);
    event.data_json = body;
    event.occurred_at = core::TimePoint(std::chrono::milliseconds(now_ms));
    unit.AppendEvent(event);
    analytics->SetAlertState(rule.rule, rule.breached, rule.value, now_ms);
    if (!settings.alerts.webhook_url.empty()) {
      analytics->EnqueueWebhook(std::string(type), body, now_ms);
    }
    changed.push_back(rule);
  }
  return changed;
}

}  // namespace mobilelink::analytics
