// The calendars, sla and on_call config sections: defaults, parsed values and the error for
// each kind of bad value.

#include "mobilelink/config/sla_config.hpp"

#include <string>

#include <gtest/gtest.h>

#include "mobilelink/config/config.hpp"
#include "mobilelink/config/testing/config_error.hpp"

namespace mobilelink::config {
namespace {

const std::string kBase = MinimalConfig(kSmsInbox + WebchatInbox("chat"));

const std::string kCalendars = R"(calendars:
  - id: office
    time_zone: Europe/Berlin
    hours:
      mon: ["13:30-18:00", "09:00-12:30"]
      sun: ["00:00-23:59"]
    holidays: ["2026-12-25"]
)";

const std::string kOnCall = R"(on_call:
  - team: payments
    inbox: sms
    rotation:
      - name: Ana
        phone: "+4915112345601"
)";

TEST(SlaConfig, DefaultsWithoutSections) {
  const Config config = ParseConfig(kBase, "test.yaml");
  EXPECT_TRUE(config.calendars.empty());
  EXPECT_TRUE(config.on_call.empty());
  EXPECT_EQ(config.sla.default_priority, core::Priority::kStandard);
  EXPECT_EQ(config.sla.Policy(core::Priority::kCritical).first_response, std::chrono::minutes(15));
  EXPECT_EQ(config.sla.Policy(core::Priority::kHigh).first_response, std::chrono::hours(1));
  EXPECT_EQ(config.sla.Policy(core::Priority::kStandard).first_response, std::chrono::hours(24));
  EXPECT_EQ(config.sla.Policy(core::Priority::kCritical).breach_actions.back(),
            BreachAction::kPageOnCall);
}

TEST(SlaConfig, ParsesAllSections) {
  const Config config = ParseConfig(kBase + kCalendars + kOnCall + R"(sla:
  calendar: office
  default_priority: high
  on_call_team: payments
  policies:
    standard:
      first_response_s: 7200
      breach_actions: [notify, reassign]
  rules:
    - priority: critical
      intents: [fraud_report]
      keywords: ["Card Stolen"]
)",
                                    "test.yaml");
  ASSERT_EQ(config.calendars.size(), 1u);
  const auto& monday = config.calendars[0].hours[0];
  ASSERT_EQ(monday.size(), 2u);
  EXPECT_EQ(monday[0].start_minute, 9 * 60);  // Sorted by start.
  EXPECT_EQ(config.calendars[0].hours[6][0].end_minute, 1440);
  EXPECT_TRUE(config.calendars[0].hours[2].empty());
  ASSERT_EQ(config.calendars[0].holidays.size(), 1u);
  EXPECT_EQ(config.sla.default_priority, core::Priority::kHigh);
  const auto& standard = config.sla.Policy(core::Priority::kStandard);
  EXPECT_EQ(standard.first_response, std::chrono::seconds(7200));
  EXPECT_EQ(standard.resolution, std::chrono::hours(120));
  EXPECT_EQ(standard.breach_actions.size(), 2u);
  ASSERT_EQ(config.sla.rules.size(), 1u);
  EXPECT_EQ(config.sla.rules[0].keywords[0], "card stolen");
  ASSERT_EQ(config.on_call.size(), 1u);
  EXPECT_EQ(config.on_call[0].ack_window, std::chrono::seconds(300));
  EXPECT_EQ(config.on_call[0].rotation[0].phone, "+4915112345601");
}

TEST(SlaConfig, UnknownTimeZoneNamesKey) {
  const std::string error =
      ErrorOf(kBase +
              "calendars:\n  - id: x\n    time_zone: Mars/Olympus\n    hours:\n"
              "      mon: [\"09:00-17:00\"]\n");
  EXPECT_NE(error.find("calendars[0].time_zone: unknown time zone 'Mars/Olympus'"),
            std::string::npos)
      << error;
}

TEST(SlaConfig, BadRangeNamesItem) {
  const std::string error = ErrorOf(kBase +
                                    "calendars:\n  - id: x\n    time_zone: UTC\n    hours:\n"
                                    "      tue: [\"09:00-17:00\", \"18:00-08:00\"]\n");
  EXPECT_NE(error.find("calendars[0].hours.tue[1]: invalid range '18:00-08:00'"), std::string::npos)
      << error;
}

TEST(SlaConfig, OverlappingRangesRejected) {
  const std::string error = ErrorOf(kBase +
                                    "calendars:\n  - id: x\n    time_zone: UTC\n    hours:\n"
                                    "      tue: [\"09:00-13:00\", \"12:00-17:00\"]\n");
  EXPECT_NE(error.find("calendars[0].hours.tue: ranges overlap"), std::string::npos) << error;
}

TEST(SlaConfig, UnknownWeekdayRejected) {
  const std::string error = ErrorOf(kBase +
                                    "calendars:\n  - id: x\n    time_zone: UTC\n    hours:\n"
                                    "      monday: [\"09:00-17:00\"]\n");
  EXPECT_NE(error.find("calendars[0].hours.monday: unknown key"), std::string::npos) << error;
}

TEST(SlaConfig, ClosedWeekRejected) {
  const std::string error =
      ErrorOf(kBase + "calendars:\n  - id: x\n    time_zone: UTC\n    hours: {}\n");
  EXPECT_NE(error.find("calendars[0].hours: no open hours"), std::string::npos) << error;
}

TEST(SlaConfig, BadHolidayNamesItem) {
  const std::string error =
      ErrorOf(kBase +
              "calendars:\n  - id: x\n    time_zone: UTC\n    hours:\n"
              "      mon: [\"09:00-17:00\"]\n    holidays: [\"2026-02-30\"]\n");
  EXPECT_NE(error.find("calendars[0].holidays[0]: invalid date '2026-02-30'"), std::string::npos)
      << error;
}

TEST(SlaConfig, UnknownBreachActionRejected) {
  const std::string error =
      ErrorOf(kBase + "sla:\n  policies:\n    high:\n      breach_actions: [notify, email]\n");
  EXPECT_NE(error.find("sla.policies.high.breach_actions[1]: unknown action 'email'"),
            std::string::npos)
      << error;
}

TEST(SlaConfig, TargetOutOfRangeRejected) {
  const std::string error =
      ErrorOf(kBase + "sla:\n  policies:\n    critical:\n      first_response_s: 0\n");
  EXPECT_NE(error.find("sla.policies.critical.first_response_s: must be between 1"),
            std::string::npos)
      << error;
}

TEST(SlaConfig, RuleWithoutConditionRejected) {
  const std::string error = ErrorOf(kBase + "sla:\n  rules:\n    - priority: high\n");
  EXPECT_NE(error.find("sla.rules[0]: a rule needs at least one of"), std::string::npos) << error;
}

TEST(SlaConfig, UnknownCalendarReferenceRejected) {
  const std::string error = ErrorOf(kBase + "sla:\n  calendar: nowhere\n");
  EXPECT_NE(error.find("sla.calendar: no calendar has id 'nowhere'"), std::string::npos) << error;
}

TEST(SlaConfig, OnCallNeedsSmsInbox) {
  std::string on_call = kOnCall;
  on_call.replace(on_call.find("inbox: sms"), 10, "inbox: chat");
  const std::string error = ErrorOf(kBase + on_call);
  EXPECT_NE(error.find("on_call[0].inbox: inbox 'chat' is a webchat inbox, but pages go out by "
                       "SMS; name a twilio_sms inbox"),
            std::string::npos)
      << error;
}

TEST(SlaConfig, OnCallPhoneMustBeE164) {
  std::string on_call = kOnCall;
  on_call.replace(on_call.find("\"+4915112345601\""), 16, "\"015112345601\"");
  const std::string error = ErrorOf(kBase + on_call);
  EXPECT_NE(error.find("on_call[0].rotation[0].phone: invalid phone number"), std::string::npos)
      << error;
}

TEST(SlaConfig, UnknownOnCallTeamReferenceRejected) {
  const std::string error = ErrorOf(kBase + kOnCall + "sla:\n  on_call_team: web\n");
  EXPECT_NE(error.find("sla.on_call_team: no on_call entry has team 'web'"), std::string::npos)
      << error;
}

}  // namespace
}  // namespace mobilelink::config
