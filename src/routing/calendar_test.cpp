// BusinessCalendar: boundaries, split shifts, midnight, weekends, holidays, 24/7 calendars and
// daylight-saving changes in Europe/Berlin and America/New_York.

#include "mobilelink/routing/calendar.hpp"

#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace mobilelink::routing {
namespace {

using namespace std::chrono_literals;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;

// Returns the UTC instant of a date and a time of day.
core::TimePoint Utc(std::chrono::year_month_day date, std::chrono::seconds time_of_day) {
  return core::TimePoint(sys_days(date)) + time_of_day;
}

std::vector<config::TimeRange> Ranges(const std::vector<std::string>& texts) {
  std::vector<config::TimeRange> ranges;
  for (const auto& text : texts) {
    ranges.push_back(*config::ParseTimeRange(text));
  }
  return ranges;
}

config::CalendarConfig Weekdays(const std::string& zone, const std::vector<std::string>& hours) {
  config::CalendarConfig config;
  config.id = "office";
  config.time_zone = zone;
  for (int day = 0; day < 5; ++day) {
    config.hours[day] = Ranges(hours);
  }
  return config;
}

config::CalendarConfig EveryDay(const std::string& zone, const std::vector<std::string>& hours) {
  config::CalendarConfig config = Weekdays(zone, hours);
  config.id = "every_day";
  config.hours[5] = Ranges(hours);
  config.hours[6] = Ranges(hours);
  return config;
}

// Berlin office with a split shift and Christmas Day closed. In March 2026 Berlin is UTC+1
// until Sunday 29 March, then UTC+2.
BusinessCalendar BerlinOffice() {
  auto config = Weekdays("Europe/Berlin", {"09:00-12:30", "13:30-18:00"});
  config.holidays.push_back(sys_days(2026y / 12 / 25));
  return BusinessCalendar(config);
}

TEST(TimeRange, ParsesWholeDayAndRejectsBadRanges) {
  const auto whole_day = config::ParseTimeRange("00:00-23:59");
  ASSERT_TRUE(whole_day.has_value());
  EXPECT_EQ(whole_day->start_minute, 0);
  EXPECT_EQ(whole_day->end_minute, 1440);
  EXPECT_EQ(config::ParseTimeRange("09:00-24:00")->end_minute, 1440);
  EXPECT_EQ(config::ParseTimeRange("13:30-18:00")->start_minute, 13 * 60 + 30);
  EXPECT_FALSE(config::ParseTimeRange("18:00-09:00").has_value());
  EXPECT_FALSE(config::ParseTimeRange("09:00-09:00").has_value());
  EXPECT_FALSE(config::ParseTimeRange("9:00-17:00").has_value());
  EXPECT_FALSE(config::ParseTimeRange("24:00-24:00").has_value());
  EXPECT_FALSE(config::ParseTimeRange("09:60-17:00").has_value());
  EXPECT_FALSE(config::ParseTimeRange("09:00").has_value());
}

TEST(BusinessCalendar, OpenAtStartClosedAtEnd) {
  const auto calendar = BerlinOffice();
  // Monday 2 March 2026; 09:00 in Berlin is 08:00 UTC.
  const auto opening = Utc(2026y / 3 / 2, 8h);
  EXPECT_FALSE(calendar.IsOpen(opening - 1s));
  EXPECT_TRUE(calendar.IsOpen(opening));
  EXPECT_TRUE(calendar.IsOpen(Utc(2026y / 3 / 2, 11h + 29min + 59s)));
  EXPECT_FALSE(calendar.IsOpen(Utc(2026y / 3 / 2, 11h + 30min)));  // 12:30, lunch.
  EXPECT_FALSE(calendar.IsOpen(Utc(2026y / 3 / 2, 12h + 29min + 59s)));
  EXPECT_TRUE(calendar.IsOpen(Utc(2026y / 3 / 2, 12h + 30min)));  // 13:30.
  EXPECT_TRUE(calendar.IsOpen(Utc(2026y / 3 / 2, 16h + 59min + 59s)));
  EXPECT_FALSE(calendar.IsOpen(Utc(2026y / 3 / 2, 17h)));  // 18:00.
  EXPECT_FALSE(calendar.IsOpen(Utc(2026y / 3 / 7, 10h)));  // Saturday.
}

TEST(BusinessCalendar, SplitShiftSkipsLunch) {
  const auto calendar = BerlinOffice();
  // Monday 12:00 Berlin plus one business hour: 30 minutes before lunch, 30 after.
  const auto start = Utc(2026y / 3 / 2, 11h);
  EXPECT_EQ(calendar.AddBusinessTime(start, hours(1)), Utc(2026y / 3 / 2, 13h));
  EXPECT_EQ(calendar.BusinessTimeBetween(Utc(2026y / 3 / 2, 7h), Utc(2026y / 3 / 2, 19h)),
            hours(8));
}

TEST(BusinessCalendar, ExactBoundaryOfAddedTime) {
  const auto calendar = BerlinOffice();
  const auto start = Utc(2026y / 3 / 2, 8h);  // Monday 09:00.
  // 3.5 hours end exactly at the start of lunch; one more second lands after lunch.
  EXPECT_EQ(calendar.AddBusinessTime(start, hours(3) + minutes(30)),
            Utc(2026y / 3 / 2, 11h + 30min));
  EXPECT_EQ(calendar.AddBusinessTime(start, hours(3) + minutes(30) + seconds(1)),
            Utc(2026y / 3 / 2, 12h + 30min + 1s));
  EXPECT_EQ(calendar.AddBusinessTime(start, milliseconds(0)), start);
}

TEST(BusinessCalendar, OfficeHoursAcrossMidnight) {
  const auto calendar = BerlinOffice();
  // Monday 17:30 Berlin plus one business hour: 30 minutes today, 30 from Tuesday 09:00.
  EXPECT_EQ(calendar.AddBusinessTime(Utc(2026y / 3 / 2, 16h + 30min), hours(1)),
            Utc(2026y / 3 / 3, 8h + 30min));
}

TEST(BusinessCalendar, OverWeekend) {
  const auto calendar = BerlinOffice();
  // Friday 6 March 17:00 Berlin plus two business hours: Monday 9 March 10:00.
  const auto friday = Utc(2026y / 3 / 6, 16h);
  const auto monday = Utc(2026y / 3 / 9, 9h);
  EXPECT_EQ(calendar.AddBusinessTime(friday, hours(2)), monday);
  EXPECT_EQ(calendar.BusinessTimeBetween(friday, monday), hours(2));
  // A start on Saturday counts from Monday's opening.
  EXPECT_EQ(calendar.AddBusinessTime(Utc(2026y / 3 / 7, 10h), minutes(15)),
            Utc(2026y / 3 / 9, 8h + 15min));
  EXPECT_EQ(calendar.NextOpening(Utc(2026y / 3 / 7, 10h)), Utc(2026y / 3 / 9, 8h));
}

TEST(BusinessCalendar, HolidayIsClosed) {
  const auto calendar = BerlinOffice();
  // Friday 25 December 2026 is a holiday; Berlin is UTC+1.
  EXPECT_FALSE(calendar.IsOpen(Utc(2026y / 12 / 25, 10h)));
  EXPECT_TRUE(calendar.IsOpen(Utc(2026y / 12 / 24, 10h)));
  // Thursday 24 December 17:00 plus two business hours: one that day, one on Monday 28th.
  EXPECT_EQ(calendar.AddBusinessTime(Utc(2026y / 12 / 24, 16h), hours(2)),
            Utc(2026y / 12 / 28, 9h));
}

TEST(BusinessCalendar, WholeDayRangeIsContinuousAtMidnight) {
  const BusinessCalendar calendar(EveryDay("UTC", {"00:00-23:59"}));
  EXPECT_TRUE(calendar.IsOpen(Utc(2026y / 3 / 2, 23h + 59min + 59s)));
  EXPECT_TRUE(calendar.IsOpen(Utc(2026y / 3 / 3, 0h)));
  EXPECT_EQ(calendar.AddBusinessTime(Utc(2026y / 3 / 2, 23h + 30min), hours(1)),
            Utc(2026y / 3 / 3, 0h + 30min));
  // Seven days of a 24/7 calendar are exactly seven days of business time.
  EXPECT_EQ(calendar.BusinessTimeBetween(Utc(2026y / 3 / 2, 5h), Utc(2026y / 3 / 9, 5h)),
            hours(24 * 7));
  EXPECT_EQ(calendar.AddBusinessTime(Utc(2026y / 3 / 6, 23h), hours(49)), Utc(2026y / 3 / 9, 0h));
}

TEST(BusinessCalendar, WholeDayAcrossSpringForwardInBerlin) {
  // Berlin moves from UTC+1 to UTC+2 at 01:00 UTC on Sunday 29 March 2026, so that local day
  // has 23 hours. A 24/7 calendar counts real time straight through it.
  const BusinessCalendar calendar(EveryDay("Europe/Berlin", {"00:00-23:59"}));
  const auto saturday = Utc(2026y / 3 / 28, 12h);
  const auto monday = Utc(2026y / 3 / 30, 12h);
  EXPECT_EQ(calendar.BusinessTimeBetween(saturday, monday), hours(48));
  EXPECT_EQ(calendar.AddBusinessTime(saturday, hours(48)), monday);
  EXPECT_TRUE(calendar.IsOpen(Utc(2026y / 3 / 29, 1h)));
  EXPECT_TRUE(calendar.IsOpen(Utc(2026y / 3 / 28, 23h)));  // Local midnight.
}

TEST(BusinessCalendar, OfficeAcrossSpringForwardInBerlin) {
  const auto calendar = BerlinOffice();
  // Friday 27 March 17:00 CET is 16:00 UTC; Monday 30 March 10:00 CEST is 08:00 UTC.
  EXPECT_EQ(calendar.AddBusinessTime(Utc(2026y / 3 / 27, 16h), hours(2)), Utc(2026y / 3 / 30, 8h));
  EXPECT_TRUE(calendar.IsOpen(Utc(2026y / 3 / 30, 7h)));  // 09:00 CEST.
  EXPECT_FALSE(calendar.IsOpen(Utc(2026y / 3 / 30, 7h) - 1s));
}

TEST(BusinessCalendar, OfficeAcrossFallBackInBerlin) {
  const auto calendar = BerlinOffice();
  // Berlin returns to UTC+1 on Sunday 25 October 2026. Friday 23 October 17:00 CEST is 15:00
  // UTC; Monday 26 October 10:00 CET is 09:00 UTC.
  EXPECT_EQ(calendar.AddBusinessTime(Utc(2026y / 10 / 23, 15h), hours(2)),
            Utc(2026y / 10 / 26, 9h));
  EXPECT_FALSE(calendar.IsOpen(Utc(2026y / 10 / 26, 8h) - 1s));
  EXPECT_TRUE(calendar.IsOpen(Utc(2026y / 10 / 26, 8h)));
}

TEST(BusinessCalendar, NightShiftAcrossBothChangesInNewYork) {
  // Sundays 00:00-06:00 in New York. On 8 March 2026 02:00 EST jumps to 03:00 EDT, so the shift
  // lasts 5 real hours. On 1 November 2026 02:00 EDT falls back to 01:00 EST, so it lasts 7.
  config::CalendarConfig config;
  config.id = "night";
  config.time_zone = "America/New_York";
  config.hours[6] = Ranges({"00:00-06:00"});
  const BusinessCalendar calendar(config);

  const auto march_start = Utc(2026y / 3 / 8, 5h);  // 00:00 EST.
  const auto march_end = Utc(2026y / 3 / 8, 10h);   // 06:00 EDT.
  EXPECT_EQ(calendar.BusinessTimeBetween(march_start - hours(12), march_end + hours(12)), hours(5));
  EXPECT_EQ(calendar.AddBusinessTime(march_start, hours(5)), march_end);
  EXPECT_FALSE(calendar.IsOpen(march_end));
  EXPECT_TRUE(calendar.IsOpen(march_end - 1s));

  const auto november_start = Utc(2026y / 11 / 1, 4h);  // 00:00 EDT.
  const auto november_end = Utc(2026y / 11 / 1, 11h);   // 06:00 EST.
  EXPECT_EQ(calendar.BusinessTimeBetween(november_start - hours(12), november_end + hours(12)),
            hours(7));
  EXPECT_EQ(calendar.AddBusinessTime(november_start, hours(7)), november_end);
  EXPECT_TRUE(calendar.IsOpen(november_end - 1s));
  EXPECT_FALSE(calendar.IsOpen(november_end));
}

TEST(BusinessCalendar, OfficeAcrossBothChangesInNewYork) {
  const BusinessCalendar calendar(Weekdays("America/New_York", {"09:00-17:00"}));
  // Friday 6 March 16:00 EST (21:00 UTC) plus two hours: Monday 9 March 10:00 EDT (14:00 UTC).
  EXPECT_EQ(calendar.AddBusinessTime(Utc(2026y / 3 / 6, 21h), hours(2)), Utc(2026y / 3 / 9, 14h));
  // Friday 30 October 16:00 EDT (20:00 UTC) plus two hours: Monday 2 November 10:00 EST
  // (15:00 UTC).
  EXPECT_EQ(calendar.AddBusinessTime(Utc(2026y / 10 / 30, 20h), hours(2)),
            Utc(2026y / 11 / 2, 15h));
}

TEST(BusinessCalendar, AlwaysOpenCountsRealTime) {
  const auto calendar = BusinessCalendar::AlwaysOpen();
  const auto start = Utc(2026y / 3 / 7, 3h);
  EXPECT_TRUE(calendar.IsOpen(start));
  EXPECT_EQ(calendar.AddBusinessTime(start, minutes(15)), start + minutes(15));
  EXPECT_EQ(calendar.BusinessTimeBetween(start, start + hours(30)), hours(30));
  EXPECT_EQ(calendar.BusinessTimeBetween(start + hours(1), start), milliseconds(0));
}

TEST(BusinessCalendar, RejectsUnknownZoneAndEmptyWeek) {
  EXPECT_THROW(BusinessCalendar(Weekdays("Mars/Olympus", {"09:00-17:00"})), std::invalid_argument);
  config::CalendarConfig closed;
  closed.id = "closed";
  closed.time_zone = "UTC";
  EXPECT_THROW(BusinessCalendar{closed}, std::invalid_argument);
}

}  // namespace
}  // namespace mobilelink::routing
