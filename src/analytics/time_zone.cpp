#include "mobilelink/analytics/time_zone.hpp"

#include <chrono>
#include <cstdio>
#include <mutex>
#include <stdexcept>

#include <unicode/timezone.h>
#include <unicode/unistr.h>

namespace mobilelink::analytics {

namespace {

std::int64_t FloorDiv(std::int64_t value, std::int64_t divisor) {
  std::int64_t quotient = value / divisor;
  if ((value % divisor != 0) && ((value < 0) != (divisor < 0))) {
    --quotient;
  }
  return quotient;
}

std::int64_t FloorMod(std::int64_t value, std::int64_t divisor) {
  return value - FloorDiv(value, divisor) * divisor;
}

}  // namespace

struct TimeZone::Impl {
  std::unique_ptr<icu::TimeZone> zone;
  std::mutex mutex;  // ICU does not document TimeZone::getOffset as thread safe.
};

TimeZone::TimeZone(const std::string& name) : name_(name), impl_(std::make_unique<Impl>()) {
  impl_->zone.reset(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(name)));
  icu::UnicodeString id;
  impl_->zone->getID(id);
  if (id == icu::UnicodeString(UCAL_UNKNOWN_ZONE_ID)) {
    throw std::invalid_argument("unknown time zone '" + name +
                                "'; use an IANA name such as America/Los_Angeles");
  }
}

TimeZone::~TimeZone() = default;

std::int64_t TimeZone::OffsetAt(std::int64_t utc_ms) const {
  std::int32_t raw = 0;
  std::int32_t dst = 0;
  UErrorCode status = U_ZERO_ERROR;
  std::lock_guard lock(impl_->mutex);
  impl_->zone->getOffset(static_cast<UDate>(utc_ms), false, raw, dst, status);
  if (U_FAILURE(status)) {
    throw std::runtime_error("time zone offset failed for " + name_ + ": " + u_errorName(status));
  }
  return static_cast<std::int64_t>(raw) + dst;
}

std::int64_t TimeZone::LocalDate(std::int64_t utc_ms) const {
  return FloorDiv(utc_ms + OffsetAt(utc_ms), kMillisPerDay);
}

std::int64_t TimeZone::DayStart(std::int64_t date) const {
  // Local midnight minus the offset in force then, unless a DST change falls near midnight.
  const std::int64_t midnight = date * kMillisPerDay;
  const std::int64_t guess = midnight - OffsetAt(midnight - OffsetAt(midnight));
  if (LocalDate(guess) == date && LocalDate(guess - 1) < date) {
    return guess;
  }
  // Otherwise bisect. LocalDate only grows with time, because no zone in the IANA data has
  // moved its clock back across midnight since 2011. UTC offsets stay within 26 hours, which
  // bounds the window.
  std::int64_t low = date * kMillisPerDay - 26 * kMillisPerHour;
  std::int64_t high = date * kMillisPerDay + 26 * kMillisPerHour;
  while (low < high) {
    const std::int64_t middle = low + (high - low) / 2;
    if (LocalDate(middle) >= date) {
      high = middle;
    } else {
      low = middle + 1;
    }
  }
  return low;
}

std::int64_t TimeZone::HourStart(std::int64_t utc_ms) const {
  return utc_ms - FloorMod(utc_ms + OffsetAt(utc_ms), kMillisPerHour);
}

int TimeZone::LocalHour(std::int64_t utc_ms) const {
  return static_cast<int>(FloorMod(utc_ms + OffsetAt(utc_ms), kMillisPerDay) / kMillisPerHour);
}

std::optional<std::int64_t> ParseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  int parts[3] = {0, 0, 0};
  const std::size_t starts[3] = {0, 5, 8};
  const std::size_t lengths[3] = {4, 2, 2};
  for (int i = 0; i < 3; ++i) {
    for (std::size_t j = 0; j < lengths[i]; ++j) {
      const char c = text[starts[i] + j];
      if (c < '0' || c > '9') {
        return std::nullopt;
      }
      parts[i] = parts[i] * 10 + (c - '0');
    }
  }
  const std::chrono::year_month_day day{std::chrono::year(parts[0]),
                                        std::chrono::month(static_cast<unsigned>(parts[1])),
                                        std::chrono::day(static_cast<unsigned>(parts[2]))};
  if (!day.ok()) {
    return std::nullopt;
  }
  return std::chrono::sys_days(day).time_since_epoch().count();
}

std::string FormatDate(std::int64_t date) {
  const std::chrono::year_month_day day{std::chrono::sys_days(std::chrono::days(date))};
  char text[16];
  std::snprintf(text, sizeof(text), "%04d-%02u-%02u", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
  return text;
}

std::int64_t MonthStart(std::int64_t date) {
  const std::chrono::year_month_day day{std::chrono::sys_days(std::chrono::days(date))};
  const std::chrono::year_month_day first{day.year(), day.month(), std::chrono::day(1)};
  return std::chrono::sys_days(first).time_since_epoch().count();
}

int DaysInMonth(std::int64_t date) {
  const std::chrono::year_month_day day{std::chrono::sys_days(std::chrono::days(date))};
  const std::chrono::year_month_day_last last{day.year(), std::chrono::month_day_last(day.month())};
  return static_cast<int>(static_cast<unsigned>(last.day()));
}

}  // namespace mobilelink::analytics
