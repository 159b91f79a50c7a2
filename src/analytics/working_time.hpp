#pragma once

// The working time that response and handle times count. A conversation's team decides it:
// a team with a business calendar counts only that calendar's open hours, the same calendars
// that the SLA clocks count (docs/sla.md).

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mobilelink/config/sla_config.hpp"
#include "mobilelink/routing/calendar.hpp"

namespace mobilelink::config {
struct Config;
}  // namespace mobilelink::config

namespace mobilelink::analytics {

/// Counts working time per team. Implementations are thread safe.
class WorkingTime {
 public:
  virtual ~WorkingTime() = default;

  /// Returns the working time from `from_ms` to `to_ms` (Unix milliseconds) for a conversation
  /// of `team`, in milliseconds; 0 when `to_ms` is not after `from_ms`. An empty team means
  /// none yet.
  [[nodiscard]] virtual std::int64_t Millis(const std::string& team, std::int64_t from_ms,
                                            std::int64_t to_ms) const = 0;
};

/// Counts every millisecond for every team.
class CalendarTime final : public WorkingTime {
 public:
  [[nodiscard]] std::int64_t Millis(const std::string& team, std::int64_t from_ms,
                                    std::int64_t to_ms) const override;
};

/// Counts the open hours of each team's business calendar. A team without a calendar and an
/// unknown team count the default calendar, or every millisecond when there is none. The
/// empty team id is a key like any other, for conversations that no event has named a team for.
class TeamCalendars final : public WorkingTime {
 public:
  /// `team_calendars` maps team ids to calendar ids, and an empty id means none. Throws
  /// std::invalid_argument when a calendar is invalid or an id names no entry of `calendars`.
  TeamCalendars(const std::vector<config::CalendarConfig>& calendars,
                const std::map<std::string, std::string>& team_calendars,
                const std::string& default_calendar);

  [[nodiscard]] std::int64_t Millis(const std::string& team, std::int64_t from_ms,
                                    std::int64_t to_ms) const override;

 private:
  [[nodiscard]] const routing::BusinessCalendar* Find(const std::string& id) const;

  std::map<std::string, routing::BusinessCalendar> calendars_;
  std::map<std::string, const routing::BusinessCalendar*> by_team_;
  const routing::BusinessCalendar* default_ = nullptr;  // Null: every millisecond counts.
};

/// Returns the team calendars of a validated config: `calendars`, each team's `calendar` and
/// `sla.calendar` as the default. A conversation without a team counts the calendar of the
/// routing default team (`routing.default_team`, else the first team), as its SLA clocks do.
std::unique_ptr<TeamCalendars> TeamCalendarsOf(const config::Config& config);

}  // namespace mobilelink::analytics
