#include "mobilelink/analytics/knowledge_freshness.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "mobilelink/analytics/testing/kpi_fixture.hpp"
#include "mobilelink/analytics/worker.hpp"
#include "mobilelink/bot/knowledge.hpp"
#include "mobilelink/common/metrics.hpp"
#include "mobilelink/common/testing/temp_dir.hpp"
#include "mobilelink/http/client.hpp"
#include "mobilelink/store/store.hpp"

namespace mobilelink::analytics {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;

const core::TimePoint kUpdated(milliseconds(testing::Utc(2026, 3, 1, 12, 0, 0)));

class KnowledgeFreshnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqliteOptions options;
    options.path = (dir_.Path() / "knowledge.db").string();
    options.synchronous = "NORMAL";
    store_ = store::OpenSqliteStore(options);
    // "returns" is updated at kUpdated, "shipping" 40 days before it.
    std::vector<bot::ArticleSource> sources(2);
    sources[0].slug = "config/returns";
    sources[0].title = "Returns";
    sources[0].body = "Returns are free.";
    sources[0].updated_at = kUpdated;
    sources[1].slug = "config/shipping";
    sources[1].title = "Shipping";
    sources[1].body = "Orders ship in two days.";
    sources[1].updated_at = kUpdated - hours(24 * 40);
    ASSERT_TRUE(store_
                    ->WriteAndWait(
                        [&](core::Repository& unit) { bot::SyncArticles(unit, sources, kUpdated); })
                    .ok);
  }
  void TearDown() override { store_->Stop(); }

  KnowledgeFreshness Measure(core::TimePoint now) {
    KnowledgeFreshness freshness;
    store_->Read([&](core::Repository& unit) {
      freshness = MeasureKnowledgeFreshness(
          *OpenAnalyticsRepository(unit),
          std::chrono::duration_cast<milliseconds>(now.time_since_epoch()).count());
    });
    return freshness;
  }

  // Returns how many stored articles bot::IsStale does not flag at `now`.
  std::int64_t NotStale(core::TimePoint now) {
    std::int64_t count = 0;
    store_->Read([&](core::Repository& unit) {
      for (const auto& article : bot::OpenKnowledgeRepository(unit)->List()) {
        count += bot::IsStale(article, now) ? 0 : 1;
      }
    });
    return count;
  }

  mobilelink::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(KnowledgeFreshnessTest, ArticleTurnsStaleAtThirtyDays) {
  core::ManualTimeSource clock(kUpdated + bot::kStaleAfter - seconds(1));
  const KnowledgeFreshness before = Measure(clock.Now());
  EXPECT_EQ(before.articles, 2);
  EXPECT_EQ(before.fresh, 1);
  ASSERT_TRUE(before.ratio.has_value());
  EXPECT_DOUBLE_EQ(*before.ratio, 0.5);
  EXPECT_EQ(before.fresh, NotStale(clock.Now()));

  clock.Advance(seconds(1));
  const KnowledgeFreshness after = Measure(clock.Now());
  EXPECT_EQ(after.articles, 2);
  EXPECT_EQ(after.fresh, 0);
  ASSERT_TRUE(after.ratio.has_value());
  EXPECT_DOUBLE_EQ(*after.ratio, 0.0);
  EXPECT_EQ(after.fresh, NotStale(clock.Now()));
}

TEST_F(KnowledgeFreshnessTest, EmptyKnowledgeBaseHasNoRatio) {
  ASSERT_TRUE(
      store_->WriteAndWait([&](core::Repository& unit) { bot::SyncArticles(unit, {}, kUpdated); })
          .ok);
  const KnowledgeFreshness freshness = Measure(kUpdated);
  EXPECT_EQ(freshness.articles, 0);
  EXPECT_FALSE(freshness.ratio.has_value());
}

TEST_F(KnowledgeFreshnessTest, WorkerGaugeFollowsClock) {
  // The worker re-measures at least once a minute without new events.
  core::ManualTimeSource clock(kUpdated + bot::kStaleAfter - seconds(30));
  const AnalyticsSettings settings;
  AnalyticsWorker worker(settings, std::make_unique<CalendarTime>(), *store_, clock,
                         http::MakeHttpClient());
  auto& gauge = GlobalMetrics().GetGauge("mobilelink_kpi_knowledge_freshness_ratio",
                                         "Knowledge-base articles updated within the last 30 days");
  worker.RunOnce();
  EXPECT_DOUBLE_EQ(gauge.Value(), 0.5);
  clock.Advance(seconds(60));
  worker.RunOnce();
  EXPECT_DOUBLE_EQ(gauge.Value(), 0.0);
}

}  // namespace
}  // namespace mobilelink::analytics
