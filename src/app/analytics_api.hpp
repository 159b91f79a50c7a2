#pragma once

// The analytics API under /api/v1/analytics (docs/openapi.yaml) and the dashboard page at
// /dashboard. Reports need the supervisor or admin role.

#include "mobilelink/analytics/report.hpp"
#include "mobilelink/analytics/settings.hpp"
#include "mobilelink/analytics/time_zone.hpp"
#include "mobilelink/app/context.hpp"
#include "mobilelink/http/types.hpp"

namespace mobilelink::app {

void AddAnalyticsApiRoutes(http::Router& router, AppContext& context,
                           const analytics::AnalyticsSettings& settings,
                           const analytics::TimeZone& zone);

namespace analytics_api {

/// Renders a report as JSON, with the request's range, filters and the KPI targets.
std::string ReportJson(const analytics::Report& report,
                       const analytics::AnalyticsSettings& settings, const std::string& from,
                       const std::string& to, analytics::Period period,
                       const analytics::Dimensions& filter);
/// Renders a report as RFC 4180 CSV: a header row, one row per period, then the total row.
std::string ReportCsv(const analytics::Report& report,
                      const analytics::AnalyticsSettings& settings);
/// Quotes one CSV field when it contains a comma, a double quote, CR or LF.
std::string CsvField(std::string_view value);

}  // namespace analytics_api

}  // namespace mobilelink::app
