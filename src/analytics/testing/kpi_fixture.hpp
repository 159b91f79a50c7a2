#pragma once

// A fixture of five conversations as events with fixed times, around the 2026 spring DST
// change in America/Los_Angeles (2026-03-08 02:00 PST became 03:00 PDT). The expected KPI
// values are worked out by hand in kpi_fixture_test.cpp.
//
// C1 bot-only on SMS, resolved without an agent (contained).
// C2 on WhatsApp, handed off, replied to twice by agent 7, resolved, CSAT 5 and NPS 10.
// C3 on SMS, handed off, resolved, reopened two days later and resolved again, CSAT 2.
// C4 out of hours at 01:30 PST on the DST day, critical, written to again over WhatsApp,
//    answered at 08:00 PDT, escalated, resolved, NPS 3.
// C5 web chat at 23:30 PDT, resolved by the bot after local midnight.
//
// Around the autumn change (2026-11-01 02:00 PDT became 01:00 PST), two conversations arrive at
// 17:59 PDT on Friday 2026-10-30 and are answered at 09:01 PST on Monday 2026-11-02:
// C6 of team "support", whose calendar is open 09:00-18:00 Monday to Friday in Los Angeles,
//    answered again on Tuesday after a message out of hours, resolved on Tuesday.
// C7 of team "night", which has no calendar, so its times count every hour.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "mobilelink/analytics/settings.hpp"
#include "mobilelink/analytics/working_time.hpp"
#include "mobilelink/core/model.hpp"

namespace mobilelink::analytics::testing {

/// Returns Unix milliseconds of a UTC date and time.
inline std::int64_t Utc(int year, unsigned month, unsigned day, int hour, int minute, int second) {
  const std::chrono::sys_days date{std::chrono::year(year) / std::chrono::month(month) /
                                   std::chrono::day(day)};
  return (date.time_since_epoch().count() * 86400LL + hour * 3600LL + minute * 60LL + second) *
         1000LL;
}

/// The settings the fixture's values assume: Los Angeles days, SMS and WhatsApp prices, two
/// seats at 100 and a platform at 1000 per month, first-response targets of 60 s.
AnalyticsSettings FixtureSettings();

/// The team calendars of C6 and C7: "support" counts the "office" calendar (09:00-18:00 Monday
/// to Friday, America/Los_Angeles), "night" and every other team count every hour.
TeamCalendars FixtureWorkingTime();

/// The fixture's events in the order they happened.
std::vector<core::Event> FixtureEvents();

}  // namespace mobilelink::analytics::testing
