#include "mobilelink/tools/task_scheduler.hpp"

#include <vector>

namespace mobilelink::tools {

TaskScheduler::TaskScheduler(OnStop on_stop) : on_stop_(on_stop), worker_([this] { RunLoop(); }) {}

TaskScheduler::~TaskScheduler() { Stop(); }

void TaskScheduler::Post(Clock::time_point due, std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      tasks_.emplace(std::make_pair(due, next_order_++), std::move(task));
      wake_.notify_one();
      return;
    }
  }
  if (on_stop_ == OnStop::kRunNow) {
    task();
  }
}

void TaskScheduler::PostAfter(std::chrono::milliseconds delay, std::function<void()> task) {
  Post(Clock::now() + delay, std::move(task));
}

void TaskScheduler::Stop() {
  std::vector<std::function<void()>> pending;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      return;
    }
    stopping_ = true;
    wake_.notify_one();
  }
  worker_.join();
  {
    std::lock_guard lock(mutex_);
    for (auto& [key, task] : tasks_) {
      pending.push_back(std::move(task));
    }
    tasks_.clear();
  }
  if (on_stop_ == OnStop::kRunNow) {
    for (auto& task : pending) {
      task();
    }
  }
}

void TaskScheduler::RunLoop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (tasks_.empty()) {
      wake_.wait(lock);
      continue;
    }
    const auto first = tasks_.begin();
    if (first->first.first > Clock::now()) {
      wake_.wait_until(lock, first->first.first);
      continue;
    }
    auto task = std::move(first->second);
    tasks_.erase(first);
    lock.unlock();
    task();
    lock.lock();
  }
}

}  // namespace mobilelink::tools
