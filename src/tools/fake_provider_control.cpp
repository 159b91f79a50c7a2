// The fake provider's control API under /_fake/, for tests and the demo.

#include <algorithm>
#include <charconv>

#include <boost/json.hpp>

#include "mobilelink/tools/fake_provider_impl.hpp"

namespace mobilelink::tools {
namespace {

namespace json = boost::json;

// Upper bound of a long poll, so a forgotten client cannot pin a waiter for long.
constexpr std::chrono::milliseconds kMaxWait{30000};

std::optional<std::uint64_t> ParseUnsigned(const std::optional<std::string>& text) {
  if (!text || text->empty()) {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size()) {
    return std::nullopt;
  }
  return value;
}

http::HttpResponse MessagesResponse(const std::vector<RecordedSend>& records,
                                    std::uint64_t last_seq) {
  json::array list;
  for (const auto& record : records) {
    list.push_back(RecordToJson(record));
  }
  json::object body{{"messages", std::move(list)}, {"last_seq", last_seq}};
  return http::HttpResponse::Json(200, json::serialize(body));
}

json::object BehaviourToJson(const FakeBehaviour& behaviour) {
  return {{"fail_next", behaviour.fail_next},
          {"fail_status", behaviour.fail_status},
          {"fail_code", behaviour.fail_code},
          {"delay_ms", behaviour.delay.count()},
          {"retry_after_s", behaviour.retry_after_s},
          {"callbacks", behaviour.callbacks},
          {"callback_delay_ms", behaviour.callback_delay.count()}};
}

// Reads an integer key into `target`; leaves it when the key is absent. Returns an
// error message naming the key when the value is not an integer in [minimum, maximum].
std::optional<std::string> ReadInt(const json::object& body, std::string_view key,
                                   std::int64_t minimum, std::int64_t maximum,
                                   std::int64_t& target) {
  const auto* value = body.if_contains(key);
  if (value == nullptr) {
    return std::nullopt;
  }
  boost::system::error_code ec;
  const auto number = value->is_number() ? value->to_number<std::int64_t>(ec) : 0;
  if (!value->is_number() || ec || number < minimum || number > maximum) {
    return std::string(key) + " must be an integer from " + std::to_string(minimum) + " to " +
           std::to_string(maximum);
  }
  target = number;
  return std::nullopt;
}

// Applies the keys present in `body` over `behaviour`. Returns an error naming the bad field.
std::optional<std::string> MergeBehaviour(const json::object& body, FakeBehaviour& behaviour) {
  std::int64_t fail_next = behaviour.fail_next;
  std::int64_t fail_status = behaviour.fail_status;
  std::int64_t fail_code = behaviour.fail_code;
  std::int64_t delay_ms = behaviour.delay.count();
  std::int64_t retry_after_s = behaviour.retry_after_s;
  std::int64_t callback_delay_ms = behaviour.callback_delay.count();
  for (auto error : {ReadInt(body, "fail_next", 0, 1000000, fail_next),
                     ReadInt(body, "fail_status", 400, 599, fail_status),
                     ReadInt(body, "fail_code", 0, 99999999, fail_code),
                     ReadInt(body, "delay_ms", 0, 600000, delay_ms),
                     ReadInt(body, "retry_after_s", 0, 86400, retry_after_s),
                     ReadInt(body, "callback_delay_ms", 0, 600000, callback_delay_ms)}) {
    if (error) {
      return error;
    }
  }
  if (const auto* callbacks = body.if_contains("callbacks")) {
    if (!callbacks->is_bool()) {
      return "callbacks must be true or false";
    }
    behaviour.callbacks = callbacks->get_bool();
  }
  behaviour.fail_next = static_cast<int>(fail_next);
  behaviour.fail_status = static_cast<int>(fail_status);
  behaviour.fail_code = static_cast<int>(fail_code);
  behaviour.delay = std::chrono::milliseconds(delay_ms);
  behaviour.retry_after_s = static_cast<int>(retry_after_s);
  behaviour.callback_delay = std::chrono::milliseconds(callback_delay_ms);
  return std::nullopt;
}

}  // namespace

void FakeProvider::Impl::AddControlRoutes(http::Router& router) {
  router.Add("GET", "/_fake/messages", [this](http::HttpRequest&& request, http::Responder done) {
    HandleListMessages(std::move(request), done);
  });
  router.Add("DELETE", "/_fake/messages", [this](http::HttpRequest&&, http::Responder done) {
    ClearMessages();
    done(http::HttpResponse::Json(200, R"({"cleared":true})"));
  });
  router.Add("GET", "/_fake/behaviour", [this](http::HttpRequest&&, http::Responder done) {
    done(http::HttpResponse::Json(200, json::serialize(BehaviourToJson(Behaviour()))));
  });
  router.Add("POST", "/_fake/behaviour", [this](http::HttpRequest&& request, http::Responder done) {
    HandleSetBehaviour(std::move(request), done);
  });
  router.Add("POST", "/_fake/callbacks/release", [this](http::HttpRequest&&, http::Responder done) {
    const std::size_t released = ReleaseHeldCallbacks();
    done(http::HttpResponse::Json(200, json::serialize(json::object{{"released", released}})));
  });
}

// GET /_fake/messages[?to=+1...][&since=SEQ][&wait_ms=MS]. With wait_ms, the response waits until
// a matching send arrives or the time passes, so a poller needs no sleep loop.
void FakeProvider::Impl::HandleListMessages(http::HttpRequest&& request,
                                            const http::Responder& responder) {
  const auto since_text = request.QueryParam("since");
  const auto wait_text = request.QueryParam("wait_ms");
  const auto since = ParseUnsigned(since_text);
  const auto wait_ms = ParseUnsigned(wait_text);
  if ((since_text && !since) || (wait_text && !wait_ms)) {
    responder(http::HttpResponse::Error(400, "invalid_query",
                                        "since and wait_ms must be non-negative integers"));
    return;
  }
  const std::string to = request.QueryParam("to").value_or("");
  auto [records, last_seq] = SelectRecords(since.value_or(0), to);
  if (!records.empty() || wait_ms.value_or(0) == 0) {
    responder(MessagesResponse(records, last_seq));
    return;
  }

  const auto wait = std::min(std::chrono::milliseconds(*wait_ms), kMaxWait);
  auto answered = std::make_shared<std::atomic<bool>>(false);
  {
    std::lock_guard lock(mutex_);
    waiters_.push_back(Waiter{since.value_or(0), to, responder, answered});
  }
  // A send may have arrived between the select and the registration; wake checks again.
  WakeWaiters();
  responses_.PostAfter(wait, [this, responder, answered, since = since.value_or(0), to] {
    if (answered->exchange(true)) {
      return;
    }
    auto [late, seq] = SelectRecords(since, to);
    responder(MessagesResponse(late, seq));
  });
}

void FakeProvider::Impl::WakeWaiters() {
  std::vector<Waiter> ready;
  {
    std::lock_guard lock(mutex_);
    auto waiter = waiters_.begin();
    while (waiter != waiters_.end()) {
      const bool has_match =
          std::any_of(records_.begin(), records_.end(), [&](const RecordedSend& record) {
            return record.seq > waiter->since && (waiter->to.empty() || record.to == waiter->to);
          });
      if (has_match || waiter->answered->load()) {
        ready.push_back(std::move(*waiter));
        waiter = waiters_.erase(waiter);
      } else {
        ++waiter;
      }
    }
  }
  for (auto& waiter : ready) {
    if (waiter.answered->exchange(true)) {
      continue;
    }
    auto [records, last_seq] = SelectRecords(waiter.since, waiter.to);
    waiter.responder(MessagesResponse(records, last_seq));
  }
}

void FakeProvider::Impl::HandleSetBehaviour(http::HttpRequest&& request,
                                            const http::Responder& responder) {
  boost::system::error_code ec;
  const auto body = json::parse(request.body, ec);
  if (ec || !body.is_object()) {
    responder(http::HttpResponse::Error(400, "invalid_json", "body must be a JSON object"));
    return;
  }
  FakeBehaviour behaviour;
  const auto* reset = body.as_object().if_contains("reset");
  if (reset == nullptr || !reset->is_bool() || !reset->get_bool()) {
    behaviour = Behaviour();
  }
  if (const auto error = MergeBehaviour(body.as_object(), behaviour)) {
    responder(http::HttpResponse::Error(400, "invalid_behaviour", *error));
    return;
  }
  SetBehaviour(behaviour);
  responder(http::HttpResponse::Json(200, json::serialize(BehaviourToJson(behaviour))));
}

}  // namespace mobilelink::tools
