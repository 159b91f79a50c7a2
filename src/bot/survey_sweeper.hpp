#pragma once

// A background thread that expires unanswered surveys: every interval it runs
// SurveyService::ExpireDue in one unit of work. The expiry time is stored with each survey, so
// a restart only delays an expiry until the first sweep.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "mobilelink/bot/survey.hpp"
#include "mobilelink/core/clock.hpp"
#include "mobilelink/store/store.hpp"

namespace mobilelink::bot {

class SurveySweeper final {
 public:
  SurveySweeper(const SurveyService& surveys, store::Store& store, const core::TimeSource& clock,
                std::chrono::milliseconds interval = std::chrono::seconds(30));
  ~SurveySweeper();
  SurveySweeper(const SurveySweeper&) = delete;
  SurveySweeper& operator=(const SurveySweeper&) = delete;

  void Start();
  /// Stops the thread after the sweep in progress, if any. Safe to call twice.
  void Stop();

 private:
  void Run();

  const SurveyService& surveys_;
  store::Store& store_;
  const core::TimeSource& clock_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace mobilelink::bot
