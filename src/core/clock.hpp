#pragma once

#include <atomic>

#include "mobilelink/core/model.hpp"

namespace mobilelink::core {

/// Source of the current time, injected so that tests advance time instead of sleeping.
class TimeSource {
 public:
  virtual ~TimeSource() = default;
  [[nodiscard]] virtual TimePoint Now() const = 0;
};

/// The system clock.
class SystemTimeSource final : public TimeSource {
 public:
  [[nodiscard]] TimePoint Now() const override { return Clock::now(); }
};

/// A clock that moves only when told to. Thread safe.
class ManualTimeSource final : public TimeSource {
 public:
  explicit ManualTimeSource(TimePoint start) : now_(start.time_since_epoch().count()) {}
  [[nodiscard]] TimePoint Now() const override {
    return TimePoint(TimePoint::duration(now_.load()));
  }
  void Advance(TimePoint::duration step) { now_ += step.count(); }

 private:
  std::atomic<TimePoint::rep> now_;
};

}  // namespace mobilelink::core
