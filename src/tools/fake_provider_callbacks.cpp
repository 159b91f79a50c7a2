// Delivery of status callbacks with bounded retries. Every callback runs on the callback
// scheduler's one thread, so a slow receiver delays later callbacks but never a response.

#include "mobilelink/common/log.hpp"
#include "mobilelink/tools/fake_provider_impl.hpp"

namespace mobilelink::tools {

void FakeProvider::Impl::PostCallback(std::shared_ptr<CallbackJob> job, int attempt,
                                      std::chrono::milliseconds delay) {
  callbacks_.PostAfter(delay,
                       [this, job = std::move(job), attempt] { SendCallback(job, attempt); });
}

std::size_t FakeProvider::Impl::ReleaseHeldCallbacks() {
  std::vector<std::shared_ptr<CallbackJob>> released_jobs;
  {
    std::lock_guard lock(mutex_);
    released_jobs.swap(held_callbacks_);
  }
  for (auto& job : released_jobs) {
    PostCallback(std::move(job), 1, std::chrono::milliseconds(0));
  }
  return released_jobs.size();
}

void FakeProvider::Impl::SendCallback(const std::shared_ptr<CallbackJob>& job, int attempt) {
  http::ClientRequest request;
  request.method = "POST";
  request.url = job->url;
  request.headers = job->headers;
  request.body = job->body;
  request.timeout = options_.callback_timeout;
  const auto result = callback_client_->Send(request);

  std::string failure;
  if (const auto* error = std::get_if<http::ClientError>(&result)) {
    failure = error->message;
  } else if (const auto& response = std::get<http::ClientResponse>(result);
             !http::IsSuccess(response.status)) {
    failure = "HTTP status " + std::to_string(response.status);
  }
  if (failure.empty()) {
    ++callbacks_delivered;
    SetDeliveryStatus(job->seq, job->delivery_status);
  } else if (attempt < options_.callback_max_attempts) {
    const auto backoff = options_.callback_first_backoff * (1 << (attempt - 1));
    Logger("tools")->warn(
        "status callback failed, retrying callback=\"{}\" url={} attempt={} max_attempts={} "
        "retry_in_ms={} error=\"{}\"",
        job->description, job->url, attempt, options_.callback_max_attempts, backoff.count(),
        failure);
    PostCallback(job, attempt + 1, backoff);
    return;
  } else {
    ++callbacks_abandoned;
    Logger("tools")->error(
        "status callback abandoned callback=\"{}\" url={} attempt={} max_attempts={} "
        "error=\"{}\"",
        job->description, job->url, attempt, options_.callback_max_attempts, failure);
  }
  if (job->then) {
    job->then();
  }
}

}  // namespace mobilelink::tools
