#include "mobilelink/config/analytics_config.hpp"

#include <cmath>

#include "mobilelink/analytics/time_zone.hpp"
#include "mobilelink/channels/registry.hpp"
#include "mobilelink/config/value_checks.hpp"

namespace mobilelink::config {

namespace {

double Real(const Node& node, double fallback, double min, double max) {
  if (!node.node.IsDefined()) {
    return fallback;
  }
  double value = 0;
  try {
    value = node.node.as<double>();
  } catch (const YAML::Exception&) {
    Fail(node.path, "expected a number");
  }
  if (!std::isfinite(value) || value < min || value > max) {
    Fail(node.path, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return value;
}

analytics::ChannelPrice ParsePrice(const Node& node) {
  RequireMap(node);
  CheckKeys(node, {"inbound_message", "outbound_message", "outbound_segment"});
  return {Real(Child(node, "inbound_message"), 0, 0, 1000),
          Real(Child(node, "outbound_message"), 0, 0, 1000),
          Real(Child(node, "outbound_segment"), 0, 0, 1000)};
}

// Prices are looked up by the channel of each message, so a key that names no channel would
// leave that channel's fees at 0.
void CheckChannel(const std::string& path, const std::string& channel) {
  if (channels::FindAdapter(channel) != nullptr) {
    return;
  }
  std::set<std::string> names;
  for (const auto* adapter : channels::AllAdapters()) {
    names.insert(std::string(adapter->Channel()));
  }
  Fail(path, "unknown channel '" + channel + "'; expected one of: " + Join(names));
}

analytics::KpiTargets ParseTargets(const Node& node) {
  analytics::KpiTargets targets;
  if (!node.node.IsDefined()) {
    return targets;
  }
  CheckKeys(node, {"response_seconds", "containment", "fcr", "csat", "handle_min_seconds",
                   "handle_max_seconds"});
  targets.response_seconds =
      Real(Child(node, "response_seconds"), targets.response_seconds, 1, 7 * 86400);
  targets.containment_ratio = Real(Child(node, "containment"), targets.containment_ratio, 0, 1);
  targets.fcr_ratio = Real(Child(node, "fcr"), targets.fcr_ratio, 0, 1);
  targets.csat_ratio = Real(Child(node, "csat"), targets.csat_ratio, 0, 1);
  targets.handle_min_seconds =
      Real(Child(node, "handle_min_seconds"), targets.handle_min_seconds, 0, 86400);
  targets.handle_max_seconds =
      Real(Child(node, "handle_max_seconds"), targets.handle_max_seconds, 0, 86400);
  if (targets.handle_min_seconds > targets.handle_max_seconds) {
    Fail(node.path + ".handle_min_seconds", "must not exceed handle_max_seconds");
  }
  return targets;
}

std::map<std::string, analytics::SlaTarget> ParseSlaTargets(const Node& node) {
  std::map<std::string, analytics::SlaTarget> sla;
  if (!node.node.IsDefined()) {
    return sla;
  }
  RequireMap(node);
  CheckKeys(node, {"critical", "high", "standard"});
  for (const auto& entry : node.node) {
    const std::string priority = entry.first.as<std::string>();
    const Node item = Child(node, priority);
    RequireMap(item);
    CheckKeys(item, {"first_response_seconds", "percentile"});
    analytics::SlaTarget target;
    target.first_response =
        std::chrono::seconds(Integer(Child(item, "first_response_seconds"), 60, 1, 30 * 86400));
    target.percentile = Real(Child(item, "percentile"), target.percentile, 0.5, 0.999);
    sla[priority] = target;
  }
  return sla;
}

analytics::AlertSettings ParseAlerts(const Node& node) {
  analytics::AlertSettings alerts;
  if (!node.node.IsDefined()) {
    return alerts;
  }
  CheckKeys(node, {"webhook_url", "webhook_secret", "window_hours", "min_samples", "max_attempts",
                   "base_backoff_ms"});
  alerts.webhook_url = Text(Child(node, "webhook_url"), false);
  if (!alerts.webhook_url.empty()) {
    CheckHttpUrl(node.path + ".webhook_url", alerts.webhook_url, UrlKind::kFull);
  }
  alerts.webhook_secret = Text(Child(node, "webhook_secret"), !alerts.webhook_url.empty());
  alerts.window = std::chrono::hours(Integer(Child(node, "window_hours"), 24, 1, 24 * 31));
  alerts.min_samples = Integer(Child(node, "min_samples"), alerts.min_samples, 1, 1000000);
  alerts.max_attempts = Integer(Child(node, "max_attempts"), alerts.max_attempts, 1, 100);
  alerts.base_backoff = std::chrono::milliseconds(Integer(
      Child(node, "base_backoff_ms"), static_cast<int>(alerts.base_backoff.count()), 1, 3600000));
  return alerts;
}

}  // namespace

analytics::AnalyticsSettings ParseAnalytics(const Node& node) {
  analytics::AnalyticsSettings settings;
  if (!node.node.IsDefined()) {
    return settings;
  }
  CheckKeys(node, {"time_zone", "reopen_window_days", "poll_interval_ms", "currency", "prices",
                   "seats", "seat_cost_per_month", "platform_cost_per_month", "targets", "sla",
                   "alerts", "dashboard_dir"});
  settings.time_zone = Text(Child(node, "time_zone"), false, settings.time_zone);
  try {
    analytics::TimeZone zone(settings.time_zone);
  } catch (const std::invalid_argument& error) {
    Fail(node.path + ".time_zone", error.what());
  }
  settings.reopen_window =
      std::chrono::hours(24 * Integer(Child(node, "reopen_window_days"), 7, 0, 365));
  settings.poll_interval = std::chrono::milliseconds(
      Integer(Child(node, "poll_interval_ms"), static_cast<int>(settings.poll_interval.count()), 10,
              60000));

  settings.currency = Text(Child(node, "currency"), false, settings.currency);
  const Node prices = Child(node, "prices");
  if (prices.node.IsDefined()) {
    RequireMap(prices);
    for (const auto& entry : prices.node) {
      const std::string channel = entry.first.as<std::string>();
      CheckChannel(prices.path + "." + channel, channel);
      settings.prices[channel] = ParsePrice(Child(prices, channel));
    }
  }

  settings.seats = Integer(Child(node, "seats"), 0, 0, 100000);
  settings.seat_cost_per_month = Real(Child(node, "seat_cost_per_month"), 0, 0, 1e9);
  settings.platform_cost_per_month = Real(Child(node, "platform_cost_per_month"), 0, 0, 1e9);

  settings.targets = ParseTargets(Child(node, "targets"));
  settings.sla = ParseSlaTargets(Child(node, "sla"));
  settings.alerts = ParseAlerts(Child(node, "alerts"));
  settings.dashboard_dir = Text(Child(node, "dashboard_dir"), false, settings.dashboard_dir);
  return settings;
}

}  // namespace mobilelink::config
