#pragma once

// A fixed set of threads for slow work that must not run on I/O threads, with a bounded queue
// so that a flood of requests is refused instead of queued without limit.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace mobilelink {

class WorkPool final {
 public:
  WorkPool(std::size_t threads, std::size_t max_queued);
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  /// Queues `task`. Returns false, without queueing, when `max_queued` tasks are waiting or the
  /// pool is stopping. Thread safe.
  [[nodiscard]] bool TryPost(std::function<void()> task);

 private:
  void Run();

  std::size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace mobilelink
