// The KPIs of the fixture conversations (testing/kpi_fixture.hpp) against values worked out by
// hand, read from rollups that were folded in small batches.

#include "mobilelink/analytics/testing/kpi_fixture.hpp"

#include <set>

#include <gtest/gtest.h>

#include "mobilelink/analytics/processor.hpp"
#include "mobilelink/analytics/report.hpp"
#include "mobilelink/common/testing/temp_dir.hpp"
#include "mobilelink/store/store.hpp"

namespace mobilelink::analytics {
namespace {

using testing::FixtureEvents;
using testing::FixtureSettings;
using testing::FixtureWorkingTime;
using testing::Utc;

// Sketch percentiles are within 1% of the sample at their rank.
constexpr double kSketchTolerance = 0.01;
constexpr double kMoneyTolerance = 1e-9;

class KpiFixtureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqliteOptions options;
    options.path = (dir_.Path() / "kpi.db").string();
    options.synchronous = "NORMAL";
    store_ = store::OpenSqliteStore(options);
    const auto events = FixtureEvents();
    ASSERT_TRUE(store_
                    ->WriteAndWait([&](core::Repository& unit) {
                      for (const auto& event : events) {
                        unit.AppendEvent(event);
                      }
                    })
                    .ok);
    // Seven events per batch, so conversations straddle batches.
    for (int round = 0; round < 100; ++round) {
      BatchResult result;
      ASSERT_TRUE(store_
                      ->WriteAndWait([&](core::Repository& unit) {
                        result = processor_.ProcessBatch(unit, 7);
                      })
                      .ok);
      if (result.events == 0) {
        break;
      }
    }
  }
  void TearDown() override { store_->Stop(); }

  Report Run(const std::string& from, const std::string& to, Period period,
             const Dimensions& filter = {}) {
    Report report;
    store_->Read([&](core::Repository& unit) {
      auto repository = OpenAnalyticsRepository(unit);
      report =
          BuildReport(*repository, settings_, zone_,
                      DateRangeRequest(zone_, *ParseDate(from), *ParseDate(to), period, filter));
    });
    return report;
  }

  KpiValues Day(const std::string& date, const Dimensions& filter = {}) {
    return Run(date, date, Period::kTotal, filter).total.kpis;
  }

  mobilelink::testing::TempDir dir_;
  AnalyticsSettings settings_ = FixtureSettings();
  TimeZone zone_{settings_.time_zone};
  TeamCalendars working_time_ = FixtureWorkingTime();
  AnalyticsProcessor processor_{settings_, zone_, working_time_};
  std::unique_ptr<store::Store> store_;
};

TEST_F(KpiFixtureTest, FirstDayVolumesAndResolutions) {
  const KpiValues kpis = Day("2026-03-07");
  EXPECT_EQ(kpis.totals[Counter::kConversationsCreated], 3);
  EXPECT_EQ(kpis.contacts, 3);
  EXPECT_EQ(kpis.totals[Counter::kMessagesIn], 4);
  EXPECT_EQ(kpis.totals[Counter::kMessagesOut], 3);
  EXPECT_EQ(kpis.totals[Counter::kResolved], 3);
  EXPECT_EQ(kpis.totals[Counter::kContained], 1);
  ASSERT_TRUE(kpis.containment.has_value());
  EXPECT_DOUBLE_EQ(*kpis.containment, 1.0 / 3);
}

TEST_F(KpiFixtureTest, ReopenUndoesFcrOfItsResolutionDay) {
  // C3 was resolved on 03-07 and reopened on 03-09, so 03-07 loses one FCR.
  const KpiValues first = Day("2026-03-07");
  EXPECT_EQ(first.totals[Counter::kReopenedAfterResolution], 1);
  ASSERT_TRUE(first.fcr.has_value());
  EXPECT_DOUBLE_EQ(*first.fcr, 2.0 / 3);
  const KpiValues third = Day("2026-03-09");
  EXPECT_EQ(third.totals[Counter::kConversationsReopened], 1);
  EXPECT_EQ(third.contacts, 1);
  ASSERT_TRUE(third.fcr.has_value());
  EXPECT_DOUBLE_EQ(*third.fcr, 1.0);
}

TEST_F(KpiFixtureTest, FirstResponseMeasuredFromHandoff) {
  // C2 waited 60 s from its handoff (not 120 s from its first message); C3 waited 120 s. The
  // bot's handoff notice is not a response.
  const KpiValues kpis = Day("2026-03-07");
  EXPECT_EQ(kpis.first_response.count, 2);
  ASSERT_TRUE(kpis.first_response.average.has_value());
  EXPECT_DOUBLE_EQ(*kpis.first_response.average, 90.0);
  ASSERT_TRUE(kpis.first_response.p50.has_value());
  EXPECT_NEAR(*kpis.first_response.p50, 60.0, 60.0 * kSketchTolerance);
  // Every response: 60 s and 30 s in C2, 120 s in C3.
  EXPECT_EQ(kpis.response.count, 3);
  EXPECT_DOUBLE_EQ(*kpis.response.average, 70.0);
  EXPECT_NEAR(*kpis.response.p50, 60.0, 60.0 * kSketchTolerance);
  EXPECT_NEAR(*kpis.response.p99, 60.0, 60.0 * kSketchTolerance);
}

TEST_F(KpiFixtureTest, ReopenedMeasuredFromReopeningMessage) {
  const KpiValues kpis = Day("2026-03-09");
  EXPECT_EQ(kpis.first_response.count, 1);
  EXPECT_DOUBLE_EQ(*kpis.first_response.average, 45.0);
  // Handle time of the reopened episode runs from the reopening, as no one claimed it again.
  EXPECT_EQ(kpis.handle.count, 1);
  EXPECT_DOUBLE_EQ(*kpis.handle.average, 600.0);
}

TEST_F(KpiFixtureTest, HandleTimeFromAssignment) {
  // C2: 19:01:30 to 19:09:30 is 480 s; C3: 20:00:20 to 20:05:10 is 290 s.
  const KpiValues kpis = Day("2026-03-07");
  EXPECT_EQ(kpis.handle.count, 2);
  EXPECT_DOUBLE_EQ(*kpis.handle.average, 385.0);
}

TEST_F(KpiFixtureTest, OutOfHoursCriticalMissesSla) {
  // C4 was handed off at 09:30:05Z and got its first reply at 15:00:00Z: 19,795 s of calendar time.
  const KpiValues kpis = Day("2026-03-08");
  EXPECT_EQ(kpis.first_response.count, 1);
  EXPECT_DOUBLE_EQ(*kpis.first_response.average, 19795.0);
  EXPECT_NEAR(*kpis.first_response.p95, 19795.0, 19795.0 * kSketchTolerance);
  const SlaAttainment& critical = kpis.sla_by_priority.at("critical");
  EXPECT_EQ(critical.first_responses, 1);
  EXPECT_EQ(critical.within_target, 0);
  EXPECT_DOUBLE_EQ(*critical.attainment, 0.0);
  ASSERT_TRUE(critical.met.has_value());
  EXPECT_FALSE(*critical.met);
  EXPECT_EQ(kpis.totals[Counter::kSlaBreaches], 1);
  EXPECT_EQ(kpis.totals.labels.at("sla_breach:first_response"), 1);
}

TEST_F(KpiFixtureTest, SlaAttainmentPerPriority) {
  // Standard first responses on 03-07: 60 s (at the target, so within) and 120 s.
  const KpiValues kpis = Day("2026-03-07");
  const SlaAttainment& standard = kpis.sla_by_priority.at("standard");
  EXPECT_EQ(standard.first_responses, 2);
  EXPECT_EQ(standard.within_target, 1);
  EXPECT_DOUBLE_EQ(*standard.attainment, 0.5);
  EXPECT_EQ(kpis.sla_by_priority.at("critical").first_responses, 0);
  EXPECT_FALSE(kpis.sla_by_priority.at("critical").attainment.has_value());
}

TEST_F(KpiFixtureTest, SurveysGiveCsatAndNps) {
  const KpiValues first = Day("2026-03-07");
  EXPECT_DOUBLE_EQ(*first.csat, 1.0);
  EXPECT_DOUBLE_EQ(*first.nps, 100.0);
  const KpiValues second = Day("2026-03-08");
  EXPECT_FALSE(second.csat.has_value());
  EXPECT_DOUBLE_EQ(*second.nps, -100.0);
  const KpiValues third = Day("2026-03-09");
  EXPECT_DOUBLE_EQ(*third.csat, 0.0);
}

TEST_F(KpiFixtureTest, EscalationReasonsCounted) {
  const KpiValues first = Day("2026-03-07");
  EXPECT_EQ(first.escalation_reasons.at("customer_request"), 1);
  EXPECT_EQ(first.escalation_reasons.at("bot_unresolved"), 1);
  const KpiValues month = Run("2026-03-01", "2026-03-31", Period::kMonth).periods.at(0).kpis;
  EXPECT_EQ(month.escalation_reasons.at("customer_request"), 2);
  EXPECT_EQ(month.escalation_reasons.at("technical"), 1);
  EXPECT_EQ(month.totals[Counter::kEscalations], 1);
}

TEST_F(KpiFixtureTest, CostPerContact) {
  // Fees on 03-07: two SMS in at 0.0075, one SMS segment out at 0.0079, two WhatsApp out at
  // 0.005. Fixed: (2 seats x 100 + 1000) per month, March has 31 days.
  const KpiValues kpis = Day("2026-03-07");
  EXPECT_NEAR(kpis.provider_fees, 0.0329, kMoneyTolerance);
  EXPECT_NEAR(kpis.fixed_costs, 1200.0 / 31, kMoneyTolerance);
  ASSERT_TRUE(kpis.cost_per_contact.has_value());
  EXPECT_NEAR(*kpis.cost_per_contact, (0.0329 + 1200.0 / 31) / 3, kMoneyTolerance);
}

TEST_F(KpiFixtureTest, LateEveningBelongsToLocalDay) {
  // C5 started at 06:30Z on 03-09, which is 23:30 on 03-08 in Los Angeles, and was resolved
  // at 00:10 local on 03-09.
  const KpiValues second = Day("2026-03-08");
  EXPECT_EQ(second.totals[Counter::kConversationsCreated], 2);
  EXPECT_EQ(second.messages_in_by_channel.at("webchat"), 1);
  const KpiValues third = Day("2026-03-09");
  EXPECT_EQ(third.totals[Counter::kResolved], 2);
  EXPECT_DOUBLE_EQ(*third.containment, 0.5);
}

TEST_F(KpiFixtureTest, DstDayHasTwentyThreeHours) {
  const Report report = Run("2026-03-08", "2026-03-08", Period::kHour);
  ASSERT_EQ(report.periods.size(), 23u);
  EXPECT_EQ(report.periods.front().start_ms, Utc(2026, 3, 8, 8, 0, 0));
  EXPECT_EQ(report.periods.front().label, "2026-03-08T00:00-08:00");
  // C4's SMS came in the 01:00 PST hour. The next hour is 03:00 PDT, with its WhatsApp message.
  EXPECT_EQ(report.periods[1].kpis.totals[Counter::kMessagesIn], 1);
  EXPECT_EQ(report.periods[2].label, "2026-03-08T03:00-07:00");
  EXPECT_EQ(report.periods[2].start_ms, Utc(2026, 3, 8, 10, 0, 0));
  EXPECT_EQ(report.periods[2].kpis.totals[Counter::kMessagesIn], 1);
  EXPECT_EQ(report.periods.back().label, "2026-03-08T23:00-07:00");
  EXPECT_EQ(report.periods.back().kpis.totals[Counter::kMessagesIn], 1);
  // The hours add up to the day.
  EXPECT_EQ(report.total.kpis.totals, Day("2026-03-08").totals);
}

TEST_F(KpiFixtureTest, TotalOverThreeDays) {
  // Six resolutions: C1, C2, C3, C4, C5 and C3 again; C1 and C5 without an agent; C3's first
  // resolution was reopened.
  const KpiValues kpis = Run("2026-03-07", "2026-03-09", Period::kTotal).total.kpis;
  EXPECT_EQ(kpis.totals[Counter::kResolved], 6);
  EXPECT_DOUBLE_EQ(*kpis.containment, 2.0 / 6);
  EXPECT_DOUBLE_EQ(*kpis.fcr, 5.0 / 6);
  EXPECT_DOUBLE_EQ(*kpis.first_response.average, 5005.0);
  EXPECT_DOUBLE_EQ(*kpis.csat, 0.5);
  EXPECT_DOUBLE_EQ(*kpis.nps, 0.0);
  EXPECT_EQ(kpis.contacts, 6);
}

TEST_F(KpiFixtureTest, ChannelFilterCountsMessagesByTheirChannel) {
  Dimensions filter;
  filter.channel = "whatsapp";
  const KpiValues kpis = Run("2026-03-07", "2026-03-09", Period::kTotal, filter).total.kpis;
  EXPECT_EQ(kpis.totals[Counter::kMessagesIn], 3);
  EXPECT_EQ(kpis.first_response.count, 2);
}

TEST_F(KpiFixtureTest, AgentFilter) {
  Dimensions filter;
  filter.agent = "7";
  const KpiValues kpis = Run("2026-03-07", "2026-03-09", Period::kTotal, filter).total.kpis;
  EXPECT_EQ(kpis.first_response.count, 2);
  EXPECT_EQ(kpis.totals[Counter::kResolved], 2);
  EXPECT_EQ(kpis.totals[Counter::kAgentMessages], 3);
}

TEST_F(KpiFixtureTest, TwoFiltersReadFullRollups) {
  Dimensions filter;
  filter.channel = "whatsapp";
  filter.priority = "critical";
  const KpiValues kpis = Run("2026-03-07", "2026-03-09", Period::kTotal, filter).total.kpis;
  EXPECT_EQ(kpis.totals[Counter::kMessagesIn], 1);
  EXPECT_EQ(kpis.first_response.count, 1);
  Dimensions intent;
  intent.intent = "refund";
  const KpiValues refund = Run("2026-03-07", "2026-03-09", Period::kTotal, intent).total.kpis;
  EXPECT_EQ(refund.totals[Counter::kMessagesIn], 2);
  EXPECT_EQ(refund.totals[Counter::kResolved], 1);
}

TEST_F(KpiFixtureTest, BusinessHoursSkipWeekendAcrossDst) {
  // C6 waited from 17:59 PDT on Friday to 09:01 PST on Monday: one open minute on each side.
  Dimensions support;
  support.team = "support";
  const KpiValues monday = Day("2026-11-02", support);
  EXPECT_EQ(monday.first_response.count, 1);
  ASSERT_TRUE(monday.first_response.average.has_value());
  EXPECT_DOUBLE_EQ(*monday.first_response.average, 120.0);
  const SlaAttainment& standard = monday.sla_by_priority.at("standard");
  EXPECT_EQ(standard.within_target, 0);
}

TEST_F(KpiFixtureTest, BusinessHoursForEveryResponse) {
  // C6's Monday 17:59:30 message was answered at 09:00:30 on Tuesday: 30 s on each day.
  Dimensions support;
  support.team = "support";
  const KpiValues tuesday = Day("2026-11-03", support);
  EXPECT_EQ(tuesday.response.count, 1);
  EXPECT_EQ(tuesday.first_response.count, 0);
  ASSERT_TRUE(tuesday.response.average.has_value());
  EXPECT_DOUBLE_EQ(*tuesday.response.average, 60.0);
  const KpiValues both = Run("2026-11-02", "2026-11-03", Period::kTotal, support).total.kpis;
  EXPECT_EQ(both.response.count, 2);
  EXPECT_DOUBLE_EQ(*both.response.average, 90.0);
}

TEST_F(KpiFixtureTest, HandleTimeCountsBusinessHours) {
  // C6 was assigned at 17:59:30 on Friday and resolved at 09:05 on Tuesday: 30 s on Friday,
  // 9 h on Monday and 5 min on Tuesday.
  Dimensions support;
  support.team = "support";
  const KpiValues tuesday = Day("2026-11-03", support);
  EXPECT_EQ(tuesday.handle.count, 1);
  ASSERT_TRUE(tuesday.handle.average.has_value());
  EXPECT_DOUBLE_EQ(*tuesday.handle.average, 30.0 + 9 * 3600 + 300);
}

TEST_F(KpiFixtureTest, TeamWithoutCalendarCountsEveryHour) {
  // C7 waited from 00:59Z on 10-31 to 17:01Z on 11-02, 64 h 2 min, and its handle time runs
  // from the handoff to the resolution a minute later.
  Dimensions night;
  night.team = "night";
  const KpiValues monday = Day("2026-11-02", night);
  EXPECT_EQ(monday.first_response.count, 1);
  ASSERT_TRUE(monday.first_response.average.has_value());
  EXPECT_DOUBLE_EQ(*monday.first_response.average, 64 * 3600 + 120.0);
  EXPECT_EQ(monday.handle.count, 1);
  EXPECT_DOUBLE_EQ(*monday.handle.average, 64 * 3600 + 180.0);
  // Unfiltered, the day holds both teams' first responses.
  const KpiValues all = Day("2026-11-02");
  EXPECT_EQ(all.first_response.count, 2);
  EXPECT_DOUBLE_EQ(*all.first_response.average, (120.0 + 64 * 3600 + 120.0) / 2);
}

TEST_F(KpiFixtureTest, AgentAndIntentFilters) {
  // Agent 7 on C2 (refund): the 19:03 message came after the assignment, the 19:00 one before.
  Dimensions filter;
  filter.agent = "7";
  filter.intent = "refund";
  const KpiValues kpis = Run("2026-03-07", "2026-03-09", Period::kTotal, filter).total.kpis;
  EXPECT_EQ(kpis.totals[Counter::kMessagesIn], 1);
  EXPECT_EQ(kpis.first_response.count, 1);
  EXPECT_EQ(kpis.response.count, 2);
  EXPECT_EQ(kpis.totals[Counter::kResolved], 1);
  EXPECT_EQ(kpis.messages_in_by_channel.at("whatsapp"), 1);
  EXPECT_EQ(kpis.sla_by_priority.at("standard").first_responses, 1);
}

TEST_F(KpiFixtureTest, EveryFilterCombinationMatchesFullRows) {
  // For each combination of filtered dimensions, with the values of each stored full row, the
  // report's totals equal the sum of the full rows that match.
  const std::int64_t first = *ParseDate("2026-03-07");
  const std::int64_t last = *ParseDate("2026-11-03");
  std::vector<std::pair<Dimensions, RollupValues>> full_rows;
  store_->Read([&](core::Repository& unit) {
    OpenAnalyticsRepository(unit)->ForEachRollup([&](const RollupKey& key, const RollupValues& v) {
      if (key.granularity == Granularity::kDay && key.grouping == "full") {
        full_rows.emplace_back(key.dims, v);
      }
    });
  });
  ASSERT_GT(full_rows.size(), 10u);
  for (unsigned mask = 1; mask < 64; ++mask) {
    std::set<Dimensions> filters;
    for (const auto& [dims, values] : full_rows) {
      Dimensions filter;
      for (std::size_t i = 0; i < kDimensionFields.size(); ++i) {
        if ((mask & (1u << i)) != 0) {
          filter.*kDimensionFields[i].second = dims.*kDimensionFields[i].second;
        }
      }
      filters.insert(filter);
    }
    for (const Dimensions& filter : filters) {
      RollupValues expected;
      for (const auto& [dims, values] : full_rows) {
        bool matches = true;
        for (const auto& [name, field] : kDimensionFields) {
          matches = matches && ((filter.*field).empty() || filter.*field == dims.*field);
        }
        if (matches) {
          expected.Merge(values);
        }
      }
      const KpiValues kpis =
          Run(FormatDate(first), FormatDate(last), Period::kTotal, filter).total.kpis;
      EXPECT_EQ(kpis.totals.counters, expected.counters)
          << "mask " << mask << " " << filter.agent << "|" << filter.intent;
      EXPECT_EQ(kpis.totals.first_response, expected.first_response) << "mask " << mask;
    }
  }
}

TEST_F(KpiFixtureTest, RollupsEqualFullRecomputation) {
  std::vector<std::string> differences;
  store_->Read([&](core::Repository& unit) { differences = processor_.Verify(unit); });
  EXPECT_TRUE(differences.empty()) << differences.front();
}

TEST_F(KpiFixtureTest, VerifyFindsAlteredRollup) {
  const RollupKey key{Granularity::kDay, *ParseDate("2026-03-07"), "all", RollUp(Dimensions{}, 0)};
  ASSERT_TRUE(store_
                  ->WriteAndWait([&](core::Repository& unit) {
                    auto repository = OpenAnalyticsRepository(unit);
                    RollupValues values = repository->LoadRollup(key).value();
                    values[Counter::kResolved] += 1;
                    repository->SaveRollup(key, values);
                  })
                  .ok);
  std::vector<std::string> differences;
  store_->Read([&](core::Repository& unit) { differences = processor_.Verify(unit); });
  ASSERT_EQ(differences.size(), 1u);
  EXPECT_EQ(differences[0], "day 2026-03-07 all *|*|*|*|*|* resolved: stored 4, recomputed 3");
}

TEST_F(KpiFixtureTest, FoldResumesAfterNewEvents) {
  // One more CSAT response after the fold caught up changes only 03-09.
  ASSERT_TRUE(store_
                  ->WriteAndWait([&](core::Repository& unit) {
                    core::Event event;
                    event.type = "survey.answered";
                    event.conversation_id = 5;
                    event.data_json = R"({"kind":"csat","score":4})";
                    event.occurred_at =
                        core::TimePoint(std::chrono::milliseconds(Utc(2026, 3, 9, 20, 0, 0)));
                    unit.AppendEvent(event);
                    processor_.ProcessBatch(unit, 100);
                  })
                  .ok);
  EXPECT_DOUBLE_EQ(*Day("2026-03-09").csat, 0.5);
  EXPECT_DOUBLE_EQ(*Day("2026-03-07").csat, 1.0);
  std::vector<std::string> differences;
  store_->Read([&](core::Repository& unit) { differences = processor_.Verify(unit); });
  EXPECT_TRUE(differences.empty());
}

}  // namespace
}  // namespace mobilelink::analytics
