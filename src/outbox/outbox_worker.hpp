#pragma once

// Sends queued outbound messages.
//
// Rows come from the outbox table (core::OutboxEntry), written in the same transaction as the
// reply that caused them. A dispatcher claims due rows (state pending -> sending, committed
// before any request leaves), applies each inbox's rate limit, and hands rows to sender
// threads. Each sender records the outcome in a new transaction:
//   - accepted: the message gets the provider id and the row is done;
//   - retryable (a connect that failed before the request left, 5xx, 429): the row goes back
//     to pending with an exponential backoff and jitter, or Retry-After when the provider gave
//     one;
//   - final (4xx, opted out, invalid): the row and the message are failed with the provider's
//     error;
//   - unknown (any transport error after the request began to leave: a timeout, reset or close
//     before the response; or a row left in `sending` by a killed process): the sender looks
//     the message up at the provider, where the adapter has a lookup, and sends it again only
//     when the provider has not accepted it. A channel whose statuses echo
//     a value naming the row (Capabilities::status_callback_data, WhatsApp) has no lookup: the
//     row waits in `unknown` for such a status, which marks it done, and is sent again only when
//     none arrived within outbox.whatsapp_status_wait_ms.
// A row is never claimed twice at once, and a conversation's rows go out in order.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "mobilelink/channels/adapter.hpp"
#include "mobilelink/config/config.hpp"
#include "mobilelink/core/clock.hpp"
#include "mobilelink/core/conversation_service.hpp"
#include "mobilelink/http/client.hpp"
#include "mobilelink/store/store.hpp"

namespace mobilelink::outbox {

/// Delivers a message over a live connection (web chat). Returns true when the message was
/// handed to a connected client or kept for its next reconnect.
using PushDelivery = std::function<bool(const core::OutboxEntry& entry)>;

struct WorkerOptions {
  config::OutboxConfig outbox;
  std::string public_url;  // Base for provider status callback URLs.
  http::ClientOptions client;
  std::chrono::milliseconds idle_poll{1000};  // Maximum sleep when nothing is due.
};

class OutboxWorker final {
 public:
  OutboxWorker(WorkerOptions options, std::vector<channels::InboxConfig> inboxes,
               store::Store& store, const core::ConversationService& service,
               const core::TimeSource& clock, PushDelivery push);
  ~OutboxWorker();
  OutboxWorker(const OutboxWorker&) = delete;
  OutboxWorker& operator=(const OutboxWorker&) = delete;

  /// Recovers rows interrupted by a previous process, then starts the threads.
  void Start();
  /// Wakes the dispatcher because rows were queued. Thread safe.
  void Notify();
  /// Stops claiming, lets in-flight sends finish for up to `grace`, and joins the threads.
  void Stop(std::chrono::milliseconds grace);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

/// Returns the status callback URL of an inbox, or empty when its channel takes none.
std::string StatusCallbackUrl(const std::string& public_url, const channels::InboxConfig& inbox);

/// Returns the age after which the worker deletes a kept status that nothing claimed: 24 hours,
/// or twice outbox.whatsapp_status_wait_ms when that is longer. A status is kept only until its
/// send result commits or its row's status wait ends, so an older one settles nothing.
std::chrono::milliseconds OrphanStatusMaxAge(const config::OutboxConfig& outbox);

/// Returns true when a status's recipient is the row's recipient. WhatsApp writes a wa_id
/// without the leading "+" of E.164, so a leading "+" is ignored on both. An empty status
/// recipient matches nothing.
bool IsSameAddress(std::string_view status_recipient, std::string_view row_recipient);

/// Returns the path prefix under /webhooks/ for a channel: "twilio" for twilio_sms.
std::string WebhookSegment(std::string_view channel);

}  // namespace mobilelink::outbox
