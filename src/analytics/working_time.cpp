#include "mobilelink/analytics/working_time.hpp"

#include <chrono>
#include <stdexcept>

#include "mobilelink/config/config.hpp"

namespace mobilelink::analytics {

namespace {

core::TimePoint Instant(std::int64_t millis) {
  return core::TimePoint(std::chrono::milliseconds(millis));
}

}  // namespace

std::int64_t CalendarTime::Millis(const std::string& /*team*/, std::int64_t from_ms,
                                  std::int64_t to_ms) const {
  return to_ms > from_ms ? to_ms - from_ms : 0;
}

TeamCalendars::TeamCalendars(const std::vector<config::CalendarConfig>& calendars,
                             const std::map<std::string, std::string>& team_calendars,
                             const std::string& default_calendar) {
  for (const auto& calendar : calendars) {
    calendars_.emplace(calendar.id, routing::BusinessCalendar(calendar));
  }
  for (const auto& [team, calendar_id] : team_calendars) {
    if (!calendar_id.empty()) {
      by_team_[team] = Find(calendar_id);
    }
  }
  if (!default_calendar.empty()) {
    default_ = Find(default_calendar);
  }
}

const routing::BusinessCalendar* TeamCalendars::Find(const std::string& id) const {
  const auto found = calendars_.find(id);
  if (found == calendars_.end()) {
    throw std::invalid_argument("calendar '" + id + "' is not defined under calendars");
  }
  return &found->second;
}

std::int64_t TeamCalendars::Millis(const std::string& team, std::int64_t from_ms,
                                   std::int64_t to_ms) const {
  if (to_ms <= from_ms) {
    return 0;
  }
  const auto found = by_team_.find(team);
  const routing::BusinessCalendar* calendar = found != by_team_.end() ? found->second : default_;
  if (calendar == nullptr) {
    return to_ms - from_ms;
  }
  return calendar->BusinessTimeBetween(Instant(from_ms), Instant(to_ms)).count();
}

std::unique_ptr<TeamCalendars> TeamCalendarsOf(const config::Config& config) {
  std::map<std::string, std::string> team_calendars;
  for (const auto& team : config.routing.teams) {
    team_calendars[team.id] = team.calendar;
  }
  // Until an event names a team, the conversation waits in the default team's queue, and its
  // SLA clocks count that team's calendar.
  // NOTE: a handoff whose intent a team lists as a skill queues in that team, whose calendar
  // the SLA clocks count, while this counts the default team's until an event names the team.
  std::string default_team = config.routing.settings.default_team;
  if (default_team.empty() && !config.routing.teams.empty()) {
    default_team = config.routing.teams.front().id;
  }
  if (const auto found = team_calendars.find(default_team); found != team_calendars.end()) {
    team_calendars[""] = found->second;
  }
  return std::make_unique<TeamCalendars>(config.calendars, team_calendars, config.sla.calendar);
}

}  // namespace mobilelink::analytics
