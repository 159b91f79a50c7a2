#pragma once

// Sends the HTTP calls and CRM lookups that flow steps wait for, outside the store writer.
// The worker finds waiting steps in the store, so a step that was waiting when the process
// stopped is sent again after a start. Call steps carry an Idempotency-Key header, so an
// endpoint can drop the repeat. Each result continues its flow in a new write.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "mobilelink/core/conversation_service.hpp"
#include "mobilelink/customers/crm_connector.hpp"
#include "mobilelink/http/client.hpp"
#include "mobilelink/store/store.hpp"

namespace mobilelink::bot {

struct FlowWorkerOptions {
  customers::CrmConfig crm;
  http::ClientOptions client;
  /// Interval of the scan for waiting steps when no Notify comes.
  std::chrono::milliseconds poll_interval{250};
  int batch = 16;  // Waiting steps read per scan.
};

/// One thread that sends calls one at a time. Start, Notify and Stop are thread safe.
class FlowWorker final {
 public:
  FlowWorker(FlowWorkerOptions options, store::Store& store,
             const core::ConversationService& service, std::function<void()> notify_outbox);
  ~FlowWorker();
  FlowWorker(const FlowWorker&) = delete;
  FlowWorker& operator=(const FlowWorker&) = delete;

  void Start();
  /// Wakes the worker after a commit that may have left a step waiting.
  void Notify();
  /// Stops after the call in flight, which may take up to its timeout. A result that arrives
  /// after Stop began is dropped and the step stays waiting for the next start.
  void Stop();

 private:
  void Loop();
  // Runs every waiting step found in one scan. Returns how many it ran.
  int RunWaiting(http::HttpClient& client);

  FlowWorkerOptions options_;
  store::Store& store_;
  const core::ConversationService& service_;
  std::function<void()> notify_outbox_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool notified_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

/// Continues the conversation's flow when its step awaits a verification by `method`, in the
/// unit of work that recorded the verification or the rejected attempt, so a restart never
/// separates the two. Returns what the flow queued: queued messages need the outbox woken, and
/// a flow that now waits on a call needs the FlowWorker woken.
core::InboundOutcome ResumeAwaitingFlow(const core::ConversationService& service,
                                        core::Repository& unit, std::int64_t conversation_id,
                                        security::AuthMethod method, bool verified);

}  // namespace mobilelink::bot
