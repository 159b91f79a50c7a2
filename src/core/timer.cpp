#include "mobilelink/core/timer.hpp"

namespace mobilelink::core {

std::string_view ToString(TimerState value) {
  switch (value) {
    case TimerState::kPending:
      return "pending";
    case TimerState::kFired:
      return "fired";
    case TimerState::kCancelled:
      return "cancelled";
    case TimerState::kFailed:
      return "failed";
  }
  return "pending";
}

std::optional<TimerState> ParseTimerState(std::string_view text) {
  for (auto state :
       {TimerState::kPending, TimerState::kFired, TimerState::kCancelled, TimerState::kFailed}) {
    if (ToString(state) == text) {
      return state;
    }
  }
  return std::nullopt;
}

}  // namespace mobilelink::core
