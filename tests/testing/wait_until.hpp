#pragma once

// Polling for tests that watch a worker thread or a peer from outside.

#include <chrono>
#include <functional>
#include <thread>

namespace mobilelink::testing {

/// Polls `condition` every 5 ms until it is true or `limit` passes. Returns its last value.
inline bool WaitUntil(const std::function<bool()>& condition,
                      std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return condition();
}

}  // namespace mobilelink::testing
