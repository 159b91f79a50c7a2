#pragma once

// Sends the HTTP calls and CRM lookups that flow steps wait for, outside the store writer.
// The worker finds waiting steps in the store, so a step that was waiting when the process
// stopped is sent again after a start; call steps carry an Idempotency-Key header so that an
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
  /// Stops after the call in flight, which may take up to its timeout.
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

}  // namespace mobilelink::bot
