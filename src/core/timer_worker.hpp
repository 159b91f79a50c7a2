#pragma once

// Fires stored timers (core::Timer) exactly once each.
//
// A timer fires inside one write transaction that claims the row (pending -> fired) and runs
// the handler registered for its kind. Whatever the handler writes commits together with the
// claim, so:
//   - a crash before the commit leaves the timer pending, and it fires after the restart;
//   - a crash after the commit leaves it fired, and it never fires again;
//   - a handler that throws rolls back its own writes and the claim. A second transaction then
//     records the error and makes the timer pending again after a backoff, or failed once
//     `max_attempts` firings have failed. Other timers in the same pass are not affected.
// A timer cancelled or moved later between listing and claiming is skipped, because the claim
// checks the state and due time again on the writer.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "mobilelink/core/clock.hpp"
#include "mobilelink/core/repository.hpp"
#include "mobilelink/core/timer.hpp"
#include "mobilelink/store/store.hpp"

namespace mobilelink::core {

/// Runs a due timer inside the transaction that marks it fired. Runs on the store's writer
/// thread, so it must not wait for another write. Throwing marks the firing as failed.
using TimerHandler = std::function<void(Repository& repository, const Timer& timer)>;

/// Timer worker settings.
///
/// | key | meaning | unit | default |
/// | --- | --- | --- | --- |
/// | batch_size | timers fired per pass | count | 100 |
/// | max_attempts | failed firings before a timer is marked failed | count | 5 |
/// | retry_delay | wait before the first retry, doubled per failure, at most 1 h | seconds | 30 |
/// | idle_poll | maximum real-time sleep between passes | milliseconds | 1000 |
struct TimerWorkerOptions {
  int batch_size = 100;
  int max_attempts = 5;
  std::chrono::seconds retry_delay{30};
  std::chrono::milliseconds idle_poll{1000};
  /// Runs on the worker's thread after a firing commits, for notifications that must wait for
  /// the commit (such as waking the outbox for an SMS the handler queued).
  std::function<void(const Timer& timer)> after_fire;
};

class TimerWorker final {
 public:
  TimerWorker(store::Store& store, const TimeSource& clock, TimerWorkerOptions options = {});
  ~TimerWorker();
  TimerWorker(const TimerWorker&) = delete;
  TimerWorker& operator=(const TimerWorker&) = delete;

  /// Registers the handler of a timer kind, replacing an earlier one. Call before Start.
  void Register(const std::string& kind, TimerHandler handler);

  /// Fires every timer due at or before `now` and returns how many fired. Failed firings are
  /// recorded and not counted. Blocks until the writes are durable. Tests call it with a
  /// ManualTimeSource's time instead of starting the thread.
  int RunDue(TimePoint now);

  /// Starts the thread that runs RunDue(clock.Now()) whenever a timer is due, checking at least
  /// every `idle_poll`.
  void Start();
  /// Wakes the thread because a timer was scheduled earlier than it expects. Thread safe.
  void Notify();
  /// Stops and joins the thread. A pass in progress finishes first.
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mobilelink::core
