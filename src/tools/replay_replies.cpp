// The replay tool's reply collector: long polls on the fake provider's record of sends.

#include <limits>
#include <stdexcept>

#include <boost/json.hpp>

#include "mobilelink/common/log.hpp"
#include "mobilelink/tools/replay_internal.hpp"

namespace mobilelink::tools::replay_internal {
namespace {

namespace json = boost::json;

// Each poll waits this long on the provider when nothing is new, which also bounds how long
// Stop waits for the poller.
constexpr int kPollWaitMs = 500;

}  // namespace

ReplyCollector::ReplyCollector(std::string provider_url, bool loopback_only)
    : provider_url_(std::move(provider_url)), loopback_only_(loopback_only) {}

ReplyCollector::~ReplyCollector() { Stop(); }

void ReplyCollector::Start() {
  auto client = http::MakeHttpClient(http::ClientOptions{.loopback_only = loopback_only_});
  // A cursor past every seq returns no sends, only last_seq: the end of the record so far.
  cursor_ = std::numeric_limits<std::uint64_t>::max();
  if (!PollOnce(*client)) {
    throw std::runtime_error("cannot read " + provider_url_ +
                             "/_fake/messages; is the fake provider running there?");
  }
  poller_ = std::thread([this] { PollLoop(); });
}

void ReplyCollector::Expect(const std::string& customer) {
  std::lock_guard lock(mutex_);
  waiting_[customer].reset();
}

std::optional<Reply> ReplyCollector::WaitForReply(const std::string& customer,
                                                  std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  changed_.wait_until(lock, deadline, [&] {
    const auto it = waiting_.find(customer);
    return stopping_ || (it != waiting_.end() && it->second.has_value());
  });
  std::optional<Reply> reply;
  if (const auto it = waiting_.find(customer); it != waiting_.end()) {
    reply = std::move(it->second);
    waiting_.erase(it);
  }
  return reply;
}

void ReplyCollector::Forget(const std::string& customer) {
  std::lock_guard lock(mutex_);
  waiting_.erase(customer);
}

void ReplyCollector::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (poller_.joinable()) {
    poller_.join();
  }
}

void ReplyCollector::PollLoop() {
  auto client = http::MakeHttpClient(http::ClientOptions{.loopback_only = loopback_only_});
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) {
        return;
      }
    }
    if (PollOnce(*client)) {
      continue;
    }
    // Backs off after a failed poll so a stopped provider costs one request per 200 ms.
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::milliseconds(200), [&] { return stopping_; });
  }
}

bool ReplyCollector::PollOnce(http::HttpClient& client) {
  http::ClientRequest request;
  request.method = "GET";
  const bool first = cursor_ == std::numeric_limits<std::uint64_t>::max();
  request.url = provider_url_ + "/_fake/messages?since=" + std::to_string(cursor_) +
                (first ? "" : "&wait_ms=" + std::to_string(kPollWaitMs));
  request.timeout = std::chrono::milliseconds(kPollWaitMs + 5000);
  const auto result = client.Send(request);
  const auto* response = std::get_if<http::ClientResponse>(&result);
  if (response == nullptr || response->status != 200) {
    const auto reason = response == nullptr ? std::get<http::ClientError>(result).message
                                            : "HTTP status " + std::to_string(response->status);
    Logger("tools")->warn("replay poll failed url={} error=\"{}\"", request.url, reason);
    return false;
  }
  boost::system::error_code ec;
  const auto body = json::parse(response->body, ec);
  if (ec || !body.is_object()) {
    Logger("tools")->warn("replay poll returned invalid JSON url={}", request.url);
    return false;
  }
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  for (const auto& item : body.at("messages").as_array()) {
    const auto& message = item.as_object();
    const auto status = message.at("http_status").to_number<int>();
    const auto to = std::string(message.at("to").as_string());
    const auto it = waiting_.find(to);
    if (!http::IsSuccess(status) || it == waiting_.end() || it->second.has_value()) {
      continue;
    }
    it->second = Reply{std::string(message.at("text").as_string()), now};
  }
  cursor_ = body.at("last_seq").to_number<std::uint64_t>();
  changed_.notify_all();
  return true;
}

}  // namespace mobilelink::tools::replay_internal
