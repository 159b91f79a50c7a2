#pragma once

// A single worker thread that runs tasks at their due time. The fake provider uses one to respond
// to delayed requests and long polls without holding a server thread, and another to send status
// callbacks, whose blocking HTTP calls then never delay a response.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

namespace mobilelink::tools {

class TaskScheduler final {
 public:
  using Clock = std::chrono::steady_clock;

  /// Policy of Stop for tasks that are not due yet.
  enum class OnStop { kDrop, kRunNow };

  explicit TaskScheduler(OnStop on_stop);
  ~TaskScheduler();
  TaskScheduler(const TaskScheduler&) = delete;
  TaskScheduler& operator=(const TaskScheduler&) = delete;

  /// Queues `task` to run on the worker at `due`. Tasks due at the same time run in the order
  /// posted. After Stop, a task runs at once on the calling thread under kRunNow and is dropped
  /// under kDrop.
  void Post(Clock::time_point due, std::function<void()> task);
  void PostAfter(std::chrono::milliseconds delay, std::function<void()> task);

  /// Stops the worker after the running task and applies the OnStop policy to the rest.
  void Stop();

 private:
  void RunLoop();

  const OnStop on_stop_;
  std::mutex mutex_;
  std::condition_variable wake_;
  // Keyed by due time, then by post order so equal due times keep their order.
  std::map<std::pair<Clock::time_point, std::uint64_t>, std::function<void()>> tasks_;
  std::uint64_t next_order_ = 0;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace mobilelink::tools
