#include "mobilelink/analytics/time_zone.hpp"

#include <gtest/gtest.h>

#include "mobilelink/analytics/testing/kpi_fixture.hpp"

namespace mobilelink::analytics {
namespace {

using testing::Utc;

TEST(TimeZone, UnknownNameRejected) {
  EXPECT_THROW(TimeZone("Mars/Olympus_Mons"), std::invalid_argument);
}

TEST(TimeZone, LocalDateWestOfUtc) {
  const TimeZone zone("America/Los_Angeles");
  // 07:59Z on 03-07 is 23:59 PST on 03-06.
  EXPECT_EQ(FormatDate(zone.LocalDate(Utc(2026, 3, 7, 7, 59, 59))), "2026-03-06");
  EXPECT_EQ(FormatDate(zone.LocalDate(Utc(2026, 3, 7, 8, 0, 0))), "2026-03-07");
}

TEST(TimeZone, SpringForwardDayIsShort) {
  const TimeZone zone("America/Los_Angeles");
  const std::int64_t day = *ParseDate("2026-03-08");
  EXPECT_EQ(zone.DayStart(day), Utc(2026, 3, 8, 8, 0, 0));
  EXPECT_EQ(zone.DayStart(day + 1), Utc(2026, 3, 9, 7, 0, 0));
  EXPECT_EQ(zone.DayStart(day + 1) - zone.DayStart(day), 23 * kMillisPerHour);
}

TEST(TimeZone, FallBackDayIsLong) {
  const TimeZone zone("America/Los_Angeles");
  const std::int64_t day = *ParseDate("2026-11-01");
  EXPECT_EQ(zone.DayStart(day + 1) - zone.DayStart(day), 25 * kMillisPerHour);
  // 01:30 happens twice; each is its own hour bucket.
  const std::int64_t first = Utc(2026, 11, 1, 8, 30, 0);   // 01:30 PDT.
  const std::int64_t second = Utc(2026, 11, 1, 9, 30, 0);  // 01:30 PST.
  EXPECT_EQ(zone.LocalHour(first), 1);
  EXPECT_EQ(zone.LocalHour(second), 1);
  EXPECT_NE(zone.HourStart(first), zone.HourStart(second));
}

TEST(TimeZone, HalfHourOffsetHours) {
  const TimeZone zone("Asia/Kolkata");
  // 10:15Z is 15:45 IST, whose hour began at 15:00 IST, 09:30Z.
  EXPECT_EQ(zone.HourStart(Utc(2026, 3, 7, 10, 15, 0)), Utc(2026, 3, 7, 9, 30, 0));
  EXPECT_EQ(zone.LocalHour(Utc(2026, 3, 7, 10, 15, 0)), 15);
}

TEST(TimeZone, DatesParseAndFormat) {
  EXPECT_EQ(ParseDate("1970-01-02"), 1);
  EXPECT_FALSE(ParseDate("2026-02-30").has_value());
  EXPECT_FALSE(ParseDate("2026-3-07").has_value());
  EXPECT_EQ(FormatDate(*ParseDate("2024-02-29")), "2024-02-29");
  EXPECT_EQ(DaysInMonth(*ParseDate("2024-02-10")), 29);
  EXPECT_EQ(FormatDate(MonthStart(*ParseDate("2026-03-31"))), "2026-03-01");
}

}  // namespace
}  // namespace mobilelink::analytics
