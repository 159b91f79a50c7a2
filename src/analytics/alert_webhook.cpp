#include "mobilelink/analytics/alert_webhook.hpp"

#include <algorithm>

#include "mobilelink/analytics/repository.hpp"
#include "mobilelink/channels/common/hmac.hpp"
#include "mobilelink/common/log.hpp"

namespace mobilelink::analytics {

namespace {

constexpr int kDeliveriesPerRound = 50;
constexpr std::chrono::milliseconds kRequestTimeout{5000};

std::int64_t NowMillis(const core::TimeSource& clock) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock.Now().time_since_epoch())
      .count();
}

}  // namespace

std::string SignAlertBody(const std::string& secret, const std::string& body) {
  return "sha256=" + channels::common::HexEncode(channels::common::HmacSha256(secret, body));
}

AlertWebhookSender::AlertWebhookSender(const AlertSettings& settings, store::Store& store,
                                       const core::TimeSource& clock,
                                       std::unique_ptr<http::HttpClient> client)
    : settings_(settings), store_(store), clock_(clock), client_(std::move(client)) {}

int AlertWebhookSender::SendDue() {
  if (settings_.webhook_url.empty()) {
    return 0;
  }
  std::vector<WebhookDelivery> due;
  store_.Read([&](core::Repository& unit) {
    due = OpenAnalyticsRepository(unit)->DueWebhooks(NowMillis(clock_), kDeliveriesPerRound);
  });
  for (const auto& delivery : due) {
    http::ClientRequest request;
    request.method = "POST";
    request.url = settings_.webhook_url;
    request.body = delivery.body;
    request.timeout = kRequestTimeout;
    request.headers.Set("Content-Type", "application/json");
    request.headers.Set("X-Mobilelink-Event", delivery.kind);
    request.headers.Set("X-Mobilelink-Delivery", std::to_string(delivery.id));
    request.headers.Set("X-Mobilelink-Signature",
                        SignAlertBody(settings_.webhook_secret, delivery.body));
    const auto result = client_->Send(request);

    std::string error;
    if (const auto* response = std::get_if<http::ClientResponse>(&result)) {
      if (!http::IsSuccess(response->status)) {
        error = "status " + std::to_string(response->status);
      }
    } else {
      error = std::get<http::ClientError>(result).message;
    }
    const int attempts = delivery.attempts + 1;
    std::string state = "done";
    std::int64_t due_at = delivery.due_at_ms;
    if (!error.empty()) {
      state = attempts >= settings_.max_attempts ? "failed" : "pending";
      const auto backoff = settings_.base_backoff * (1LL << std::min(attempts - 1, 20));
      due_at = NowMillis(clock_) + backoff.count();
      Logger("analytics")
          ->warn(
              "alert webhook failed delivery_id={} attempt={} state={} "
              "error=\"{}\"",
              delivery.id, attempts, state, error);
    }
    store_.WriteAndWait([&](core::Repository& unit) {
      OpenAnalyticsRepository(unit)->UpdateWebhook(delivery.id, state, attempts, due_at, error);
    });
  }
  return static_cast<int>(due.size());
}

}  // namespace mobilelink::analytics
