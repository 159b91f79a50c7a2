#include "mobilelink/analytics/report.hpp"

#include <array>
#include <cstdio>
#include <functional>
#include <set>

namespace mobilelink::analytics {

namespace {

// Returns the grouping set to read for `filter`, broken down by `breakdown` (empty for none).
std::string ReadGrouping(const Dimensions& filter, std::string_view breakdown) {
  unsigned needed = 0;
  for (std::size_t i = 0; i < kDimensionFields.size(); ++i) {
    const auto& [name, field] = kDimensionFields[i];
    if (!(filter.*field).empty() || name == breakdown) {
      needed |= 1u << i;
    }
  }
  return std::string(analytics::GroupingFor(needed).name);
}

std::string HourLabel(const TimeZone& zone, std::int64_t start_ms) {
  const std::int64_t offset_minutes = zone.OffsetAt(start_ms) / 60000;
  const char sign = offset_minutes < 0 ? '-' : '+';
  const std::int64_t magnitude = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  char text[40];
  std::snprintf(text, sizeof(text), "%sT%02d:00%c%02lld:%02lld",
                FormatDate(zone.LocalDate(start_ms)).c_str(), zone.LocalHour(start_ms), sign,
                static_cast<long long>(magnitude / 60), static_cast<long long>(magnitude % 60));
  return text;
}

// Periods of a report, keyed by their own start: an hour's UTC start, or a day's or month's
// first local date.
class PeriodCalendar {
 public:
  PeriodCalendar(const TimeZone& zone, const ReportRequest& request)
      : zone_(zone), request_(request) {}

  std::int64_t KeyOf(std::int64_t bucket) const {
    const std::int64_t date =
        request_.read == Granularity::kHour ? zone_.LocalDate(bucket) : bucket;
    switch (request_.group_by) {
      case Period::kHour:
        return bucket;
      case Period::kDay:
        return date;
      case Period::kMonth:
        return MonthStart(date);
      case Period::kTotal:
        return 0;
    }
    return 0;
  }

  // Lists every bucket of the request in order.
  std::vector<std::int64_t> Buckets() const {
    std::vector<std::int64_t> buckets;
    if (request_.read == Granularity::kDay) {
      for (std::int64_t date = request_.first_bucket; date <= request_.last_bucket; ++date) {
        buckets.push_back(date);
      }
      return buckets;
    }
    for (std::int64_t hour = request_.first_bucket; hour <= request_.last_bucket;
         hour = zone_.HourStart(hour + kMillisPerHour)) {
      buckets.push_back(hour);
    }
    return buckets;
  }

  ReportPeriod Describe(std::int64_t key) const {
    ReportPeriod period;
    switch (request_.group_by) {
      case Period::kHour:
        period.label = HourLabel(zone_, key);
        period.start_ms = key;
        break;
      case Period::kDay:
        period.label = FormatDate(key);
        period.start_ms = zone_.DayStart(key);
        break;
      case Period::kMonth:
        period.label = FormatDate(key).substr(0, 7);
        period.start_ms = zone_.DayStart(key);
        break;
      case Period::kTotal:
        period.label = "total";
        period.start_ms = request_.read == Granularity::kDay ? zone_.DayStart(request_.first_bucket)
                                                             : request_.first_bucket;
        break;
    }
    return period;
  }

  // Returns the share of a month's fixed costs that falls in `bucket`.
  double MonthShare(std::int64_t bucket) const {
    if (request_.read == Granularity::kDay) {
      return 1.0 / DaysInMonth(bucket);
    }
    const std::int64_t date = zone_.LocalDate(bucket);
    const double day_hours =
        static_cast<double>(zone_.DayStart(date + 1) - zone_.DayStart(date)) / kMillisPerHour;
    return 1.0 / DaysInMonth(date) / day_hours;
  }

 private:
  const TimeZone& zone_;
  const ReportRequest& request_;
};

std::optional<double> Ratio(std::int64_t part, std::int64_t whole) {
  if (whole <= 0) {
    return std::nullopt;
  }
  return static_cast<double>(part) / static_cast<double>(whole);
}

DurationKpi Durations(const QuantileSketch& sketch, std::int64_t count, std::int64_t sum_ms) {
  DurationKpi kpi;
  kpi.count = count;
  if (count <= 0) {
    return kpi;
  }
  kpi.p50 = sketch.Quantile(0.50) / 1000;
  kpi.p95 = sketch.Quantile(0.95) / 1000;
  kpi.p99 = sketch.Quantile(0.99) / 1000;
  kpi.average = static_cast<double>(sum_ms) / static_cast<double>(count) / 1000;
  return kpi;
}

// Per-period working sums, before the KPI values are derived.
struct PeriodSums {
  RollupValues totals;
  std::map<std::string, QuantileSketch> first_response_by_priority;
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> sla_counts_by_priority;
  std::map<std::string, std::int64_t> messages_in_by_channel;
  std::int64_t all_contacts = 0;  // Contacts without the filter, to share fixed costs.
  double month_share = 0;         // Months of fixed costs that fall in the period.

  void Merge(const PeriodSums& other) {
    totals.Merge(other.totals);
    for (const auto& [priority, sketch] : other.first_response_by_priority) {
      first_response_by_priority[priority].Merge(sketch);
    }
    for (const auto& [priority, counts] : other.sla_counts_by_priority) {
      sla_counts_by_priority[priority].first += counts.first;
      sla_counts_by_priority[priority].second += counts.second;
    }
    for (const auto& [channel, count] : other.messages_in_by_channel) {
      messages_in_by_channel[channel] += count;
    }
    all_contacts += other.all_contacts;
  }
};

KpiValues Derive(const PeriodSums& sums, double fixed_costs, const AnalyticsSettings& settings) {
  KpiValues kpis;
  const RollupValues& t = sums.totals;
  kpis.totals = t;
  kpis.first_response =
      Durations(t.first_response, t[Counter::kFirstResponses], t[Counter::kFirstResponseMillis]);
  kpis.response = Durations(t.response, t[Counter::kResponses], t[Counter::kResponseMillis]);
  kpis.handle = Durations(t.handle, t[Counter::kHandled], t[Counter::kHandleMillis]);
  kpis.containment = Ratio(t[Counter::kContained], t[Counter::kResolved]);
  kpis.fcr =
      Ratio(t[Counter::kResolved] - t[Counter::kReopenedAfterResolution], t[Counter::kResolved]);
  kpis.csat = Ratio(t[Counter::kCsatSatisfied], t[Counter::kCsatResponses]);
  if (t[Counter::kNpsResponses] > 0) {
    kpis.nps = 100.0 * static_cast<double>(t[Counter::kNpsPromoters] - t[Counter::kNpsDetractors]) /
               static_cast<double>(t[Counter::kNpsResponses]);
  }

  kpis.contacts = t[Counter::kConversationsCreated] + t[Counter::kConversationsReopened];
  kpis.provider_fees = static_cast<double>(t[Counter::kProviderFeeMicros]) / 1e6;
  kpis.fixed_costs = fixed_costs;
  if (kpis.contacts > 0) {
    kpis.cost_per_contact = (kpis.provider_fees + fixed_costs) / kpis.contacts;
  }

  std::set<std::string> priorities;
  for (const auto& [priority, target] : settings.sla) {
    priorities.insert(priority);
  }
  for (const auto& [priority, counts] : sums.sla_counts_by_priority) {
    priorities.insert(priority);
  }
  for (const auto& priority : priorities) {
    const SlaTarget& target = SlaFor(settings, priority);
    SlaAttainment sla;
    sla.target_seconds = static_cast<double>(target.first_response.count());
    sla.percentile = target.percentile;
    if (const auto found = sums.sla_counts_by_priority.find(priority);
        found != sums.sla_counts_by_priority.end()) {
      sla.first_responses = found->second.first;
      sla.within_target = found->second.second;
      sla.attainment = Ratio(sla.within_target, sla.first_responses);
    }
    if (const auto found = sums.first_response_by_priority.find(priority);
        found != sums.first_response_by_priority.end() && !found->second.Empty()) {
      sla.percentile_seconds = found->second.Quantile(target.percentile) / 1000;
      sla.met = *sla.percentile_seconds <= sla.target_seconds;
    }
    kpis.sla_by_priority[priority] = sla;
  }

  kpis.messages_in_by_channel = sums.messages_in_by_channel;
  for (const auto& [label, count] : t.labels) {
    for (const std::string_view prefix : {"handoff:", "escalation:"}) {
      if (label.rfind(prefix, 0) == 0) {
        kpis.escalation_reasons[label.substr(prefix.size())] += count;
      }
    }
  }
  return kpis;
}

}  // namespace

std::optional<Period> ParsePeriod(std::string_view text) {
  if (text == "hour") {
    return Period::kHour;
  }
  if (text == "day") {
    return Period::kDay;
  }
  if (text == "month") {
    return Period::kMonth;
  }
  if (text == "total") {
    return Period::kTotal;
  }
  return std::nullopt;
}

std::string_view ToString(Period period) {
  switch (period) {
    case Period::kHour:
      return "hour";
    case Period::kDay:
      return "day";
    case Period::kMonth:
      return "month";
    case Period::kTotal:
      return "total";
  }
  return "day";
}

ReportRequest DateRangeRequest(const TimeZone& zone, std::int64_t from, std::int64_t to,
                               Period group_by, const Dimensions& filter) {
  ReportRequest request;
  request.group_by = group_by;
  request.filter = filter;
  if (group_by == Period::kHour) {
    request.read = Granularity::kHour;
    request.first_bucket = zone.DayStart(from);
    request.last_bucket = zone.DayStart(to + 1) - 1;
  } else {
    request.read = Granularity::kDay;
    request.first_bucket = from;
    request.last_bucket = to;
  }
  return request;
}

Report BuildReport(AnalyticsRepository& repository, const AnalyticsSettings& settings,
                   const TimeZone& zone, const ReportRequest& request) {
  const PeriodCalendar calendar(zone, request);
  std::map<std::int64_t, PeriodSums> periods;
  for (const std::int64_t bucket : calendar.Buckets()) {
    periods[calendar.KeyOf(bucket)].month_share += calendar.MonthShare(bucket);
  }
  // Each read names the grouping set that keeps its filter and breakdown. Reads of the same
  // set and filter share one query, so a filter that needs the full rollups scans them once.
  using RowAdder = std::function<void(PeriodSums&, const Dimensions&, const RollupValues&)>;
  std::map<std::pair<std::string, Dimensions>, std::vector<RowAdder>> reads;
  auto read = [&](std::string_view breakdown, const Dimensions& filter, RowAdder add) {
    reads[{ReadGrouping(filter, breakdown), filter}].push_back(std::move(add));
  };

  read("", request.filter, [](PeriodSums& sums, const Dimensions&, const RollupValues& values) {
    sums.totals.Merge(values);
  });
  read("priority", request.filter,
       [](PeriodSums& sums, const Dimensions& dims, const RollupValues& values) {
         sums.first_response_by_priority[dims.priority].Merge(values.first_response);
         auto& counts = sums.sla_counts_by_priority[dims.priority];
         counts.first += values[Counter::kFirstResponses];
         counts.second += values[Counter::kFirstResponsesWithinTarget];
       });
  read("channel", request.filter,
       [](PeriodSums& sums, const Dimensions& dims, const RollupValues& values) {
         sums.messages_in_by_channel[dims.channel] += values[Counter::kMessagesIn];
       });
  const bool filtered = ReadGrouping(request.filter, "") != "all";
  read("", Dimensions{}, [](PeriodSums& sums, const Dimensions&, const RollupValues& values) {
    sums.all_contacts +=
        values[Counter::kConversationsCreated] + values[Counter::kConversationsReopened];
  });

  for (const auto& [grouping_and_filter, adders] : reads) {
    const RollupQuery query{request.read, request.first_bucket, request.last_bucket,
                            grouping_and_filter.first, grouping_and_filter.second};
    repository.QueryRollups(query, [&](const RollupKey& key, const RollupValues& values) {
      PeriodSums& sums = periods[calendar.KeyOf(key.bucket)];
      for (const RowAdder& add : adders) {
        add(sums, key.dims, values);
      }
    });
  }

  const double monthly_fixed =
      settings.seats * settings.seat_cost_per_month + settings.platform_cost_per_month;
  Report report;
  report.time_zone = zone.Name();
  report.currency = settings.currency;
  PeriodSums total_sums;
  double total_fixed = 0;
  for (const auto& [key, sums] : periods) {
    double fixed = monthly_fixed * sums.month_share;
    if (filtered) {
      const std::int64_t contacts = sums.totals[Counter::kConversationsCreated] +
                                    sums.totals[Counter::kConversationsReopened];
      fixed = sums.all_contacts > 0
                  ? fixed * static_cast<double>(contacts) / static_cast<double>(sums.all_contacts)
                  : 0;
    }
    ReportPeriod period = calendar.Describe(key);
    period.kpis = Derive(sums, fixed, settings);
    report.periods.push_back(std::move(period));
    total_sums.Merge(sums);
    total_fixed += fixed;
  }
  report.total = ReportPeriod{"total", report.periods.empty() ? 0 : report.periods[0].start_ms,
                              Derive(total_sums, total_fixed, settings)};
  return report;
}

}  // namespace mobilelink::analytics
