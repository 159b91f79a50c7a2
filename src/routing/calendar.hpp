#pragma once

// Business calendars: opening hours per weekday in one IANA time zone, with holidays.
//
// Each open range of a local date becomes one interval of instants. The start and end wall
// times are converted with the zone's rules for that date (ICU), so a range keeps its wall
// times across daylight-saving changes and counts the real seconds between them. A wall time
// that a spring-forward change skips maps to the first instant after the gap, and a wall time
// that a fall-back change repeats maps to its first occurrence. A range ending at 24:00 (which
// "23:59" also means) meets the next day's range from 00:00, so a 24/7 calendar has no gap at
// midnight.

#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "mobilelink/config/sla_config.hpp"
#include "mobilelink/core/model.hpp"

namespace mobilelink::routing {

/// Opening hours of a team, evaluated in the calendar's time zone. Thread safe: every method is
/// const and works on its own ICU calendar copy.
class BusinessCalendar final {
 public:
  /// Throws std::invalid_argument when the time zone is unknown or no weekday has open hours.
  explicit BusinessCalendar(const config::CalendarConfig& config);
  ~BusinessCalendar();
  BusinessCalendar(BusinessCalendar&&) noexcept;
  BusinessCalendar& operator=(BusinessCalendar&&) noexcept;

  /// Returns a calendar that is open at every instant, in UTC.
  static BusinessCalendar AlwaysOpen();

  [[nodiscard]] const std::string& Id() const { return id_; }

  /// Returns true when `instant` falls inside an open range: start included, end excluded.
  [[nodiscard]] bool IsOpen(core::TimePoint instant) const;

  /// Returns the instant at which `amount` of open time has passed since `start`. Closed time
  /// does not count, so a start outside the hours counts from the next opening. A zero amount
  /// returns `start`. Throws std::runtime_error when the calendar stays closed for more than
  /// `kMaxSearchDays` (all days holidays).
  [[nodiscard]] core::TimePoint AddBusinessTime(core::TimePoint start,
                                                std::chrono::milliseconds amount) const;

  /// Returns the open time between `from` and `to`; zero when `to` is not after `from`.
  [[nodiscard]] std::chrono::milliseconds BusinessTimeBetween(core::TimePoint from,
                                                              core::TimePoint to) const;

  /// Returns the first instant at or after `instant` when the calendar is open.
  [[nodiscard]] core::TimePoint NextOpening(core::TimePoint instant) const;

  /// Days searched ahead for open time before AddBusinessTime gives up.
  static constexpr int kMaxSearchDays = 3660;

 private:
  struct Interval {
    core::TimePoint start;
    core::TimePoint end;
  };
  struct IcuState;

  BusinessCalendar() = default;
  // Returns the open intervals of one local date, in order.
  [[nodiscard]] std::vector<Interval> IntervalsOn(std::chrono::sys_days local_date) const;
  [[nodiscard]] std::chrono::sys_days LocalDateOf(core::TimePoint instant) const;
  [[nodiscard]] core::TimePoint ToInstant(std::chrono::sys_days local_date, int minute) const;

  std::string id_;
  std::array<std::vector<config::TimeRange>, 7> hours_;  // Index 0 is Monday.
  std::set<std::chrono::sys_days> holidays_;
  std::unique_ptr<IcuState> icu_;  // Null for AlwaysOpen.
};

}  // namespace mobilelink::routing
