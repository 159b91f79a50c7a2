#include "mobilelink/analytics/worker.hpp"

#include <gtest/gtest.h>

#include "mobilelink/analytics/testing/kpi_fixture.hpp"
#include "mobilelink/common/metrics.hpp"
#include "mobilelink/common/testing/temp_dir.hpp"
#include "mobilelink/events/event_types.hpp"
#include "mobilelink/http/client.hpp"
#include "mobilelink/store/store.hpp"

namespace mobilelink::analytics {
namespace {

using std::chrono::milliseconds;

// The worker's round is its trigger: whatever wakes it (a commit, the poll interval) runs
// RunOnce, so these tests call it directly instead of waiting for the thread.
class AnalyticsWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqliteOptions options;
    options.path = (dir_.Path() / "worker.db").string();
    options.synchronous = "NORMAL";
    store_ = store::OpenSqliteStore(options);
    settings_.time_zone = "America/Los_Angeles";
    worker_ = std::make_unique<AnalyticsWorker>(settings_, std::make_unique<CalendarTime>(),
                                                *store_, clock_, http::MakeHttpClient());
  }
  void TearDown() override {
    worker_.reset();
    store_->Stop();
  }

  void AppendMessage(std::int64_t conversation) {
    core::Event event;
    event.type = std::string(events::kMessageReceived);
    event.conversation_id = conversation;
    event.inbox_id = "sms";
    event.data_json = R"({"channel":"worker_test_sms"})";
    event.occurred_at = clock_.Now();
    ASSERT_TRUE(store_->WriteAndWait([&](core::Repository& unit) { unit.AppendEvent(event); }).ok);
  }

  static double MessagesToday() {
    return GlobalMetrics()
        .GetGauge("mobilelink_kpi_messages_received", "Inbound messages today",
                  {{"channel", "worker_test_sms"}})
        .Value();
  }

  mobilelink::testing::TempDir dir_;
  core::ManualTimeSource clock_{core::TimePoint(milliseconds(testing::Utc(2026, 3, 10, 18, 0, 0)))};
  AnalyticsSettings settings_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<AnalyticsWorker> worker_;
};

TEST_F(AnalyticsWorkerTest, RoundMovesLiveGauges) {
  AppendMessage(1);
  EXPECT_EQ(worker_->RunOnce(), 1);
  EXPECT_EQ(MessagesToday(), 1.0);
  AppendMessage(2);
  AppendMessage(1);
  EXPECT_EQ(worker_->RunOnce(), 2);
  EXPECT_EQ(MessagesToday(), 3.0);
}

TEST_F(AnalyticsWorkerTest, RoundWithoutEventsFoldsNothing) {
  AppendMessage(1);
  ASSERT_EQ(worker_->RunOnce(), 1);
  EXPECT_EQ(worker_->RunOnce(), 0);
  EXPECT_EQ(MessagesToday(), 1.0);
}

}  // namespace
}  // namespace mobilelink::analytics
