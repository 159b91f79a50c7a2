#include "mobilelink/core/timer_worker.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "mobilelink/common/log.hpp"
#include "mobilelink/common/metrics.hpp"

namespace mobilelink::core {

namespace {

constexpr std::chrono::seconds kMaxRetryDelay{3600};

// Bounds the passes of one RunDue call, so timers that handlers keep rescheduling at or before
// `now` cannot hold the worker forever.
constexpr int kMaxPassesPerRun = 100;

// The result of one firing, filled by the unit of work on the writer thread.
struct Firing {
  std::int64_t timer_id = 0;
  std::optional<Timer> claimed;  // Set once the claim succeeded, before the handler runs.
  store::WriteResult result;
};

}  // namespace

class TimerWorker::Impl {
 public:
  Impl(store::Store& store, const TimeSource& clock, TimerWorkerOptions options)
      : store_(store), clock_(clock), options_(std::move(options)) {}

  ~Impl() { Stop(); }

  void Register(const std::string& kind, TimerHandler handler) {
    handlers_[kind] = std::move(handler);
  }

  int RunDue(TimePoint now) {
    int fired = 0;
    for (int pass = 0; pass < kMaxPassesPerRun; ++pass) {
      std::vector<Timer> due;
      store_.Read([&](Repository& repository) {
        due = repository.ListDueTimers(now, options_.batch_size);
      });
      if (due.empty()) {
        break;
      }
      fired += FireBatch(due, now);
      if (static_cast<int>(due.size()) < options_.batch_size) {
        break;
      }
    }
    return fired;
  }

  void Start() {
    std::lock_guard lock(mutex_);
    if (thread_.joinable()) {
      return;
    }
    stopping_ = false;
    thread_ = std::thread([this] { RunLoop(); });
    Logger("core")->info("timer worker started kinds={}", handlers_.size());
  }

  void Notify() {
    std::lock_guard lock(mutex_);
    notified_ = true;
    wake_.notify_one();
  }

  void Stop() {
    {
      std::lock_guard lock(mutex_);
      if (!thread_.joinable()) {
        return;
      }
      stopping_ = true;
      wake_.notify_one();
    }
    thread_.join();
    Logger("core")->info("timer worker stopped");
  }

 private:
  // Submits one unit of work per timer, so they share group commits, and waits for all.
  int FireBatch(const std::vector<Timer>& due, TimePoint now) {
    std::vector<Firing> firings(due.size());
    std::mutex done_mutex;
    std::condition_variable done_signal;
    std::size_t remaining = due.size();
    for (std::size_t i = 0; i < due.size(); ++i) {
      Firing& firing = firings[i];
      firing.timer_id = due[i].id;
      store_.Write([this, &firing, now](Repository& repository) { Fire(repository, firing, now); },
                   [&, i](const store::WriteResult& result) {
                     std::lock_guard lock(done_mutex);
                     firings[i].result = result;
                     if (--remaining == 0) {
                       done_signal.notify_one();
                     }
                   });
    }
    {
      std::unique_lock lock(done_mutex);
      done_signal.wait(lock, [&] { return remaining == 0; });
    }

    int fired = 0;
    std::vector<const Firing*> failed;
    for (const auto& firing : firings) {
      if (!firing.result.ok) {
        failed.push_back(&firing);
      } else if (firing.claimed) {
        ++fired;
        CountOutcome(firing.claimed->kind, "fired");
        if (options_.after_fire) {
          options_.after_fire(*firing.claimed);
        }
      }
    }
    RecordFailures(failed, now);
    return fired;
  }

  void Fire(Repository& repository, Firing& firing, TimePoint now) {
    firing.claimed = repository.ClaimDueTimer(firing.timer_id, now);
    if (!firing.claimed) {
      return;
    }
    const auto handler = handlers_.find(firing.claimed->kind);
    if (handler == handlers_.end()) {
      throw std::runtime_error("no handler is registered for timer kind '" + firing.claimed->kind +
                               "'");
    }
    handler->second(repository, *firing.claimed);
  }

  void RecordFailures(const std::vector<const Firing*>& failed, TimePoint now) {
    if (failed.empty()) {
      return;
    }
    auto result = store_.WriteAndWait([&](Repository& repository) {
      for (const Firing* firing : failed) {
        if (!firing->claimed) {
          continue;  // The claim itself failed; the timer is still pending as it was.
        }
        // The claim rolled back, so the row still has the attempts from before it.
        const Timer& timer = *firing->claimed;
        const int attempts = timer.attempts;
        std::optional<TimePoint> retry_at;
        if (attempts < options_.max_attempts) {
          retry_at = now + RetryDelay(attempts);
        }
        repository.RecordTimerFailure(timer, firing->result.error, retry_at);
      }
    });
    for (const Firing* firing : failed) {
      const std::string kind = firing->claimed ? firing->claimed->kind : "";
      const std::string key = firing->claimed ? firing->claimed->key : "";
      const int attempt = firing->claimed ? firing->claimed->attempts : 0;
      const bool final_attempt = attempt >= options_.max_attempts;
      CountOutcome(kind, final_attempt ? "failed" : "retried");
      Logger("core")->error(
          "timer failed timer_id={} kind={} key={} attempt={} final={} error=\"{}\"",
          firing->timer_id, kind, key, attempt, final_attempt, firing->result.error);
    }
    if (!result.ok) {
      Logger("core")->error("timer failure not recorded timers={} error=\"{}\"", failed.size(),
                            result.error);
    }
  }

  std::chrono::seconds RetryDelay(int attempts) const {
    auto delay = options_.retry_delay;
    for (int i = 1; i < attempts && delay < kMaxRetryDelay; ++i) {
      delay *= 2;
    }
    return std::min(delay, kMaxRetryDelay);
  }

  static void CountOutcome(const std::string& kind, const char* outcome) {
    GlobalMetrics()
        .GetCounter("mobilelink_timers_total", "Timer firings by kind and outcome.",
                    {{"kind", kind}, {"outcome", outcome}})
        .Increment();
  }

  void RunLoop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      const auto wait = RunOnce();
      lock.lock();
      if (stopping_) {
        break;
      }
      if (!notified_) {
        wake_.wait_for(lock, wait, [&] { return stopping_ || notified_; });
      }
      notified_ = false;
    }
  }

  // Runs one RunDue and returns how long to sleep before the next.
  std::chrono::milliseconds RunOnce() {
    std::optional<TimePoint> next_due;
    try {
      RunDue(clock_.Now());
      store_.Read([&](Repository& repository) { next_due = repository.NextTimerDue(); });
    } catch (const std::exception& error) {
      Logger("core")->error("timer pass failed error=\"{}\"", error.what());
      return options_.idle_poll;
    }
    if (!next_due) {
      return options_.idle_poll;
    }
    const auto until_due = std::chrono::ceil<std::chrono::milliseconds>(*next_due - clock_.Now());
    return std::clamp(until_due, std::chrono::milliseconds(0), options_.idle_poll);
  }

  store::Store& store_;
  const TimeSource& clock_;
  TimerWorkerOptions options_;
  std::map<std::string, TimerHandler> handlers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool notified_ = false;
  std::thread thread_;
};

TimerWorker::TimerWorker(store::Store& store, const TimeSource& clock, TimerWorkerOptions options)
    : impl_(std::make_unique<Impl>(store, clock, std::move(options))) {}

TimerWorker::~TimerWorker() = default;

void TimerWorker::Register(const std::string& kind, TimerHandler handler) {
  impl_->Register(kind, std::move(handler));
}

int TimerWorker::RunDue(TimePoint now) { return impl_->RunDue(now); }
void TimerWorker::Start() { impl_->Start(); }
void TimerWorker::Notify() { impl_->Notify(); }
void TimerWorker::Stop() { impl_->Stop(); }

}  // namespace mobilelink::core
