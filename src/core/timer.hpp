#pragma once

// Stored timers: rows with a due time that the TimerWorker fires once each, surviving restarts.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mobilelink/core/model.hpp"

namespace mobilelink::core {

/// Lifecycle of a timer: pending until it fires, is cancelled, or fails for good.
enum class TimerState { kPending, kFired, kCancelled, kFailed };

std::string_view ToString(TimerState value);
std::optional<TimerState> ParseTimerState(std::string_view text);

/// One stored timer. `kind` selects the handler and `key` names the timer within its kind.
/// Scheduling the same kind and key again moves that timer instead of adding another.
struct Timer {
  std::int64_t id = 0;
  std::string kind;
  std::string key;
  TimePoint due_at;
  std::string payload_json = "{}";  // Handler input, one JSON object.
  TimerState state = TimerState::kPending;
  int attempts = 0;  // Firings that committed or were recorded as failed.
  std::optional<TimePoint> fired_at;
  std::string last_error;  // Message of the latest handler failure.
};

}  // namespace mobilelink::core
