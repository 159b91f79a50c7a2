#pragma once

// The `analytics` config section: time zone of the rollups, reopen window, price table and
// fixed costs, KPI and SLA targets, alerts. Every key is optional, and docs/configuration.md lists
// them.

#include "mobilelink/analytics/settings.hpp"
#include "mobilelink/config/yaml_node.hpp"

namespace mobilelink::config {

/// Parses and validates the section. An absent section gives the defaults. Throws ConfigError.
analytics::AnalyticsSettings ParseAnalytics(const Node& node);

}  // namespace mobilelink::config
