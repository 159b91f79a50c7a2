#include "mobilelink/config/analytics_config.hpp"

#include <gtest/gtest.h>

namespace mobilelink::config {
namespace {

analytics::AnalyticsSettings Parse(const std::string& yaml) {
  const Node top{YAML::Load(yaml), ""};
  return ParseAnalytics(Child(top, "analytics"));
}

// Returns the ConfigError message of parsing `yaml`, or "no error".
std::string ErrorOf(const std::string& yaml) {
  try {
    Parse(yaml);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "no error";
}

TEST(AnalyticsConfig, AbsentSectionTakesDefaults) {
  const auto settings = Parse("{}");
  EXPECT_EQ(settings.time_zone, "UTC");
  EXPECT_EQ(settings.reopen_window, std::chrono::hours(24 * 7));
  EXPECT_DOUBLE_EQ(settings.targets.containment_ratio, 0.65);
  EXPECT_TRUE(settings.alerts.webhook_url.empty());
}

TEST(AnalyticsConfig, FullSectionParses) {
  const auto settings = Parse(R"(analytics:
  time_zone: America/Los_Angeles
  reopen_window_days: 3
  prices:
    twilio_sms: {inbound_message: 0.0075, outbound_segment: 0.0079}
  seats: 4
  seat_cost_per_month: 99.5
  targets: {containment: 0.7, handle_min_seconds: 120}
  sla:
    critical: {first_response_seconds: 30, percentile: 0.99}
  alerts:
    webhook_url: http://127.0.0.1:9000/alerts
    webhook_secret: s3cret
    window_hours: 6
)");
  EXPECT_EQ(settings.time_zone, "America/Los_Angeles");
  EXPECT_EQ(settings.reopen_window, std::chrono::hours(72));
  EXPECT_DOUBLE_EQ(settings.prices.at("twilio_sms").outbound_segment, 0.0079);
  EXPECT_DOUBLE_EQ(settings.prices.at("twilio_sms").outbound_message, 0);
  EXPECT_EQ(settings.seats, 4);
  EXPECT_DOUBLE_EQ(settings.seat_cost_per_month, 99.5);
  EXPECT_DOUBLE_EQ(settings.targets.containment_ratio, 0.7);
  EXPECT_EQ(settings.sla.at("critical").first_response, std::chrono::seconds(30));
  EXPECT_DOUBLE_EQ(settings.sla.at("critical").percentile, 0.99);
  EXPECT_EQ(settings.alerts.window, std::chrono::hours(6));
}

TEST(AnalyticsConfig, InvalidValuesNamePath) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"analytics: {time_zone: Mars/Base}", "analytics.time_zone: unknown time zone"},
      {"analytics: {colour: red}", "analytics.colour: unknown key"},
      {"analytics: {targets: {fcr: 1.5}}", "analytics.targets.fcr: must be between"},
      {"analytics: {targets: {csat: high}}", "analytics.targets.csat: expected a number"},
      {"analytics: {sla: {urgent: {first_response_seconds: 5}}}",
       "analytics.sla.urgent: unknown key"},
      {"analytics: {sla: {high: {percentile: 1.5}}}", "analytics.sla.high.percentile: must be"},
      {"analytics: {prices: {whatsapp: {per_message: 1}}}",
       "analytics.prices.whatsapp.per_message: unknown key"},
      {"analytics: {alerts: {webhook_url: ftp://x}}",
       "analytics.alerts.webhook_url: 'ftp://x' must start"},
      {"analytics: {alerts: {webhook_url: 'http://127.0.0.1:9'}}",
       "analytics.alerts.webhook_secret: missing required key"},
      {"analytics: {targets: {handle_min_seconds: 600}}",
       "analytics.targets.handle_min_seconds: must not exceed"},
  };
  for (const auto& [yaml, expected] : cases) {
    const std::string error = ErrorOf(yaml);
    EXPECT_NE(error.find(expected), std::string::npos) << yaml << " gave: " << error;
  }
}

}  // namespace
}  // namespace mobilelink::config
