#include "mobilelink/bot/flow_worker.hpp"

#include <spdlog/spdlog.h>

#include "mobilelink/common/log.hpp"

namespace mobilelink::bot {

FlowWorker::FlowWorker(FlowWorkerOptions options, store::Store& store,
                       const core::ConversationService& service,
                       std::function<void()> notify_outbox)
    : options_(std::move(options)),
      store_(store),
      service_(service),
      notify_outbox_(std::move(notify_outbox)) {}

FlowWorker::~FlowWorker() { Stop(); }

void FlowWorker::Start() {
  if (service_.Flows() == nullptr || thread_.joinable()) {
    return;
  }
  thread_ = std::thread([this] { Loop(); });
}

void FlowWorker::Notify() {
  {
    std::lock_guard lock(mutex_);
    notified_ = true;
  }
  wake_.notify_one();
}

void FlowWorker::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void FlowWorker::Loop() {
  auto client = http::MakeHttpClient(options_.client);
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, options_.poll_interval, [this] { return notified_ || stopping_; });
      if (stopping_) {
        return;
      }
      notified_ = false;
    }
    try {
      // A full batch means more may wait, so scan again at once.
      while (RunWaiting(*client) == options_.batch) {
        std::lock_guard lock(mutex_);
        if (stopping_) {
          return;
        }
      }
    } catch (const std::exception& error) {
      Logger("bot")->error("flow worker scan failed error=\"{}\"", error.what());
    }
  }
}

int FlowWorker::RunWaiting(http::HttpClient& client) {
  const FlowEngine& engine = *service_.Flows();
  std::vector<PendingCall> calls;
  store_.Read([&](core::Repository& repository) {
    for (const auto& state : OpenFlowRepository(repository)->ListWaiting(options_.batch)) {
      if (auto call = engine.PrepareCall(state)) {
        calls.push_back(std::move(*call));
      }
    }
  });
  for (const auto& call : calls) {
    CallResult result;
    const auto started = std::chrono::steady_clock::now();
    if (call.crm) {
      customers::CrmConnector connector(options_.crm, client);
      result.crm = connector.Fetch(call.crm_by, call.crm_key);
    } else {
      result.http = client.Send(call.request);
    }
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    Logger("bot")->debug("flow call finished conversation_id={} step={} crm={} elapsed_ms={}",
                         call.conversation_id, call.step, call.crm, elapsed.count());
    {
      std::lock_guard lock(mutex_);
      if (stopping_) {
        // The step stays waiting, so the next start sends the call again with the same
        // Idempotency-Key instead of acting on a result that arrived during shutdown.
        return static_cast<int>(calls.size());
      }
    }
    core::InboundOutcome outcome;
    const auto written = store_.WriteAndWait([&](core::Repository& repository) {
      outcome = service_.ResumeFlow(repository, call, result);
    });
    if (!written.ok) {
      // The step stays waiting, so the next scan sends the call again.
      Logger("bot")->error("flow call result not stored conversation_id={} step={} error=\"{}\"",
                           call.conversation_id, call.step, written.error);
      continue;
    }
    if (!outcome.queued.empty() && notify_outbox_) {
      notify_outbox_();
    }
  }
  return static_cast<int>(calls.size());
}

core::InboundOutcome ResumeAwaitingFlow(const core::ConversationService& service,
                                        core::Repository& unit, std::int64_t conversation_id,
                                        security::AuthMethod method, bool verified) {
  const FlowEngine* flows = service.Flows();
  if (flows == nullptr) {
    return {};
  }
  const auto state = flows->ActiveState(unit, conversation_id);
  const auto call = state ? flows->PrepareVerification(*state, method) : std::nullopt;
  if (!call) {
    return {};
  }
  CallResult result;
  result.verification = VerificationResult{verified};
  return service.ResumeFlow(unit, *call, result);
}

}  // namespace mobilelink::bot
