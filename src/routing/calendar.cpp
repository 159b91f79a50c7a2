#include "mobilelink/routing/calendar.hpp"

#include <stdexcept>

#include <unicode/calendar.h>
#include <unicode/gregocal.h>
#include <unicode/timezone.h>
#include <unicode/unistr.h>

namespace mobilelink::routing {

namespace {

using std::chrono::days;
using std::chrono::milliseconds;
using std::chrono::sys_days;

constexpr int kMinutesPerDay = 1440;

}  // namespace

// The prototype calendar with the zone and wall-time rules. Each call clones it, because an
// icu::Calendar keeps mutable fields and so cannot be shared between threads.
struct BusinessCalendar::IcuState {
  std::unique_ptr<icu::Calendar> prototype;

  [[nodiscard]] std::unique_ptr<icu::Calendar> Clone() const {
    return std::unique_ptr<icu::Calendar>(prototype->clone());
  }
};

BusinessCalendar::BusinessCalendar(const config::CalendarConfig& config)
    : id_(config.id),
      hours_(config.hours),
      holidays_(config.holidays.begin(), config.holidays.end()) {
  if (!config::IsKnownTimeZone(config.time_zone)) {
    throw std::invalid_argument("calendar " + config.id + ": unknown time zone '" +
                                config.time_zone + "'");
  }
  bool any_open = false;
  for (const auto& day : hours_) {
    any_open = any_open || !day.empty();
  }
  if (!any_open) {
    throw std::invalid_argument("calendar " + config.id + " has no open hours on any weekday");
  }
  UErrorCode status = U_ZERO_ERROR;
  auto* zone = icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(config.time_zone));
  auto calendar = std::make_unique<icu::GregorianCalendar>(zone, status);
  if (U_FAILURE(status)) {
    throw std::runtime_error("calendar " + config.id +
                             ": ICU could not create a calendar: " + u_errorName(status));
  }
  calendar->setRepeatedWallTimeOption(UCAL_WALLTIME_FIRST);
  calendar->setSkippedWallTimeOption(UCAL_WALLTIME_NEXT_VALID);
  icu_ = std::make_unique<IcuState>();
  icu_->prototype = std::move(calendar);
}

BusinessCalendar::~BusinessCalendar() = default;
BusinessCalendar::BusinessCalendar(BusinessCalendar&&) noexcept = default;
BusinessCalendar& BusinessCalendar::operator=(BusinessCalendar&&) noexcept = default;

BusinessCalendar BusinessCalendar::AlwaysOpen() {
  BusinessCalendar calendar;
  calendar.id_ = "always_open";
  return calendar;
}

sys_days BusinessCalendar::LocalDateOf(core::TimePoint instant) const {
  auto calendar = icu_->Clone();
  UErrorCode status = U_ZERO_ERROR;
  calendar->setTime(
      static_cast<UDate>(
          std::chrono::duration_cast<milliseconds>(instant.time_since_epoch()).count()),
      status);
  const int year = calendar->get(UCAL_YEAR, status);
  const int month = calendar->get(UCAL_MONTH, status) + 1;
  const int day = calendar->get(UCAL_DATE, status);
  if (U_FAILURE(status)) {
    throw std::runtime_error("calendar " + id_ +
                             ": ICU could not read the local date: " + u_errorName(status));
  }
  return sys_days(std::chrono::year_month_day(std::chrono::year(year),
                                              std::chrono::month(static_cast<unsigned>(month)),
                                              std::chrono::day(static_cast<unsigned>(day))));
}

core::TimePoint BusinessCalendar::ToInstant(sys_days local_date, int minute) const {
  if (minute >= kMinutesPerDay) {
    local_date += days(minute / kMinutesPerDay);
    minute %= kMinutesPerDay;
  }
  const std::chrono::year_month_day date(local_date);
  auto calendar = icu_->Clone();
  calendar->clear();
  calendar->set(static_cast<int>(date.year()), static_cast<int>(unsigned(date.month())) - 1,
                static_cast<int>(unsigned(date.day())), minute / 60, minute % 60, 0);
  UErrorCode status = U_ZERO_ERROR;
  const UDate millis = calendar->getTime(status);
  if (U_FAILURE(status)) {
    throw std::runtime_error("calendar " + id_ +
                             ": ICU could not convert a local time: " + u_errorName(status));
  }
  return core::TimePoint(milliseconds(static_cast<std::int64_t>(millis)));
}

std::vector<BusinessCalendar::Interval> BusinessCalendar::IntervalsOn(sys_days local_date) const {
  std::vector<Interval> intervals;
  if (holidays_.contains(local_date)) {
    return intervals;
  }
  const unsigned weekday = std::chrono::weekday(local_date).iso_encoding();  // 1 is Monday.
  for (const auto& range : hours_[weekday - 1]) {
    Interval interval{ToInstant(local_date, range.start_minute),
                      ToInstant(local_date, range.end_minute)};
    if (interval.start < interval.end) {  // A range inside a skipped hour is empty.
      intervals.push_back(interval);
    }
  }
  return intervals;
}

bool BusinessCalendar::IsOpen(core::TimePoint instant) const {
  if (!icu_) {
    return true;
  }
  const sys_days local_date = LocalDateOf(instant);
  for (const auto& interval : IntervalsOn(local_date)) {
    if (instant >= interval.start && instant < interval.end) {
      return true;
    }
  }
  return false;
}

core::TimePoint BusinessCalendar::AddBusinessTime(core::TimePoint start,
                                                  milliseconds amount) const {
  if (!icu_) {
    return start + amount;
  }
  if (amount <= milliseconds(0)) {
    return start;
  }
  auto remaining = std::chrono::duration_cast<core::TimePoint::duration>(amount);
  // The previous local date is included because its last range may end after `start` when
  // a fall-back change makes that date longer than 24 hours.
  const sys_days first = LocalDateOf(start) - days(1);
  for (int offset = 0; offset <= kMaxSearchDays; ++offset) {
    for (const auto& interval : IntervalsOn(first + days(offset))) {
      if (interval.end <= start) {
        continue;
      }
      const core::TimePoint from = std::max(interval.start, start);
      const auto available = interval.end - from;
      if (remaining <= available) {
        return from + remaining;
      }
      remaining -= available;
    }
  }
  throw std::runtime_error("calendar " + id_ + " has not enough open time in the " +
                           std::to_string(kMaxSearchDays) + " days after the start");
}

milliseconds BusinessCalendar::BusinessTimeBetween(core::TimePoint from, core::TimePoint to) const {
  if (to <= from) {
    return milliseconds(0);
  }
  if (!icu_) {
    return std::chrono::duration_cast<milliseconds>(to - from);
  }
  core::TimePoint::duration total{0};
  const sys_days last = LocalDateOf(to);
  for (sys_days date = LocalDateOf(from) - days(1); date <= last; date += days(1)) {
    for (const auto& interval : IntervalsOn(date)) {
      const auto start = std::max(interval.start, from);
      const auto end = std::min(interval.end, to);
      if (start < end) {
        total += end - start;
      }
    }
  }
  return std::chrono::duration_cast<milliseconds>(total);
}

core::TimePoint BusinessCalendar::NextOpening(core::TimePoint instant) const {
  if (!icu_) {
    return instant;
  }
  const sys_days first = LocalDateOf(instant) - days(1);
  for (int offset = 0; offset <= kMaxSearchDays; ++offset) {
    for (const auto& interval : IntervalsOn(first + days(offset))) {
      if (interval.end > instant) {
        return std::max(interval.start, instant);
      }
    }
  }
  throw std::runtime_error("calendar " + id_ + " has no open time in the " +
                           std::to_string(kMaxSearchDays) + " days after the start");
}

}  // namespace mobilelink::routing
