#pragma once

// Settings of the analytics layer, read from the `analytics` config section
// (config/analytics_config.cpp). Plain values only, so the domain stays free of YAML.

#include <chrono>
#include <map>
#include <string>

namespace mobilelink::analytics {

/// Provider fees of one channel, in the configured currency.
struct ChannelPrice {
  double inbound_message = 0;   // Per inbound message.
  double outbound_message = 0;  // Per outbound message the provider accepted.
  double outbound_segment = 0;  // Per SMS segment of an accepted outbound message.
};

/// The targets that the dashboard draws as lines and that alerts compare against.
struct KpiTargets {
  double response_seconds = 60;     // p95 of first response time must stay below this.
  double containment_ratio = 0.65;  // Minimum.
  double fcr_ratio = 0.75;          // Minimum.
  double csat_ratio = 0.85;         // Minimum.
  double handle_min_seconds = 240;  // Average handle time band.
  double handle_max_seconds = 480;
};

/// The first-response SLA of one priority: the share of first responses within
/// `first_response` is its attainment, and the `percentile` of first response times must stay
/// within it.
struct SlaTarget {
  std::chrono::seconds first_response{60};
  double percentile = 0.95;
};

/// Where and how alerts are sent.
struct AlertSettings {
  std::string webhook_url;        // Empty: alerts are only recorded as events.
  std::string webhook_secret;     // HMAC-SHA256 key of the X-Mobilelink-Signature header.
  std::chrono::hours window{24};  // Alerts evaluate the KPIs over this trailing window.
  int min_samples = 20;           // A KPI with fewer samples in the window raises no alert.
  int max_attempts = 8;           // Webhook attempts before a delivery is marked failed.
  std::chrono::milliseconds base_backoff{1000};
};

struct AnalyticsSettings {
  std::string time_zone = "UTC";  // IANA name; days and hours of rollups are cut in it.
  /// A customer message this long after a resolution reopens the conversation instead of
  /// starting a new one.
  std::chrono::hours reopen_window{24 * 7};
  std::chrono::milliseconds poll_interval{250};
  std::string currency = "USD";
  std::map<std::string, ChannelPrice> prices;  // By channel kind, e.g. twilio_sms.
  int seats = 0;
  double seat_cost_per_month = 0;
  double platform_cost_per_month = 0;
  KpiTargets targets;
  std::map<std::string, SlaTarget> sla;  // By priority: critical, high, standard.
  AlertSettings alerts;
  std::string dashboard_dir = "web/dashboard";
};

/// Returns the SLA target of `priority`, or the default target when none is configured.
const SlaTarget& SlaFor(const AnalyticsSettings& settings, const std::string& priority);

}  // namespace mobilelink::analytics
