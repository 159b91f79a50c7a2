// JSON and CSV renderings of analytics reports.

#include <boost/json.hpp>
#include <fmt/format.h>

#include "mobilelink/app/analytics_api.hpp"

namespace mobilelink::app::analytics_api {

namespace json = boost::json;

namespace {

json::value Optional(const std::optional<double>& value) {
  return value ? json::value(*value) : json::value(nullptr);
}

json::object DurationJson(const analytics::DurationKpi& kpi) {
  return {{"count", kpi.count},
          {"p50", Optional(kpi.p50)},
          {"p95", Optional(kpi.p95)},
          {"p99", Optional(kpi.p99)},
          {"average", Optional(kpi.average)}};
}

json::object CountsJson(const std::map<std::string, std::int64_t>& counts) {
  json::object object;
  for (const auto& [name, count] : counts) {
    object[name] = count;
  }
  return object;
}

json::object KpiJson(const analytics::KpiValues& kpis) {
  using analytics::Counter;
  const auto& t = kpis.totals;
  json::object sla;
  for (const auto& [priority, value] : kpis.sla_by_priority) {
    json::object entry{{"first_responses", value.first_responses},
                       {"within_target", value.within_target},
                       {"attainment", Optional(value.attainment)},
                       {"target_seconds", value.target_seconds},
                       {"percentile", value.percentile},
                       {"percentile_seconds", Optional(value.percentile_seconds)}};
    entry["met"] = value.met ? json::value(*value.met) : json::value(nullptr);
    sla[priority] = std::move(entry);
  }
  return {
      {"messages_in", t[Counter::kMessagesIn]},
      {"messages_out", t[Counter::kMessagesOut]},
      {"segments_out", t[Counter::kSegmentsOut]},
      {"agent_messages", t[Counter::kAgentMessages]},
      {"bot_messages", t[Counter::kBotMessages]},
      {"contacts", kpis.contacts},
      {"conversations_created", t[Counter::kConversationsCreated]},
      {"conversations_reopened", t[Counter::kConversationsReopened]},
      {"resolved", t[Counter::kResolved]},
      {"contained", t[Counter::kContained]},
      {"reopened_after_resolution", t[Counter::kReopenedAfterResolution]},
      {"handoffs", t[Counter::kHandoffs]},
      {"escalations", t[Counter::kEscalations]},
      {"first_response", DurationJson(kpis.first_response)},
      {"response", DurationJson(kpis.response)},
      {"handle_time", DurationJson(kpis.handle)},
      {"containment", Optional(kpis.containment)},
      {"fcr", Optional(kpis.fcr)},
      {"csat", Optional(kpis.csat)},
      {"csat_responses", t[Counter::kCsatResponses]},
      {"nps", Optional(kpis.nps)},
      {"nps_responses", t[Counter::kNpsResponses]},
      {"provider_fees", kpis.provider_fees},
      {"fixed_costs", kpis.fixed_costs},
      {"cost_per_contact", Optional(kpis.cost_per_contact)},
      {"sla", std::move(sla)},
      {"sla_breaches", t[Counter::kSlaBreaches]},
      {"messages_in_by_channel", CountsJson(kpis.messages_in_by_channel)},
      {"escalation_reasons", CountsJson(kpis.escalation_reasons)},
  };
}

json::object PeriodJson(const analytics::ReportPeriod& period) {
  return {{"label", period.label}, {"start", period.start_ms}, {"kpis", KpiJson(period.kpis)}};
}

std::string Number(const std::optional<double>& value) {
  return value ? fmt::format("{}", *value) : std::string();
}

}  // namespace

std::string CsvField(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
    return std::string(value);
  }
  std::string quoted = "\"";
  for (const char c : value) {
    if (c == '"') {
      quoted += '"';
    }
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string ReportJson(const analytics::Report& report,
                       const analytics::AnalyticsSettings& settings, const std::string& from,
                       const std::string& to, analytics::Period period,
                       const analytics::Dimensions& filter) {
  json::array periods;
  for (const auto& entry : report.periods) {
    periods.push_back(PeriodJson(entry));
  }
  const auto& targets = settings.targets;
  json::object sla_targets;
  for (const auto& [priority, target] : settings.sla) {
    sla_targets[priority] = json::object{{"first_response_seconds", target.first_response.count()},
                                         {"percentile", target.percentile}};
  }
  return json::serialize(json::object{
      {"time_zone", report.time_zone},
      {"currency", report.currency},
      {"from", from},
      {"to", to},
      {"period", analytics::ToString(period)},
      {"filters", json::object{{"channel", filter.channel},
                               {"inbox", filter.inbox},
                               {"team", filter.team},
                               {"agent", filter.agent},
                               {"intent", filter.intent},
                               {"priority", filter.priority}}},
      {"targets", json::object{{"response_seconds", targets.response_seconds},
                               {"containment", targets.containment_ratio},
                               {"fcr", targets.fcr_ratio},
                               {"csat", targets.csat_ratio},
                               {"handle_min_seconds", targets.handle_min_seconds},
                               {"handle_max_seconds", targets.handle_max_seconds},
                               {"sla", std::move(sla_targets)}}},
      {"periods", std::move(periods)},
      {"total", PeriodJson(report.total)},
      {"knowledge", json::object{{"articles", report.knowledge.articles},
                                 {"fresh", report.knowledge.fresh},
                                 {"freshness", Optional(report.knowledge.ratio)}}},
  });
}

std::string ReportCsv(const analytics::Report& report,
                      const analytics::AnalyticsSettings& settings) {
  using analytics::Counter;
  std::vector<std::string> priorities;
  for (const auto& [priority, target] : settings.sla) {
    priorities.push_back(priority);
  }
  std::vector<std::string> header = {"period",
                                     "start_ms",
                                     "messages_in",
                                     "messages_out",
                                     "contacts",
                                     "resolved",
                                     "first_response_p50_s",
                                     "first_response_p95_s",
                                     "first_response_p99_s",
                                     "first_response_avg_s",
                                     "response_p50_s",
                                     "response_p95_s",
                                     "response_p99_s",
                                     "response_avg_s",
                                     "containment",
                                     "fcr",
                                     "csat",
                                     "nps",
                                     "handle_time_avg_s",
                                     "cost_per_contact",
                                     "handoffs",
                                     "escalations"};
  for (const auto& priority : priorities) {
    header.push_back("sla_attainment_" + priority);
  }
  // Freshness is measured once, at the request, so only the total row carries it.
  header.push_back("knowledge_freshness");
  std::string csv;
  auto write_row = [&csv](const std::vector<std::string>& fields) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      csv += (i == 0 ? "" : ",") + CsvField(fields[i]);
    }
    csv += "\r\n";
  };
  write_row(header);
  auto period_row = [&](const analytics::ReportPeriod& period, bool total) {
    const auto& k = period.kpis;
    const auto& t = k.totals;
    std::vector<std::string> fields = {
        period.label,
        std::to_string(period.start_ms),
        std::to_string(t[Counter::kMessagesIn]),
        std::to_string(t[Counter::kMessagesOut]),
        std::to_string(k.contacts),
        std::to_string(t[Counter::kResolved]),
        Number(k.first_response.p50),
        Number(k.first_response.p95),
        Number(k.first_response.p99),
        Number(k.first_response.average),
        Number(k.response.p50),
        Number(k.response.p95),
        Number(k.response.p99),
        Number(k.response.average),
        Number(k.containment),
        Number(k.fcr),
        Number(k.csat),
        Number(k.nps),
        Number(k.handle.average),
        Number(k.cost_per_contact),
        std::to_string(t[Counter::kHandoffs]),
        std::to_string(t[Counter::kEscalations]),
    };
    for (const auto& priority : priorities) {
      const auto found = k.sla_by_priority.find(priority);
      fields.push_back(found == k.sla_by_priority.end() ? "" : Number(found->second.attainment));
    }
    fields.push_back(total ? Number(report.knowledge.ratio) : std::string());
    write_row(fields);
  };
  // With period=total the one period is the total itself, so only the total row is written.
  const bool only_total = report.periods.size() == 1 && report.periods[0].label == "total";
  if (!only_total) {
    for (const auto& period : report.periods) {
      period_row(period, false);
    }
  }
  period_row(report.total, true);
  return csv;
}

}  // namespace mobilelink::app::analytics_api
