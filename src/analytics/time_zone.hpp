#pragma once

// Calendar arithmetic in the account's time zone, over ICU's time zone data. Days are cut at
// local midnight and hours at the local hour, so a DST change gives a 23- or 25-hour day.
// Times are Unix milliseconds (UTC); a local date is the number of days from 1970-01-01 in the
// local calendar.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace mobilelink::analytics {

class TimeZone final {
 public:
  /// Opens the IANA zone `name`. Throws std::invalid_argument for an unknown name.
  explicit TimeZone(const std::string& name);
  ~TimeZone();
  TimeZone(const TimeZone&) = delete;
  TimeZone& operator=(const TimeZone&) = delete;

  [[nodiscard]] const std::string& Name() const { return name_; }
  /// Returns the offset from UTC in force at `utc_ms`, DST included, in milliseconds.
  [[nodiscard]] std::int64_t OffsetAt(std::int64_t utc_ms) const;
  /// Returns the local date that contains `utc_ms`.
  [[nodiscard]] std::int64_t LocalDate(std::int64_t utc_ms) const;
  /// Returns the first instant of local date `date`: local midnight, or the end of a DST gap
  /// that swallows midnight.
  [[nodiscard]] std::int64_t DayStart(std::int64_t date) const;
  /// Returns the instant the local hour that contains `utc_ms` began.
  [[nodiscard]] std::int64_t HourStart(std::int64_t utc_ms) const;
  /// Returns the local hour of day, 0-23, at `utc_ms`.
  [[nodiscard]] int LocalHour(std::int64_t utc_ms) const;

 private:
  struct Impl;  // Keeps ICU's headers out of this one.
  std::string name_;
  std::unique_ptr<Impl> impl_;
};

/// Parses YYYY-MM-DD into a date (days from 1970-01-01). Returns nullopt when invalid.
std::optional<std::int64_t> ParseDate(std::string_view text);
/// Formats a date as YYYY-MM-DD.
std::string FormatDate(std::int64_t date);
/// Returns the first date of the month that contains `date`.
std::int64_t MonthStart(std::int64_t date);
/// Returns the number of days of the month that contains `date`.
int DaysInMonth(std::int64_t date);

inline constexpr std::int64_t kMillisPerHour = 3'600'000;
inline constexpr std::int64_t kMillisPerDay = 86'400'000;

}  // namespace mobilelink::analytics
