#include "mobilelink/config/sla_config.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include <unicode/timezone.h>
#include <unicode/ucal.h>
#include <unicode/unistr.h>

#include "mobilelink/channels/common/phone.hpp"
#include "mobilelink/config/config.hpp"
#include "mobilelink/config/value_checks.hpp"
#include "mobilelink/config/yaml_node.hpp"

namespace mobilelink::config {

namespace {

constexpr std::array<std::string_view, 7> kWeekdayKeys = {"mon", "tue", "wed", "thu",
                                                          "fri", "sat", "sun"};
constexpr std::array<std::string_view, 3> kPriorityKeys = {"critical", "high", "standard"};

// Maximum target: one year, so due-time arithmetic stays far from overflow.
constexpr int kMaxTargetSeconds = 366 * 24 * 3600;

// Reads "HH:MM" as minutes after midnight, accepting 24:00 only where `allow_end_of_day`.
std::optional<int> ParseClock(std::string_view text, bool allow_end_of_day) {
  if (text.size() != 5 || text[2] != ':' || !std::isdigit(static_cast<unsigned char>(text[0])) ||
      !std::isdigit(static_cast<unsigned char>(text[1])) ||
      !std::isdigit(static_cast<unsigned char>(text[3])) ||
      !std::isdigit(static_cast<unsigned char>(text[4]))) {
    return std::nullopt;
  }
  const int hour = (text[0] - '0') * 10 + (text[1] - '0');
  const int minute = (text[3] - '0') * 10 + (text[4] - '0');
  if (minute > 59) {
    return std::nullopt;
  }
  if (hour == 24 && minute == 0 && allow_end_of_day) {
    return 1440;
  }
  if (hour > 23) {
    return std::nullopt;
  }
  return hour * 60 + minute;
}

std::optional<std::chrono::sys_days> ParseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  int parts[3] = {0, 0, 0};
  const std::pair<std::size_t, std::size_t> spans[3] = {{0, 4}, {5, 2}, {8, 2}};
  for (int i = 0; i < 3; ++i) {
    for (std::size_t j = spans[i].first; j < spans[i].first + spans[i].second; ++j) {
      if (!std::isdigit(static_cast<unsigned char>(text[j]))) {
        return std::nullopt;
      }
      parts[i] = parts[i] * 10 + (text[j] - '0');
    }
  }
  const std::chrono::year_month_day date{std::chrono::year(parts[0]),
                                         std::chrono::month(static_cast<unsigned>(parts[1])),
                                         std::chrono::day(static_cast<unsigned>(parts[2]))};
  if (!date.ok()) {
    return std::nullopt;
  }
  return std::chrono::sys_days(date);
}

std::vector<TimeRange> ParseDayHours(const Node& node) {
  std::vector<TimeRange> ranges;
  const auto texts = TextList(node);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto range = ParseTimeRange(texts[i]);
    if (!range) {
      Fail(node.path + "[" + std::to_string(i) + "]",
           "invalid range '" + texts[i] +
               "'; write HH:MM-HH:MM with the start before the end, such as 09:00-17:30");
    }
    ranges.push_back(*range);
  }
  std::sort(ranges.begin(), ranges.end(),
            [](const TimeRange& a, const TimeRange& b) { return a.start_minute < b.start_minute; });
  for (std::size_t i = 1; i < ranges.size(); ++i) {
    if (ranges[i].start_minute < ranges[i - 1].end_minute) {
      Fail(node.path, "ranges overlap; list each open period once");
    }
  }
  return ranges;
}

CalendarConfig ParseCalendar(const Node& item) {
  CheckKeys(item, {"id", "time_zone", "hours", "holidays"});
  CalendarConfig calendar;
  calendar.id = Text(Child(item, "id"), true);
  calendar.time_zone = Text(Child(item, "time_zone"), true);
  if (!IsKnownTimeZone(calendar.time_zone)) {
    Fail(item.path + ".time_zone", "unknown time zone '" + calendar.time_zone +
                                       "'; use an IANA zone id such as Europe/Berlin");
  }
  const Node hours = Child(item, "hours");
  CheckKeys(hours, {"mon", "tue", "wed", "thu", "fri", "sat", "sun"});
  bool any_open = false;
  for (std::size_t day = 0; day < kWeekdayKeys.size(); ++day) {
    calendar.hours[day] = ParseDayHours(Child(hours, std::string(kWeekdayKeys[day])));
    any_open = any_open || !calendar.hours[day].empty();
  }
  if (!any_open) {
    Fail(hours.path,
         "no open hours on any day; list at least one range such as "
         "mon: [\"09:00-17:00\"]");
  }
  const Node holidays = Child(item, "holidays");
  const auto dates = TextList(holidays);
  for (std::size_t i = 0; i < dates.size(); ++i) {
    const auto date = ParseDate(dates[i]);
    if (!date) {
      Fail(holidays.path + "[" + std::to_string(i) + "]",
           "invalid date '" + dates[i] + "'; write YYYY-MM-DD");
    }
    calendar.holidays.push_back(*date);
  }
  return calendar;
}

std::chrono::seconds Seconds(const Node& node, std::chrono::seconds fallback) {
  return std::chrono::seconds(
      Integer(node, static_cast<int>(fallback.count()), 1, kMaxTargetSeconds));
}

core::Priority PriorityValue(const Node& node, core::Priority fallback) {
  if (!node.node.IsDefined()) {
    return fallback;
  }
  const std::string text = Text(node, true);
  const auto priority = core::ParsePriority(text);
  if (!priority) {
    Fail(node.path, "unknown priority '" + text + "'; expected critical, high or standard");
  }
  return *priority;
}

void ParsePolicy(const Node& node, SlaPolicy& policy) {
  if (!node.node.IsDefined()) {
    return;
  }
  CheckKeys(node, {"first_response_s", "next_response_s", "resolution_s", "breach_actions"});
  policy.first_response = Seconds(Child(node, "first_response_s"), policy.first_response);
  policy.next_response = Seconds(Child(node, "next_response_s"), policy.next_response);
  policy.resolution = Seconds(Child(node, "resolution_s"), policy.resolution);
  const Node actions = Child(node, "breach_actions");
  if (!actions.node.IsDefined()) {
    return;
  }
  policy.breach_actions.clear();
  const auto texts = TextList(actions);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto action = ParseBreachAction(texts[i]);
    if (!action) {
      Fail(actions.path + "[" + std::to_string(i) + "]",
           "unknown action '" + texts[i] +
               "'; expected notify, reassign, raise_tier or page_on_call");
    }
    policy.breach_actions.push_back(*action);
  }
}

std::vector<std::string> LowerCaseList(const Node& node) {
  auto values = TextList(node);
  for (auto& value : values) {
    std::transform(value.begin(), value.end(), value.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  }
  return values;
}

PriorityRule ParseRule(const Node& item) {
  CheckKeys(item, {"priority", "intents", "customer_tiers", "keywords"});
  PriorityRule rule;
  if (!Child(item, "priority").node.IsDefined()) {
    Fail(item.path + ".priority", "missing required key");
  }
  rule.priority = PriorityValue(Child(item, "priority"), core::Priority::kStandard);
  rule.intents = TextList(Child(item, "intents"));
  rule.customer_tiers = TextList(Child(item, "customer_tiers"));
  rule.keywords = LowerCaseList(Child(item, "keywords"));
  if (rule.intents.empty() && rule.customer_tiers.empty() && rule.keywords.empty()) {
    Fail(item.path, "a rule needs at least one of intents, customer_tiers or keywords");
  }
  return rule;
}

OnCallConfig ParseOnCallTeam(const Node& item) {
  CheckKeys(item, {"team", "inbox", "ack_window_s", "rotation", "runbook"});
  OnCallConfig on_call;
  on_call.team = Text(Child(item, "team"), true);
  on_call.inbox = Text(Child(item, "inbox"), true);
  on_call.ack_window =
      std::chrono::seconds(Integer(Child(item, "ack_window_s"), 300, 30, 24 * 3600));
  on_call.runbook = Text(Child(item, "runbook"), false);
  ForEachItem(Child(item, "rotation"), [&](const Node& person_node) {
    CheckKeys(person_node, {"name", "phone"});
    OnCallPerson person;
    person.name = Text(Child(person_node, "name"), true);
    const std::string phone = Text(Child(person_node, "phone"), true);
    const auto normalized = channels::common::NormalizePhone(phone, "");
    if (!normalized || phone.front() != '+') {
      Fail(person_node.path + ".phone",
           "invalid phone number '" + phone + "'; write it in E.164 form, such as +14155550100");
    }
    person.phone = *normalized;
    on_call.rotation.push_back(std::move(person));
  });
  if (on_call.rotation.empty()) {
    Fail(item.path + ".rotation", "missing required key; list at least one person");
  }
  return on_call;
}

}  // namespace

std::string_view ToString(SlaMetric value) {
  switch (value) {
    case SlaMetric::kFirstResponse:
      return "first_response";
    case SlaMetric::kNextResponse:
      return "next_response";
    case SlaMetric::kResolution:
      return "resolution";
  }
  return "first_response";
}

std::optional<SlaMetric> ParseSlaMetric(std::string_view text) {
  for (auto metric :
       {SlaMetric::kFirstResponse, SlaMetric::kNextResponse, SlaMetric::kResolution}) {
    if (ToString(metric) == text) {
      return metric;
    }
  }
  return std::nullopt;
}

std::string_view ToString(BreachAction value) {
  switch (value) {
    case BreachAction::kNotify:
      return "notify";
    case BreachAction::kReassign:
      return "reassign";
    case BreachAction::kRaiseTier:
      return "raise_tier";
    case BreachAction::kPageOnCall:
      return "page_on_call";
  }
  return "notify";
}

std::optional<BreachAction> ParseBreachAction(std::string_view text) {
  for (auto action : {BreachAction::kNotify, BreachAction::kReassign, BreachAction::kRaiseTier,
                      BreachAction::kPageOnCall}) {
    if (ToString(action) == text) {
      return action;
    }
  }
  return std::nullopt;
}

std::chrono::seconds SlaPolicy::Target(SlaMetric metric) const {
  switch (metric) {
    case SlaMetric::kFirstResponse:
      return first_response;
    case SlaMetric::kNextResponse:
      return next_response;
    case SlaMetric::kResolution:
      return resolution;
  }
  return first_response;
}

SlaConfig::SlaConfig() {
  using std::chrono::hours;
  using std::chrono::minutes;
  using Action = BreachAction;
  policies[static_cast<std::size_t>(core::Priority::kCritical)] = {
      minutes(15),
      minutes(15),
      hours(4),
      {Action::kNotify, Action::kRaiseTier, Action::kPageOnCall}};
  policies[static_cast<std::size_t>(core::Priority::kHigh)] = {
      hours(1), hours(1), hours(24), {Action::kNotify, Action::kReassign}};
  policies[static_cast<std::size_t>(core::Priority::kStandard)] = {
      hours(24), hours(24), hours(120), {Action::kNotify}};
}

bool IsKnownTimeZone(const std::string& time_zone) {
  std::unique_ptr<icu::TimeZone> zone(
      icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(time_zone)));
  icu::UnicodeString id;
  zone->getID(id);
  return id != icu::UnicodeString(UCAL_UNKNOWN_ZONE_ID);
}

std::optional<TimeRange> ParseTimeRange(std::string_view text) {
  const auto dash = text.find('-');
  if (dash == std::string_view::npos) {
    return std::nullopt;
  }
  const auto start = ParseClock(text.substr(0, dash), false);
  auto end = ParseClock(text.substr(dash + 1), true);
  if (!start || !end) {
    return std::nullopt;
  }
  // 23:59 as an end means through the end of the day, so 00:00-23:59 is the whole day.
  if (*end == 23 * 60 + 59) {
    end = 1440;
  }
  if (*start >= *end) {
    return std::nullopt;
  }
  return TimeRange{*start, *end};
}

std::vector<CalendarConfig> ParseCalendars(const Node& node) {
  std::vector<CalendarConfig> calendars;
  std::set<std::string> ids;
  ForEachItem(node, [&](const Node& item) {
    auto calendar = ParseCalendar(item);
    if (!ids.insert(calendar.id).second) {
      Fail(item.path + ".id", "duplicate calendar id '" + calendar.id + "'");
    }
    calendars.push_back(std::move(calendar));
  });
  return calendars;
}

SlaConfig ParseSla(const Node& node) {
  SlaConfig sla;
  if (!node.node.IsDefined()) {
    return sla;
  }
  CheckKeys(node, {"calendar", "default_priority", "on_call_team", "policies", "rules"});
  sla.calendar = Text(Child(node, "calendar"), false);
  sla.default_priority = PriorityValue(Child(node, "default_priority"), sla.default_priority);
  sla.on_call_team = Text(Child(node, "on_call_team"), false);
  const Node policies = Child(node, "policies");
  if (policies.node.IsDefined()) {
    CheckKeys(policies, {"critical", "high", "standard"});
    for (std::size_t i = 0; i < kPriorityKeys.size(); ++i) {
      const auto priority = *core::ParsePriority(kPriorityKeys[i]);
      ParsePolicy(Child(policies, std::string(kPriorityKeys[i])),
                  sla.policies[static_cast<std::size_t>(priority)]);
    }
  }
  ForEachItem(Child(node, "rules"),
              [&](const Node& item) { sla.rules.push_back(ParseRule(item)); });
  return sla;
}

std::vector<OnCallConfig> ParseOnCall(const Node& node) {
  std::vector<OnCallConfig> teams;
  std::set<std::string> ids;
  ForEachItem(node, [&](const Node& item) {
    auto on_call = ParseOnCallTeam(item);
    if (!ids.insert(on_call.team).second) {
      Fail(item.path + ".team", "duplicate on_call team '" + on_call.team + "'");
    }
    teams.push_back(std::move(on_call));
  });
  return teams;
}

void ValidateSlaReferences(const Config& config) {
  if (!config.sla.calendar.empty() &&
      std::none_of(config.calendars.begin(), config.calendars.end(),
                   [&](const CalendarConfig& c) { return c.id == config.sla.calendar; })) {
    Fail("sla.calendar",
         "no calendar has id '" + config.sla.calendar + "'; add it under calendars");
  }
  if (!config.sla.on_call_team.empty() &&
      std::none_of(config.on_call.begin(), config.on_call.end(),
                   [&](const OnCallConfig& o) { return o.team == config.sla.on_call_team; })) {
    Fail("sla.on_call_team",
         "no on_call entry has team '" + config.sla.on_call_team + "'; add it under on_call");
  }
  for (std::size_t i = 0; i < config.on_call.size(); ++i) {
    RequireInboxOfChannel(config.inboxes, "on_call[" + std::to_string(i) + "].inbox",
                          config.on_call[i].inbox, "twilio_sms", "pages go out by SMS");
  }
}

}  // namespace mobilelink::config
