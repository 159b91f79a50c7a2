#include "mobilelink/bot/survey_sweeper.hpp"

#include <spdlog/spdlog.h>

#include "mobilelink/common/log.hpp"

namespace mobilelink::bot {

SurveySweeper::SurveySweeper(const SurveyService& surveys, store::Store& store,
                             const core::TimeSource& clock, std::chrono::milliseconds interval)
    : surveys_(surveys), store_(store), clock_(clock), interval_(interval) {}

SurveySweeper::~SurveySweeper() { Stop(); }

void SurveySweeper::Start() {
  thread_ = std::thread([this] { Run(); });
}

void SurveySweeper::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void SurveySweeper::Run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    int expired = 0;
    const auto result = store_.WriteAndWait(
        [&](core::Repository& unit) { expired = surveys_.ExpireDue(unit, clock_.Now()); });
    if (!result.ok) {
      Logger("bot")->error("survey expiry failed error=\"{}\"", result.error);
    } else if (expired > 0) {
      Logger("bot")->info("surveys expired count={}", expired);
    }
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace mobilelink::bot
