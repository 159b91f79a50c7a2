#pragma once

// Config sections for business calendars (`calendars`), SLA policies and priority rules
// (`sla`) and on-call rotations (`on_call`). Every key is documented in docs/configuration.md.
//
// | key | meaning | unit | default |
// | --- | --- | --- | --- |
// | calendars[].id | name that teams and sla.calendar refer to | text | required |
// | calendars[].time_zone | IANA zone, such as Europe/Berlin | text | required |
// | calendars[].hours.<mon..sun> | "HH:MM-HH:MM" ranges; end 23:59 or 24:00 is midnight | | none |
// | calendars[].holidays | closed local dates "YYYY-MM-DD" | list | [] |
// | sla.calendar | calendar counted when no team calendar applies | id | every hour counts |
// | sla.default_priority | priority when no rule matches | critical, high, standard | standard |
// | sla.on_call_team | on_call team paged when the conversation's team has none | id | none |
// | sla.policies.<priority>.first_response_s | first-response target | s | 900, 3600, 86400 |
// | sla.policies.<priority>.next_response_s | next-response target | s | 900, 3600, 86400 |
// | sla.policies.<priority>.resolution_s | resolution target | s | 14400, 86400, 432000 |
// | sla.policies.<priority>.breach_actions | actions run on a breach | list | per priority |
// | sla.rules[] | priority, and any of intents, customer_tiers, keywords | | [] |
// | on_call[].team | team id | text | required |
// | on_call[].inbox | SMS inbox that sends pages and receives ACK replies | inbox id | required |
// | on_call[].ack_window_s | wait for an ACK before paging the next person | seconds | 300 |
// | on_call[].rotation[] | name and E.164 phone, in rotation order | | required |
// | on_call[].runbook | text sent with each page | text | "" |

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mobilelink/core/model.hpp"

namespace mobilelink::config {

struct Node;
struct Config;

/// One open range of a day, in minutes after local midnight. `end_minute` is exclusive; 1440
/// is the midnight that ends the day.
struct TimeRange {
  int start_minute = 0;
  int end_minute = 0;
};

struct CalendarConfig {
  std::string id;
  std::string time_zone;
  std::array<std::vector<TimeRange>, 7> hours;  // Index 0 is Monday; ranges sorted, disjoint.
  std::vector<std::chrono::sys_days> holidays;  // Local dates.
};

enum class SlaMetric { kFirstResponse, kNextResponse, kResolution };
enum class BreachAction { kNotify, kReassign, kRaiseTier, kPageOnCall };

std::string_view ToString(SlaMetric value);
std::optional<SlaMetric> ParseSlaMetric(std::string_view text);
std::string_view ToString(BreachAction value);
std::optional<BreachAction> ParseBreachAction(std::string_view text);

/// The SLA policy of one priority.
struct SlaPolicy {
  std::chrono::seconds first_response{0};
  std::chrono::seconds next_response{0};
  std::chrono::seconds resolution{0};
  std::vector<BreachAction> breach_actions;

  [[nodiscard]] std::chrono::seconds Target(SlaMetric metric) const;
};

/// Sets a priority when every condition it lists matches (any value of a list matches).
struct PriorityRule {
  core::Priority priority = core::Priority::kStandard;
  std::vector<std::string> intents;
  std::vector<std::string> customer_tiers;
  std::vector<std::string> keywords;  // Lower case; matched case-insensitively in the text.
};

struct SlaConfig {
  std::string calendar;
  core::Priority default_priority = core::Priority::kStandard;
  std::string on_call_team;
  std::array<SlaPolicy, 3> policies;  // Indexed by core::Priority.
  std::vector<PriorityRule> rules;

  SlaConfig();
  [[nodiscard]] const SlaPolicy& Policy(core::Priority priority) const {
    return policies[static_cast<std::size_t>(priority)];
  }
};

struct OnCallPerson {
  std::string name;
  std::string phone;  // E.164.
};

struct OnCallConfig {
  std::string team;
  std::string inbox;
  std::chrono::seconds ack_window{300};
  std::vector<OnCallPerson> rotation;
  std::string runbook;
};

/// Returns true when `time_zone` is a zone id in ICU's time zone data.
bool IsKnownTimeZone(const std::string& time_zone);

/// Parses "HH:MM-HH:MM" with start before end; "23:59" and "24:00" as the end mean the end of
/// the day. Returns nothing for any other text.
std::optional<TimeRange> ParseTimeRange(std::string_view text);

/// Parse the `calendars`, `sla` and `on_call` sections. Each throws ConfigError naming the key
/// path and the reason. An absent section gives the defaults.
std::vector<CalendarConfig> ParseCalendars(const Node& node);
SlaConfig ParseSla(const Node& node);
std::vector<OnCallConfig> ParseOnCall(const Node& node);

/// Checks the ids that these sections use across the file: sla.calendar names a calendar,
/// sla.on_call_team an on_call team, and each on_call inbox an SMS inbox. Throws ConfigError.
void ValidateSlaReferences(const Config& config);

}  // namespace mobilelink::config
