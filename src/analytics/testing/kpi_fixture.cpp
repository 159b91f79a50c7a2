#include "mobilelink/analytics/testing/kpi_fixture.hpp"

#include "mobilelink/events/event_types.hpp"

namespace mobilelink::analytics::testing {

namespace {

class EventList {
 public:
  // Adds one event of `conversation` at `at_ms`; `agent` 0 means none.
  EventList& Add(std::int64_t at_ms, std::string_view type, std::int64_t conversation,
                 const std::string& inbox, std::string data = "{}", std::int64_t agent = 0) {
    core::Event event;
    event.type = std::string(type);
    event.conversation_id = conversation;
    event.inbox_id = inbox;
    event.data_json = std::move(data);
    if (agent != 0) {
      event.agent_id = agent;
    }
    event.occurred_at = core::TimePoint(std::chrono::milliseconds(at_ms));
    events_.push_back(std::move(event));
    return *this;
  }
  std::vector<core::Event> Take() { return std::move(events_); }

 private:
  std::vector<core::Event> events_;
};

}  // namespace

AnalyticsSettings FixtureSettings() {
  AnalyticsSettings settings;
  settings.time_zone = "America/Los_Angeles";
  settings.prices["twilio_sms"] = {0.0075, 0, 0.0079};
  settings.prices["whatsapp"] = {0, 0.005, 0};
  settings.seats = 2;
  settings.seat_cost_per_month = 100;
  settings.platform_cost_per_month = 1000;
  settings.sla["critical"] = {std::chrono::seconds(60), 0.95};
  settings.sla["standard"] = {std::chrono::seconds(60), 0.95};
  return settings;
}

TeamCalendars FixtureWorkingTime() {
  config::CalendarConfig office;
  office.id = "office";
  office.time_zone = "America/Los_Angeles";
  for (int weekday = 0; weekday < 5; ++weekday) {  // Monday to Friday.
    office.hours[weekday].push_back(*config::ParseTimeRange("09:00-18:00"));
  }
  return TeamCalendars({office}, {{"support", "office"}, {"night", ""}}, "");
}

namespace {

// C6 and C7, around the autumn DST change: 17:59 PDT on Friday 2026-10-30 is 00:59Z on 10-31,
// and 09:01 PST on Monday 2026-11-02 is 17:01Z.
void AddOutOfHours(EventList& list) {
  using namespace mobilelink::events;
  const std::string sms = R"({"channel":"twilio_sms"})";
  const std::string agent_sms = R"({"sender":"agent","channel":"twilio_sms"})";
  list.Add(Utc(2026, 10, 31, 0, 58, 0), kConversationCreated, 6, "sms", sms)
      .Add(Utc(2026, 10, 31, 0, 58, 0), kMessageReceived, 6, "sms", sms)
      .Add(Utc(2026, 10, 31, 0, 59, 0), kConversationHandedOff, 6, "sms",
           R"({"reason":"customer_request","tier":1,"team":"support"})")
      .Add(Utc(2026, 10, 31, 0, 59, 30), kConversationAssigned, 6, "sms", R"({"team":"support"})",
           7)
      .Add(Utc(2026, 11, 2, 17, 1, 0), kMessageQueued, 6, "sms", agent_sms, 7)
      // 17:59:30 PST on Monday, answered at 09:00:30 on Tuesday.
      .Add(Utc(2026, 11, 3, 1, 59, 30), kMessageReceived, 6, "sms", sms)
      .Add(Utc(2026, 11, 3, 17, 0, 30), kMessageQueued, 6, "sms", agent_sms, 7)
      .Add(Utc(2026, 11, 3, 17, 5, 0), kConversationResolved, 6, "sms", R"({"tier":1})", 7);
  const std::string wa = R"({"channel":"whatsapp"})";
  list.Add(Utc(2026, 10, 31, 0, 59, 0), kConversationCreated, 7, "wa", wa)
      .Add(Utc(2026, 10, 31, 0, 59, 0), kMessageReceived, 7, "wa", wa)
      .Add(Utc(2026, 10, 31, 0, 59, 0), kConversationHandedOff, 7, "wa",
           R"({"reason":"customer_request","tier":1,"team":"night"})")
      .Add(Utc(2026, 11, 2, 17, 1, 0), kMessageQueued, 7, "wa",
           R"({"sender":"agent","channel":"whatsapp"})", 8)
      .Add(Utc(2026, 11, 2, 17, 2, 0), kConversationResolved, 7, "wa", R"({"tier":1})", 8);
}

}  // namespace

std::vector<core::Event> FixtureEvents() {
  using namespace mobilelink::events;
  const std::string sms = R"({"channel":"twilio_sms"})";
  const std::string wa = R"({"channel":"whatsapp"})";
  const std::string agent_wa = R"({"sender":"agent","channel":"whatsapp"})";
  const std::string agent_sms = R"({"sender":"agent","channel":"twilio_sms"})";
  EventList list;
  // 2026-03-07, PST (UTC-8).
  list.Add(Utc(2026, 3, 7, 18, 0, 0), kConversationCreated, 1, "sms", sms)
      .Add(Utc(2026, 3, 7, 18, 0, 0), kMessageReceived, 1, "sms",
           R"({"channel":"twilio_sms","intent":"billing"})")
      .Add(Utc(2026, 3, 7, 18, 0, 0), kBotAnswered, 1, "sms", R"({"intent":"billing"})")
      .Add(Utc(2026, 3, 7, 18, 0, 0), kMessageQueued, 1, "sms",
           R"({"sender":"bot","segments":1,"channel":"twilio_sms"})")
      .Add(Utc(2026, 3, 7, 18, 0, 1), kMessageSent, 1, "sms",
           R"({"sender":"bot","segments":1,"channel":"twilio_sms"})")
      .Add(Utc(2026, 3, 7, 18, 5, 0), kConversationResolved, 1, "sms", R"({"tier":0})", 9);
  list.Add(Utc(2026, 3, 7, 19, 0, 0), kConversationCreated, 2, "wa", wa)
      .Add(Utc(2026, 3, 7, 19, 0, 0), kMessageReceived, 2, "wa",
           R"({"channel":"whatsapp","intent":"refund"})")
      .Add(Utc(2026, 3, 7, 19, 0, 0), kBotMissed, 2, "wa", R"({"unresolved_count":1})")
      .Add(Utc(2026, 3, 7, 19, 1, 0), kConversationHandedOff, 2, "wa",
           R"({"reason":"customer_request","tier":1,"intent":"refund"})")
      .Add(Utc(2026, 3, 7, 19, 1, 0), kMessageQueued, 2, "wa",
           R"({"sender":"bot","channel":"whatsapp"})")
      .Add(Utc(2026, 3, 7, 19, 1, 30), kConversationAssigned, 2, "wa", "{}", 7)
      .Add(Utc(2026, 3, 7, 19, 2, 0), kMessageQueued, 2, "wa", agent_wa, 7)
      .Add(Utc(2026, 3, 7, 19, 2, 1), kMessageSent, 2, "wa",
           R"({"sender":"agent","channel":"whatsapp","segments":0})", 7)
      .Add(Utc(2026, 3, 7, 19, 3, 0), kMessageReceived, 2, "wa", wa)
      .Add(Utc(2026, 3, 7, 19, 3, 30), kMessageQueued, 2, "wa", agent_wa, 7)
      .Add(Utc(2026, 3, 7, 19, 3, 31), kMessageSent, 2, "wa",
           R"({"sender":"agent","channel":"whatsapp","segments":0})", 7)
      .Add(Utc(2026, 3, 7, 19, 9, 30), kConversationResolved, 2, "wa", R"({"tier":1})", 7)
      .Add(Utc(2026, 3, 7, 19, 10, 0), kSurveyAnswered, 2, "wa", R"({"kind":"csat","score":5})")
      .Add(Utc(2026, 3, 7, 19, 10, 0), kSurveyAnswered, 2, "wa", R"({"kind":"nps","score":10})");
  list.Add(Utc(2026, 3, 7, 20, 0, 0), kConversationCreated, 3, "sms", sms)
      .Add(Utc(2026, 3, 7, 20, 0, 0), kMessageReceived, 3, "sms", sms)
      .Add(Utc(2026, 3, 7, 20, 0, 10), kConversationHandedOff, 3, "sms",
           R"({"reason":"bot_unresolved","tier":1})")
      .Add(Utc(2026, 3, 7, 20, 0, 20), kConversationAssigned, 3, "sms", "{}", 8)
      .Add(Utc(2026, 3, 7, 20, 2, 10), kMessageQueued, 3, "sms", agent_sms, 8)
      .Add(Utc(2026, 3, 7, 20, 5, 10), kConversationResolved, 3, "sms", R"({"tier":1})", 8);
  // 2026-03-08, the DST day: 01:30 PST is 09:30Z, 03:10 PDT is 10:10Z.
  list.Add(Utc(2026, 3, 8, 9, 30, 0), kConversationCreated, 4, "sms", sms)
      .Add(Utc(2026, 3, 8, 9, 30, 0), kMessageReceived, 4, "sms",
           R"({"channel":"twilio_sms","intent":"account"})")
      .Add(Utc(2026, 3, 8, 9, 30, 5), kConversationHandedOff, 4, "sms",
           R"({"reason":"customer_request","tier":1,"priority":"critical"})")
      .Add(Utc(2026, 3, 8, 9, 31, 5), kSlaBreached, 4, "sms",
           R"({"metric":"first_response","priority":"critical","target_seconds":60,)"
           R"("elapsed_seconds":60})")
      .Add(Utc(2026, 3, 8, 10, 10, 0), kMessageReceived, 4, "wa", wa)
      .Add(Utc(2026, 3, 8, 15, 0, 0), kConversationAssigned, 4, "wa", "{}", 7)
      .Add(Utc(2026, 3, 8, 15, 0, 0), kMessageQueued, 4, "wa", agent_wa, 7)
      .Add(Utc(2026, 3, 8, 15, 10, 0), kEscalationRaised, 4, "wa",
           R"({"from_tier":1,"to_tier":2,"reason":"technical","team":"engineering"})")
      .Add(Utc(2026, 3, 8, 15, 20, 0), kConversationResolved, 4, "wa", R"({"tier":2})", 7)
      .Add(Utc(2026, 3, 8, 15, 30, 0), kSurveyAnswered, 4, "wa", R"({"kind":"nps","score":3})");
  // 23:30 PDT on 2026-03-08 is 06:30Z on 2026-03-09; 00:10 PDT on 03-09 is 07:10Z.
  list.Add(Utc(2026, 3, 9, 6, 30, 0), kConversationCreated, 5, "chat", R"({"channel":"webchat"})")
      .Add(Utc(2026, 3, 9, 6, 30, 0), kMessageReceived, 5, "chat",
           R"({"channel":"webchat","intent":"opening_hours"})")
      .Add(Utc(2026, 3, 9, 6, 30, 0), kBotAnswered, 5, "chat", R"({"intent":"opening_hours"})")
      .Add(Utc(2026, 3, 9, 7, 10, 0), kConversationResolved, 5, "chat", R"({"tier":0})", 9);
  // 2026-03-09, PDT (UTC-7): C3 reopens 2 days after its resolution.
  list.Add(Utc(2026, 3, 9, 16, 0, 0), kConversationReopened, 3, "sms",
           R"({"channel":"twilio_sms","tier":1})")
      .Add(Utc(2026, 3, 9, 16, 0, 0), kMessageReceived, 3, "sms", sms)
      .Add(Utc(2026, 3, 9, 16, 0, 45), kMessageQueued, 3, "sms", agent_sms, 8)
      .Add(Utc(2026, 3, 9, 16, 10, 0), kConversationResolved, 3, "sms", R"({"tier":1})", 8)
      .Add(Utc(2026, 3, 9, 16, 11, 0), kSurveyAnswered, 3, "sms", R"({"kind":"csat","score":2})");
  AddOutOfHours(list);
  return list.Take();
}

}  // namespace mobilelink::analytics::testing
