// TimerWorker over a real SQLite store: boundaries, rescheduling, cancelling, failures and
// retries, restarts, and concurrent workers. Time comes from a ManualTimeSource.

#include "mobilelink/core/timer_worker.hpp"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "mobilelink/common/testing/temp_dir.hpp"
#include "mobilelink/store/store.hpp"

namespace mobilelink::core {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;

// 2026-03-02 10:00:00 UTC, a Monday.
const TimePoint kStart = TimePoint(seconds(1772445600));

class TimerWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    store::SqliteOptions options;
    options.path = (dir_.Path() / "timers.db").string();
    options.synchronous = "NORMAL";
    store_ = store::OpenSqliteStore(options);
  }

  void Reopen() {
    store_->Stop();
    store_.reset();
    Open();
  }

  Timer Schedule(const std::string& kind, const std::string& key, TimePoint due,
                 const std::string& payload = "{}") {
    Timer timer;
    timer.kind = kind;
    timer.key = key;
    timer.due_at = due;
    timer.payload_json = payload;
    const auto result =
        store_->WriteAndWait([&](Repository& repository) { repository.ScheduleTimer(timer); });
    EXPECT_TRUE(result.ok) << result.error;
    return timer;
  }

  std::optional<Timer> Find(const std::string& kind, const std::string& key) {
    std::optional<Timer> timer;
    store_->Read([&](Repository& repository) { timer = repository.FindTimer(kind, key); });
    return timer;
  }

  std::int64_t CountEvents(const std::string& type) {
    std::int64_t count = 0;
    store_->Read([&](Repository& repository) {
      for (const auto& event : repository.ListEvents(0, 100000)) {
        count += event.type == type ? 1 : 0;
      }
    });
    return count;
  }

  // Registers a handler for `kind` that records one event per firing, carrying the key.
  static void RegisterEventHandler(TimerWorker& worker, const std::string& kind) {
    worker.Register(kind, [](Repository& repository, const Timer& timer) {
      Event event;
      event.type = "test.fired";
      event.data_json = "{\"key\":\"" + timer.key + "\"}";
      event.occurred_at = *timer.fired_at;
      repository.AppendEvent(event);
    });
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  ManualTimeSource clock_{kStart};
};

TEST_F(TimerWorkerTest, FiresAtDueTimeNotBefore) {
  TimerWorker worker(*store_, clock_);
  RegisterEventHandler(worker, "test");
  const TimePoint due = kStart + seconds(90);
  Schedule("test", "a", due);

  EXPECT_EQ(worker.RunDue(due - seconds(1)), 0);
  EXPECT_EQ(worker.RunDue(due - milliseconds(1)), 0);
  EXPECT_EQ(Find("test", "a")->state, TimerState::kPending);
  EXPECT_EQ(CountEvents("test.fired"), 0);

  EXPECT_EQ(worker.RunDue(due), 1);
  const auto fired = Find("test", "a");
  EXPECT_EQ(fired->state, TimerState::kFired);
  EXPECT_EQ(fired->attempts, 1);
  ASSERT_TRUE(fired->fired_at.has_value());
  EXPECT_EQ(*fired->fired_at, due);
  EXPECT_EQ(CountEvents("test.fired"), 1);

  EXPECT_EQ(worker.RunDue(due + hours(48)), 0);
  EXPECT_EQ(CountEvents("test.fired"), 1);
}

TEST_F(TimerWorkerTest, FiresEarliestFirstAcrossKinds) {
  TimerWorker worker(*store_, clock_);
  std::vector<std::string> order;
  auto record = [&order](Repository&, const Timer& timer) { order.push_back(timer.key); };
  worker.Register("one", record);
  worker.Register("two", record);
  Schedule("two", "late", kStart + seconds(30));
  Schedule("one", "early", kStart + seconds(10));
  Schedule("one", "future", kStart + hours(1));

  EXPECT_EQ(worker.RunDue(kStart + seconds(30)), 2);
  EXPECT_EQ(order, (std::vector<std::string>{"early", "late"}));
}

TEST_F(TimerWorkerTest, ScheduleAgainMovesTheTimer) {
  TimerWorker worker(*store_, clock_);
  RegisterEventHandler(worker, "test");
  const Timer first = Schedule("test", "a", kStart + seconds(10));
  const Timer second = Schedule("test", "a", kStart + seconds(60), "{\"n\":2}");
  EXPECT_EQ(first.id, second.id);

  EXPECT_EQ(worker.RunDue(kStart + seconds(59)), 0);
  EXPECT_EQ(worker.RunDue(kStart + seconds(60)), 1);
  EXPECT_EQ(Find("test", "a")->payload_json, "{\"n\":2}");

  // A fired timer can be armed again under the same key and fires once more.
  Schedule("test", "a", kStart + seconds(120));
  EXPECT_EQ(Find("test", "a")->state, TimerState::kPending);
  EXPECT_EQ(Find("test", "a")->attempts, 0);
  EXPECT_EQ(worker.RunDue(kStart + seconds(120)), 1);
  EXPECT_EQ(CountEvents("test.fired"), 2);
}

TEST_F(TimerWorkerTest, CancelledTimerNeverFires) {
  TimerWorker worker(*store_, clock_);
  RegisterEventHandler(worker, "test");
  Schedule("test", "a", kStart + seconds(10));
  bool cancelled = false;
  bool cancelled_again = true;
  store_->WriteAndWait([&](Repository& repository) {
    cancelled = repository.CancelTimer("test", "a");
    cancelled_again = repository.CancelTimer("test", "a");
  });
  EXPECT_TRUE(cancelled);
  EXPECT_FALSE(cancelled_again);
  EXPECT_EQ(worker.RunDue(kStart + hours(1)), 0);
  EXPECT_EQ(Find("test", "a")->state, TimerState::kCancelled);
  EXPECT_EQ(CountEvents("test.fired"), 0);
}

TEST_F(TimerWorkerTest, ThrowingHandlerRetriesThenFails) {
  TimerWorkerOptions options;
  options.max_attempts = 3;
  options.retry_delay = seconds(10);
  TimerWorker worker(*store_, clock_, options);
  int calls = 0;
  worker.Register("broken", [&calls](Repository& repository, const Timer& timer) {
    ++calls;
    Event event;
    event.type = "test.partial";
    event.occurred_at = *timer.fired_at;
    repository.AppendEvent(event);
    throw std::runtime_error("crm unreachable");
  });
  RegisterEventHandler(worker, "test");
  const TimePoint due = kStart + seconds(5);
  Schedule("broken", "b", due);
  Schedule("test", "ok", due);

  // The healthy timer in the same pass still fires.
  EXPECT_EQ(worker.RunDue(due), 1);
  EXPECT_EQ(CountEvents("test.fired"), 1);
  auto broken = Find("broken", "b");
  EXPECT_EQ(broken->state, TimerState::kPending);
  EXPECT_EQ(broken->attempts, 1);
  EXPECT_EQ(broken->due_at, due + seconds(10));
  EXPECT_EQ(broken->last_error, "crm unreachable");
  EXPECT_FALSE(broken->fired_at.has_value());
  // The handler's own write rolled back with the failed firing.
  EXPECT_EQ(CountEvents("test.partial"), 0);

  EXPECT_EQ(worker.RunDue(due + seconds(9)), 0);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(worker.RunDue(due + seconds(10)), 0);
  broken = Find("broken", "b");
  EXPECT_EQ(broken->attempts, 2);
  EXPECT_EQ(broken->due_at, due + seconds(10) + seconds(20));

  EXPECT_EQ(worker.RunDue(due + seconds(30)), 0);
  broken = Find("broken", "b");
  EXPECT_EQ(broken->state, TimerState::kFailed);
  EXPECT_EQ(broken->attempts, 3);
  EXPECT_EQ(calls, 3);

  EXPECT_EQ(worker.RunDue(due + hours(24)), 0);
  EXPECT_EQ(calls, 3);
}

TEST_F(TimerWorkerTest, UnknownKindIsRecordedAsFailure) {
  TimerWorkerOptions options;
  options.max_attempts = 1;
  TimerWorker worker(*store_, clock_, options);
  Schedule("nobody", "x", kStart);
  EXPECT_EQ(worker.RunDue(kStart), 0);
  const auto timer = Find("nobody", "x");
  EXPECT_EQ(timer->state, TimerState::kFailed);
  EXPECT_NE(timer->last_error.find("nobody"), std::string::npos);
}

TEST_F(TimerWorkerTest, RestartBetweenScheduleAndFire) {
  const TimePoint due = kStart + hours(2);
  Schedule("test", "survivor", due, "{\"conversation_id\":7}");
  Reopen();

  {
    TimerWorker worker(*store_, clock_);
    std::string payload;
    worker.Register("test",
                    [&payload](Repository&, const Timer& timer) { payload = timer.payload_json; });
    EXPECT_EQ(worker.RunDue(due - seconds(1)), 0);
    EXPECT_EQ(worker.RunDue(due), 1);
    EXPECT_EQ(payload, "{\"conversation_id\":7}");
  }
  Reopen();

  // Fired and committed before the restart: it never fires again.
  TimerWorker worker(*store_, clock_);
  int calls = 0;
  worker.Register("test", [&calls](Repository&, const Timer&) { ++calls; });
  EXPECT_EQ(worker.RunDue(due + hours(1)), 0);
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(Find("test", "survivor")->state, TimerState::kFired);
}

TEST_F(TimerWorkerTest, FailedFiringFiresAgainAfterRestart) {
  // A firing whose transaction does not commit leaves the timer pending, as a crash before the
  // commit would, and the next process fires it.
  const TimePoint due = kStart + seconds(1);
  Schedule("test", "a", due);
  {
    TimerWorkerOptions options;
    options.retry_delay = seconds(1);
    TimerWorker worker(*store_, clock_, options);
    worker.Register("test", [](Repository&, const Timer&) { throw std::runtime_error("down"); });
    EXPECT_EQ(worker.RunDue(due), 0);
  }
  Reopen();
  TimerWorker worker(*store_, clock_);
  RegisterEventHandler(worker, "test");
  EXPECT_EQ(worker.RunDue(due + seconds(1)), 1);
  EXPECT_EQ(CountEvents("test.fired"), 1);
  EXPECT_EQ(Find("test", "a")->attempts, 2);
}

TEST_F(TimerWorkerTest, ConcurrentWorkersFireEachTimerOnce) {
  constexpr int kTimers = 300;
  std::atomic<int> calls{0};
  auto count = [&calls](Repository&, const Timer&) { calls.fetch_add(1); };
  TimerWorkerOptions options;
  options.batch_size = 25;
  TimerWorker first(*store_, clock_, options);
  TimerWorker second(*store_, clock_, options);
  first.Register("test", count);
  second.Register("test", count);
  store_->WriteAndWait([&](Repository& repository) {
    for (int i = 0; i < kTimers; ++i) {
      Timer timer;
      timer.kind = "test";
      timer.key = std::to_string(i);
      timer.due_at = kStart + seconds(i % 7);
      repository.ScheduleTimer(timer);
    }
  });

  int fired_first = 0;
  int fired_second = 0;
  std::thread other([&] { fired_second = second.RunDue(kStart + seconds(10)); });
  fired_first = first.RunDue(kStart + seconds(10));
  other.join();

  EXPECT_EQ(calls.load(), kTimers);
  EXPECT_EQ(fired_first + fired_second, kTimers);
}

TEST_F(TimerWorkerTest, ThreadFiresWhenClockReachesDue) {
  TimerWorkerOptions options;
  options.idle_poll = milliseconds(10);
  std::atomic<int> after_fire_calls{0};
  options.after_fire = [&after_fire_calls](const Timer&) { after_fire_calls.fetch_add(1); };
  TimerWorker worker(*store_, clock_, options);
  std::atomic<int> calls{0};
  worker.Register("test", [&calls](Repository&, const Timer&) { calls.fetch_add(1); });
  Schedule("test", "a", kStart + seconds(60));
  worker.Start();

  clock_.Advance(seconds(60));
  worker.Notify();
  const auto deadline = std::chrono::steady_clock::now() + seconds(10);
  while (after_fire_calls.load() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  worker.Stop();
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(after_fire_calls.load(), 1);
}

}  // namespace
}  // namespace mobilelink::core
