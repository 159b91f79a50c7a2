#pragma once

// Sends queued alert webhooks: a JSON POST signed with HMAC-SHA256 of the body under the
// configured secret, in the header `X-Mobilelink-Signature: sha256=<hex>`, with the delivery id
// in `X-Mobilelink-Delivery` so that a receiver can drop a repeat. A failed attempt is retried
// with doubling backoff until max_attempts, then marked failed.

#include <memory>

#include "mobilelink/analytics/settings.hpp"
#include "mobilelink/core/clock.hpp"
#include "mobilelink/http/client.hpp"
#include "mobilelink/store/store.hpp"

namespace mobilelink::analytics {

class AlertWebhookSender final {
 public:
  AlertWebhookSender(const AlertSettings& settings, store::Store& store,
                     const core::TimeSource& clock, std::unique_ptr<http::HttpClient> client);

  /// Attempts every due delivery once. Returns the number attempted.
  int SendDue();

 private:
  const AlertSettings& settings_;
  store::Store& store_;
  const core::TimeSource& clock_;
  std::unique_ptr<http::HttpClient> client_;
};

/// Returns the value of X-Mobilelink-Signature for `body`.
std::string SignAlertBody(const std::string& secret, const std::string& body);

}  // namespace mobilelink::analytics
