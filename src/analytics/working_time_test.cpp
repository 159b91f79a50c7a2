#include "mobilelink/analytics/working_time.hpp"

#include <stdexcept>

#include <gtest/gtest.h>

#include "mobilelink/analytics/testing/kpi_fixture.hpp"
#include "mobilelink/config/config.hpp"

namespace mobilelink::analytics {
namespace {

using testing::Utc;

config::CalendarConfig OfficeHours() {
  config::CalendarConfig office;
  office.id = "office";
  office.time_zone = "Europe/Berlin";
  for (int weekday = 0; weekday < 5; ++weekday) {
    office.hours[weekday].push_back(*config::ParseTimeRange("09:00-18:00"));
  }
  return office;
}

TEST(WorkingTime, CalendarTimeCountsEveryMillisecond) {
  const CalendarTime calendar_time;
  EXPECT_EQ(calendar_time.Millis("support", 1000, 61'000), 60'000);
  EXPECT_EQ(calendar_time.Millis("support", 61'000, 1000), 0);
}

TEST(WorkingTime, TeamCalendarSkipsClosedHours) {
  const TeamCalendars calendars({OfficeHours()}, {{"support", "office"}}, "");
  // 17:59 CET on Friday 2026-01-09 to 09:01 CET on Monday 2026-01-12.
  EXPECT_EQ(calendars.Millis("support", Utc(2026, 1, 9, 16, 59, 0), Utc(2026, 1, 12, 8, 1, 0)),
            120'000);
  EXPECT_EQ(calendars.Millis("support", Utc(2026, 1, 12, 8, 1, 0), Utc(2026, 1, 9, 16, 59, 0)), 0);
}

TEST(WorkingTime, OtherTeamsUseDefaultCalendar) {
  const std::int64_t friday = Utc(2026, 1, 9, 16, 59, 0);
  const std::int64_t monday = Utc(2026, 1, 12, 8, 1, 0);
  const TeamCalendars without_default({OfficeHours()}, {{"support", "office"}, {"night", ""}}, "");
  EXPECT_EQ(without_default.Millis("night", friday, monday), monday - friday);
  EXPECT_EQ(without_default.Millis("", friday, monday), monday - friday);
  const TeamCalendars with_default({OfficeHours()}, {{"night", ""}}, "office");
  EXPECT_EQ(with_default.Millis("night", friday, monday), 120'000);
  EXPECT_EQ(with_default.Millis("", friday, monday), 120'000);
  EXPECT_EQ(with_default.Millis("unknown_team", friday, monday), 120'000);
}

TEST(WorkingTime, ConfigMapsNoTeamToDefaultTeam) {
  const std::int64_t friday = Utc(2026, 1, 9, 16, 59, 0);
  const std::int64_t monday = Utc(2026, 1, 12, 8, 1, 0);
  config::Config config;
  config.calendars = {OfficeHours()};
  routing::Team night;
  night.id = "night";
  routing::Team support;
  support.id = "support";
  support.calendar = "office";
  config.routing.teams = {night, support};
  // The first team is the default, and it has no calendar.
  EXPECT_EQ(TeamCalendarsOf(config)->Millis("", friday, monday), monday - friday);
  config.routing.settings.default_team = "support";
  const auto calendars = TeamCalendarsOf(config);
  EXPECT_EQ(calendars->Millis("", friday, monday), 120'000);
  EXPECT_EQ(calendars->Millis("night", friday, monday), monday - friday);
  EXPECT_EQ(calendars->Millis("support", friday, monday), 120'000);
}

TEST(WorkingTime, UnknownCalendarIdThrows) {
  EXPECT_THROW(TeamCalendars({OfficeHours()}, {{"support", "closed"}}, ""), std::invalid_argument);
  EXPECT_THROW(TeamCalendars({OfficeHours()}, {}, "closed"), std::invalid_argument);
}

}  // namespace
}  // namespace mobilelink::analytics
