// Times KPI reports over the rollups of a large event history.
//
// Generates the events of `--messages` messages (10 million by default) into a fresh SQLite
// file: conversations of ten messages (five inbound, five outbound) spread over 90 days, on
// three channels, with 40 agents in 4 teams, 20 intents and 3 priorities, 70% of them handed
// off to an agent. Then folds the events into the rollups with the analytics processor (as the
// server's worker does) and times each report shape `--runs` times.
//
// Output: the generation and fold times, then one line per report shape with the median and
// maximum time in milliseconds, then one line per combination of the API's six filters (90 days
// by day, at most 5 runs each) and the slowest median among them. Everything runs in this process
// on a file under --dir.

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <random>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "mobilelink/analytics/processor.hpp"
#include "mobilelink/analytics/report.hpp"
#include "mobilelink/events/event_types.hpp"
#include "mobilelink/store/store.hpp"

namespace {

using namespace mobilelink;
using Clock = std::chrono::steady_clock;

constexpr int kMessagesPerConversation = 10;
constexpr int kDays = 90;
constexpr int kEventsPerTransaction = 200'000;
constexpr int kFoldBatch = 50'000;

struct Channel {
  const char* kind;
  const char* inbox;
};
constexpr Channel kChannels[] = {{"twilio_sms", "sms"}, {"whatsapp", "wa"}, {"webchat", "chat"}};
constexpr const char* kPriorities[] = {"standard", "standard", "standard", "high", "critical"};
constexpr const char* kReasons[] = {"customer_request", "bot_unresolved", "low_confidence"};

double Seconds(Clock::duration duration) { return std::chrono::duration<double>(duration).count(); }

// Appends the events of one conversation that starts at `start_ms`.
class ConversationWriter {
 public:
  ConversationWriter(std::mt19937_64& random, std::vector<core::Event>& out)
      : random_(random), out_(out) {}

  void Write(std::int64_t id, std::int64_t start_ms) {
    std::uniform_int_distribution<int> pick(0, 1'000'000);
    const Channel& channel = kChannels[pick(random_) % 3];
    const std::string intent = "intent_" + std::to_string(pick(random_) % 20);
    const bool handed_off = pick(random_) % 10 < 7;
    const std::int64_t agent = 1 + pick(random_) % 40;
    std::lognormal_distribution<double> wait_seconds(3.5, 1.0);  // Median about 33 s.

    std::int64_t now = start_ms;
    const int segments = std::string_view(channel.kind) == "twilio_sms" ? 1 : 0;
    Add(id, now, events::kConversationCreated, channel,
        fmt::format(R"({{"channel":"{}"}})", channel.kind));
    for (int turn = 0; turn < kMessagesPerConversation / 2; ++turn) {
      Add(id, now, events::kMessageReceived, channel,
          fmt::format(R"({{"channel":"{}","intent":"{}"}})", channel.kind, intent));
      const bool agent_turn = handed_off && turn > 0;
      if (handed_off && turn == 0) {
        Add(id, now, events::kBotMissed, channel, "{}");
        Add(id, now, events::kConversationHandedOff, channel,
            fmt::format(R"({{"reason":"{}","tier":1,"intent":"{}","priority":"{}"}})",
                        kReasons[pick(random_) % 3], intent, kPriorities[pick(random_) % 5]));
        Add(id, now + 5000, events::kConversationAssigned, channel,
            fmt::format(R"({{"team":"team_{}"}})", agent % 4), agent);
      } else if (!agent_turn) {
        Add(id, now, events::kBotAnswered, channel, "{}");
      }
      now += agent_turn || (handed_off && turn == 0)
                 ? static_cast<std::int64_t>(wait_seconds(random_) * 1000)
                 : 800;
      const char* sender = agent_turn || (handed_off && turn == 0) ? "agent" : "bot";
      Add(id, now, events::kMessageQueued, channel,
          fmt::format(R"({{"sender":"{}","channel":"{}"}})", sender, channel.kind),
          sender[0] == 'a' ? agent : 0);
      Add(id, now + 300, events::kMessageSent, channel,
          fmt::format(R"({{"sender":"{}","channel":"{}","segments":{}}})", sender, channel.kind,
                      segments),
          sender[0] == 'a' ? agent : 0);
      now += 20'000 + pick(random_) % 60'000;
    }

    Add(id, now, events::kConversationResolved, channel, "{}", handed_off ? agent : 0);
    if (pick(random_) % 10 < 3) {
      Add(id, now + 60'000, events::kSurveyAnswered, channel,
          fmt::format(R"({{"kind":"csat","score":{}}})", 1 + pick(random_) % 5));
    }
  }

 private:
  void Add(std::int64_t id, std::int64_t at_ms, std::string_view type, const Channel& channel,
           std::string data, std::int64_t agent = 0) {
    core::Event event;
    event.type = std::string(type);
    event.conversation_id = id;
    event.inbox_id = channel.inbox;
    event.data_json = std::move(data);
    if (agent != 0) {
      event.agent_id = agent;
    }
    event.occurred_at = core::TimePoint(std::chrono::milliseconds(at_ms));
    out_.push_back(std::move(event));
  }

  std::mt19937_64& random_;
  std::vector<core::Event>& out_;
};

// Writes the events of `conversations` conversations in time order of their starts.
std::int64_t Generate(store::Store& store, std::int64_t conversations, std::int64_t first_ms) {
  std::mt19937_64 random(7);
  std::vector<core::Event> pending;
  std::int64_t written = 0;
  const double spacing_ms = static_cast<double>(kDays) * 86'400'000.0 / conversations;
  ConversationWriter writer(random, pending);
  for (std::int64_t id = 1; id <= conversations; ++id) {
    writer.Write(id, first_ms + static_cast<std::int64_t>(spacing_ms * id));
    if (pending.size() >= kEventsPerTransaction || id == conversations) {
      const auto result = store.WriteAndWait([&](core::Repository& unit) {
        for (const auto& event : pending) {
          unit.AppendEvent(event);
        }
      });
      if (!result.ok) {
        throw std::runtime_error("writing events failed: " + result.error);
      }
      written += static_cast<std::int64_t>(pending.size());
      pending.clear();
    }
  }
  return written;
}

struct Shape {
  std::string name;
  analytics::Period period;
  int days;
  analytics::Dimensions filter;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"Times KPI reports over the rollups of generated events"};
  std::int64_t messages = 10'000'000;
  std::string dir = "/tmp/mobilelink-kpi-bench";
  int runs = 20;
  cli.add_option("--messages", messages, "Messages to generate (10 per conversation)")
      ->check(CLI::Range(std::int64_t{10}, std::int64_t{100'000'000}));
  cli.add_option("--dir", dir, "Folder for the SQLite file; its kpi.db is replaced");
  cli.add_option("--runs", runs, "Timed runs of each report shape")->check(CLI::Range(1, 1000));
  CLI11_PARSE(cli, argc, argv);

  std::filesystem::create_directories(dir);
  const std::string path = dir + "/kpi.db";
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(path + suffix);
  }
  auto store = store::OpenSqliteStore({path, 512, "NORMAL"});

  analytics::AnalyticsSettings settings;
  settings.time_zone = "America/Los_Angeles";
  settings.prices["twilio_sms"] = {0.0075, 0, 0.0079};
  settings.prices["whatsapp"] = {0, 0.005, 0};
  settings.seats = 40;
  settings.seat_cost_per_month = 100;
  settings.platform_cost_per_month = 2000;
  const analytics::TimeZone zone(settings.time_zone);
  const std::int64_t first_ms = zone.DayStart(*analytics::ParseDate("2026-01-01"));

  const auto generate_start = Clock::now();
  const std::int64_t events = Generate(*store, messages / kMessagesPerConversation, first_ms);
  const double generate_seconds = Seconds(Clock::now() - generate_start);
  std::cout << fmt::format("generated {} messages as {} events in {:.1f} s\n", messages, events,
                           generate_seconds);

  const analytics::CalendarTime working_time;
  const analytics::AnalyticsProcessor processor(settings, zone, working_time);
  const auto fold_start = Clock::now();
  std::int64_t folded = 0;
  analytics::BatchResult batch;
  do {
    const auto result = store->WriteAndWait(
        [&](core::Repository& unit) { batch = processor.ProcessBatch(unit, kFoldBatch); });
    if (!result.ok) {
      std::cerr << "fold failed: " << result.error << "\n";
      return 1;
    }
    folded += batch.events;
  } while (batch.events == kFoldBatch);
  const double fold_seconds = Seconds(Clock::now() - fold_start);
  std::cout << fmt::format("folded {} events in {:.1f} s ({:.0f} events/s)\n", folded, fold_seconds,
                           folded / fold_seconds);

  analytics::Dimensions whatsapp;
  whatsapp.channel = "whatsapp";
  analytics::Dimensions two;
  two.channel = "whatsapp";
  two.priority = "critical";
  analytics::Dimensions agent;
  agent.agent = "7";
  analytics::Dimensions agent_intent = agent;
  agent_intent.intent = "intent_3";
  const std::vector<Shape> shapes = {
      {"90 days by day, no filter", analytics::Period::kDay, kDays, {}},
      {"90 days total, no filter", analytics::Period::kTotal, kDays, {}},
      {"90 days by month, no filter", analytics::Period::kMonth, kDays, {}},
      {"90 days by day, channel filter", analytics::Period::kDay, kDays, whatsapp},
      {"90 days by day, agent filter", analytics::Period::kDay, kDays, agent},
      {"90 days by day, channel and priority filters", analytics::Period::kDay, kDays, two},
      {"90 days by day, agent and intent filters", analytics::Period::kDay, kDays, agent_intent},
      {"7 days by hour, no filter", analytics::Period::kHour, 7, {}},
  };
  const std::int64_t first_day = zone.LocalDate(first_ms);
  // Times one report and returns the median and maximum in milliseconds.
  const auto time_report = [&](analytics::Period period, int days,
                               const analytics::Dimensions& filter, int shape_runs,
                               std::int64_t& messages_in) {
    std::vector<double> millis;
    for (int run = 0; run < shape_runs; ++run) {
      const auto start = Clock::now();
      store->Read([&](core::Repository& unit) {
        auto repository = analytics::OpenAnalyticsRepository(unit);
        const auto report = analytics::BuildReport(
            *repository, settings, zone,
            analytics::DateRangeRequest(zone, first_day, first_day + days - 1, period, filter));
        messages_in = report.total.kpis.totals[analytics::Counter::kMessagesIn];
      });
      millis.push_back(Seconds(Clock::now() - start) * 1000);
    }
    std::sort(millis.begin(), millis.end());
    return std::pair{millis[millis.size() / 2], millis.back()};
  };
  for (const auto& shape : shapes) {
    std::int64_t messages_in = 0;
    const auto [median, max] =
        time_report(shape.period, shape.days, shape.filter, runs, messages_in);
    std::cout << fmt::format("{}: median {:.1f} ms, max {:.1f} ms ({} inbound messages)\n",
                             shape.name, median, max, messages_in);
  }

  // Every combination of the API's filters, 90 days by day. Agent 7 is in team_3, and the values
  // of the other dimensions are ones that agent 7's conversations have, so no combination is
  // empty by construction.
  const analytics::Dimensions values{"whatsapp", "wa", "team_3", "7", "intent_3", "critical"};
  const int combination_runs = std::min(runs, 5);
  double slowest = 0;
  int over_target = 0;
  for (unsigned mask = 1; mask < 64; ++mask) {
    analytics::Dimensions filter;
    std::string names;
    for (std::size_t i = 0; i < analytics::kDimensionFields.size(); ++i) {
      if ((mask & (1u << i)) != 0) {
        const auto& [name, field] = analytics::kDimensionFields[i];
        filter.*field = values.*field;
        names += (names.empty() ? "" : "+") + std::string(name);
      }
    }
    std::int64_t messages_in = 0;
    const auto [median, max] =
        time_report(analytics::Period::kDay, kDays, filter, combination_runs, messages_in);
    slowest = std::max(slowest, median);
    over_target += median >= 200 ? 1 : 0;
    std::cout << fmt::format("filters {}: median {:.1f} ms, max {:.1f} ms ({} inbound messages)\n",
                             names, median, max, messages_in);
  }
  std::cout << fmt::format(
      "every filter combination, 90 days by day: slowest median {:.1f} ms, {} of 63 at or over "
      "200 ms\n",
      slowest, over_target);
  store->Stop();
  return 0;
}
