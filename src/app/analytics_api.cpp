#include "mobilelink/app/analytics_api.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <variant>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "mobilelink/analytics/report.hpp"
#include "mobilelink/app/agent_api_internal.hpp"
#include "mobilelink/app/web_assets.hpp"
#include "mobilelink/channels/registry.hpp"
#include "mobilelink/common/log.hpp"

namespace mobilelink::app {

namespace {

using analytics::Dimensions;
using analytics::Period;

constexpr std::int64_t kMaxDays = 400;     // Day, month and total reports.
constexpr std::int64_t kMaxHourDays = 31;  // Hour reports read 24 rows a day.
constexpr std::int64_t kDefaultDays = 7;

struct ParsedRequest {
  std::int64_t from = 0;
  std::int64_t to = 0;
  Period period = Period::kDay;
  Dimensions filter;
};

std::int64_t NowMillis(const AppContext& context) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             context.clock->Now().time_since_epoch())
      .count();
}

// Rejects a query string that cannot be decoded, a parameter the report does not take and a
// parameter given twice. Without this check a misspelled filter such as `chanel` would be ignored
// and the report would return unfiltered figures.
std::optional<http::HttpResponse> CheckParameterNames(const http::HttpRequest& request) {
  const auto pairs = http::ParseForm(request.query);
  if (!pairs) {
    return FieldError(400, "invalid_parameter", "query",
                      "the query string has a malformed percent escape; encode '%' as %25");
  }
  std::vector<std::string_view> accepted = {"from", "to", "period"};
  for (const auto& [name, field] : analytics::kDimensionFields) {
    accepted.push_back(name);
  }
  std::set<std::string_view> seen;
  for (const auto& [name, value] : *pairs) {
    if (std::find(accepted.begin(), accepted.end(), name) == accepted.end()) {
      return FieldError(400, "unknown_parameter", name,
                        fmt::format("unknown parameter '{}'; the report accepts {}", name,
                                    fmt::join(accepted, ", ")));
    }
    if (!seen.insert(name).second) {
      return FieldError(400, "invalid_parameter", name,
                        name + " is given more than once; give each parameter at most once");
    }
  }
  return std::nullopt;
}

// Rejects a channel filter that names no channel adapter, because such a filter matches no
// rollup row and would return zero figures. An empty value means every channel.
std::optional<http::HttpResponse> CheckChannel(const std::string& channel) {
  if (channel.empty() || channels::FindAdapter(channel) != nullptr) {
    return std::nullopt;
  }
  std::vector<std::string_view> known;
  for (const auto* adapter : channels::AllAdapters()) {
    known.push_back(adapter->Channel());
  }
  return FieldError(400, "invalid_parameter", "channel",
                    fmt::format("unknown channel '{}'; channel must be one of {}", channel,
                                fmt::join(known, ", ")));
}

// Rejects a filter value that is not in `known`, for the reason of CheckChannel. An empty value
// means every value.
std::optional<http::HttpResponse> CheckKnown(std::string_view name, const std::string& value,
                                             const std::vector<std::string>& known) {
  if (value.empty() || std::find(known.begin(), known.end(), value) != known.end()) {
    return std::nullopt;
  }
  const std::string choices =
      known.empty() ? std::string("none is configured") : fmt::format("{}", fmt::join(known, ", "));
  return FieldError(400, "invalid_parameter", name,
                    fmt::format("unknown {} '{}'; {} must be a configured one: {}", name, value,
                                name, choices));
}

// Rejects inbox and team filters that name no configured inbox or team.
std::optional<http::HttpResponse> CheckInboxAndTeam(const analytics::Dimensions& filter,
                                                    const AppContext& context) {
  std::vector<std::string> inboxes;
  for (const auto& inbox : context.config->inboxes) {
    inboxes.push_back(inbox.id);
  }
  std::vector<std::string> teams;
  for (const auto& team : context.config->routing.teams) {
    teams.push_back(team.id);
  }
  if (auto error = CheckKnown("inbox", filter.inbox, inboxes)) {
    return error;
  }
  return CheckKnown("team", filter.team, teams);
}

// Reads and checks the query parameters of a report request.
std::variant<ParsedRequest, http::HttpResponse> ParseReportRequest(
    const http::HttpRequest& request, const AppContext& context, const analytics::TimeZone& zone) {
  if (auto error = CheckParameterNames(request)) {
    return std::move(*error);
  }
  ParsedRequest parsed;
  const std::int64_t today = zone.LocalDate(NowMillis(context));
  parsed.to = today;
  if (auto to = request.QueryParam("to")) {
    const auto date = analytics::ParseDate(*to);
    if (!date) {
      return FieldError(400, "invalid_parameter", "to", "to must be a date as YYYY-MM-DD");
    }
    parsed.to = *date;
  }
  parsed.from = parsed.to - (kDefaultDays - 1);
  if (auto from = request.QueryParam("from")) {
    const auto date = analytics::ParseDate(*from);
    if (!date) {
      return FieldError(400, "invalid_parameter", "from", "from must be a date as YYYY-MM-DD");
    }
    parsed.from = *date;
  }
  if (parsed.from > parsed.to) {
    return FieldError(400, "invalid_parameter", "from", "from must not be after to");
  }
  if (auto period = request.QueryParam("period")) {
    const auto value = analytics::ParsePeriod(*period);
    if (!value) {
      return FieldError(400, "invalid_parameter", "period",
                        "period must be hour, day, month or total");
    }
    parsed.period = *value;
  }
  const std::int64_t days = parsed.to - parsed.from + 1;
  const std::int64_t max_days = parsed.period == Period::kHour ? kMaxHourDays : kMaxDays;
  if (days > max_days) {
    return FieldError(400, "invalid_parameter", "from",
                      "the range spans " + std::to_string(days) + " days; at most " +
                          std::to_string(max_days) + " are allowed for period " +
                          std::string(analytics::ToString(parsed.period)));
  }
  for (const auto& [name, field] : analytics::kDimensionFields) {
    if (auto value = request.QueryParam(name)) {
      if (value->size() > 200) {
        return FieldError(400, "invalid_parameter", name, "the value is longer than 200 bytes");
      }
      parsed.filter.*field = *value;
    }
  }
  if (auto error = CheckChannel(parsed.filter.channel)) {
    return std::move(*error);
  }
  if (auto error = CheckInboxAndTeam(parsed.filter, context)) {
    return std::move(*error);
  }
  if (!parsed.filter.agent.empty() &&
      (parsed.filter.agent.size() > 18 ||
       parsed.filter.agent.find_first_not_of("0123456789") != std::string::npos)) {
    return FieldError(400, "invalid_parameter", "agent", "agent must be an agent id (digits)");
  }
  if (!parsed.filter.agent.empty()) {
    std::optional<core::Agent> agent;
    context.store->Read([&](core::Repository& repository) {
      agent = repository.GetAgent(std::stoll(parsed.filter.agent));
    });
    if (!agent) {
      return FieldError(400, "invalid_parameter", "agent",
                        "agent " + parsed.filter.agent +
                            " not found; use an id from GET /api/v1/agents");
    }
  }
  const std::string& priority = parsed.filter.priority;
  if (!priority.empty() && priority != "critical" && priority != "high" && priority != "standard") {
    return FieldError(400, "invalid_parameter", "priority",
                      "priority must be critical, high or standard");
  }
  return parsed;
}

// Serves one file of the dashboard folder with its content type.
http::HttpResponse ServeFile(const std::string& path, const std::string& content_type) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    Logger("http")->warn("dashboard file not found path={}", path);
    return http::HttpResponse::Error(404, "not_found",
                                     "dashboard file " + path +
                                         " not found; check analytics.dashboard_dir and run "
                                         "npm ci in it");
  }
  std::ostringstream body;
  body << file.rdbuf();
  http::HttpResponse response(200);
  response.headers.Set("Content-Type", content_type);
  response.headers.Set("X-Content-Type-Options", "nosniff");
  response.headers.Set("Cache-Control", "no-cache");
  response.body = body.str();
  return response;
}

void AddDashboardRoutes(http::Router& router, const analytics::AnalyticsSettings& settings) {
  const std::string dir = settings.dashboard_dir;
  router.Add("GET", "/dashboard", [dir](http::HttpRequest&&, http::Responder respond) {
    auto page = ServeFile(dir + "/index.html", "text/html; charset=utf-8");
    if (page.status == 200) {
      SetPageSecurityHeaders(page, "'none'");
    }
    respond(std::move(page));
  });
  // Only these files are served, so no request path reaches the file system.
  const std::map<std::string, std::pair<std::string, std::string>> files = {
      {"dashboard.js", {"/dashboard.js", "text/javascript; charset=utf-8"}},
      {"dashboard.css", {"/dashboard.css", "text/css; charset=utf-8"}},
      {"chart.umd.js",
       {"/node_modules/chart.js/dist/chart.umd.js", "text/javascript; charset=utf-8"}},
  };
  router.Add("GET", "/dashboard/{file}",
             [dir, files](http::HttpRequest&& request, http::Responder respond) {
               const auto found = files.find(request.path_params["file"]);
               if (found == files.end()) {
                 respond(http::HttpResponse::Error(404, "not_found",
                                                   "dashboard file not found; the dashboard serves "
                                                   "dashboard.js, dashboard.css and chart.umd.js"));
                 return;
               }
               respond(ServeFile(dir + found->second.first, found->second.second));
             });
}

}  // namespace

void AddAnalyticsApiRoutes(http::Router& router, AppContext& context,
                           const analytics::AnalyticsSettings& settings,
                           const analytics::TimeZone& zone) {
  auto report = [&context, &settings, &zone](bool csv) {
    return [&context, &settings, &zone, csv](http::HttpRequest&& request, http::Responder respond) {
      const auto caller = agent_api::Authenticate(context, request);
      if (!caller) {
        respond(agent_api::Unauthorized());
        return;
      }
      if (!caller->IsSupervisor()) {
        respond(http::HttpResponse::Error(403, "forbidden",
                                          "analytics reports need the supervisor role"));
        return;
      }
      auto parsed = ParseReportRequest(request, context, zone);
      if (auto* error = std::get_if<http::HttpResponse>(&parsed)) {
        respond(std::move(*error));
        return;
      }
      const auto& query = std::get<ParsedRequest>(parsed);
      analytics::Report result;
      context.store->Read([&](core::Repository& unit) {
        auto repository = analytics::OpenAnalyticsRepository(unit);
        result = analytics::BuildReport(
            *repository, settings, zone,
            analytics::DateRangeRequest(zone, query.from, query.to, query.period, query.filter));
        result.knowledge = analytics::MeasureKnowledgeFreshness(*repository, NowMillis(context));
      });
      if (csv) {
        http::HttpResponse response(200);
        response.headers.Set("Content-Type", "text/csv; charset=utf-8; header=present");
        response.headers.Set("Content-Disposition", "attachment; filename=\"kpis-" +
                                                        analytics::FormatDate(query.from) + "-" +
                                                        analytics::FormatDate(query.to) + ".csv\"");
        response.body = analytics_api::ReportCsv(result, settings);
        respond(std::move(response));
        return;
      }
      respond(http::HttpResponse::Json(
          200,
          analytics_api::ReportJson(result, settings, analytics::FormatDate(query.from),
                                    analytics::FormatDate(query.to), query.period, query.filter)));
    };
  };
  router.Add("GET", "/api/v1/analytics/report", report(false));
  router.Add("GET", "/api/v1/analytics/report.csv", report(true));
  AddDashboardRoutes(router, settings);
}

}  // namespace mobilelink::app
