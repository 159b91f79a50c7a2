#include "mobilelink/app/agent_feed.hpp"

#include <array>
#include <map>

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "mobilelink/app/agent_api_internal.hpp"
#include "mobilelink/app/session_auth.hpp"
#include "mobilelink/common/log.hpp"
#include "mobilelink/common/metrics.hpp"
#include "mobilelink/events/event_types.hpp"
#include "mobilelink/store/sqlite_repository.hpp"

namespace mobilelink::app {

namespace json = boost::json;

namespace {

// Events read per store round trip, and round trips per wake-up; the rest waits for the next.
constexpr int kEventsPerRead = 500;
constexpr int kReadsPerWake = 20;
// The pump also wakes this often without a commit, for writes made outside the hooked store.
constexpr std::chrono::milliseconds kIdlePoll{1000};
// Sec-WebSocket-Protocol values of the form "bearer.<token>" carry the access token.
constexpr std::string_view kBearerProtocolPrefix = "bearer.";

constexpr std::array<std::string_view, 14> kFeedTypes{
    events::kMessageReceived,         events::kConversationHandedOff,
    events::kConversationAssigned,    events::kConversationAccepted,
    events::kConversationTransferred, events::kConversationResolved,
    events::kConversationHandedBack,  events::kConversationPriorityChanged,
    events::kEscalationRaised,        events::kSupervisorAlerted,
    events::kAgentPresenceChanged,    events::kSlaBreached,
    events::kConversationUnassigned,  events::kNoteAdded};

bool IsFeedType(std::string_view type) {
  return std::find(kFeedTypes.begin(), kFeedTypes.end(), type) != kFeedTypes.end();
}

void SendError(const std::shared_ptr<http::WebSocketSession>& session, std::string_view code,
               std::string_view field, std::string_view message) {
  json::object error{{"type", "error"}, {"code", code}, {"message", message}};
  if (!field.empty()) {
    error["field"] = field;
  }
  session->Send(json::serialize(error));
}

std::optional<std::string> BearerProtocolToken(const http::HttpRequest& request) {
  const std::string offered = request.headers.Get("Sec-WebSocket-Protocol").value_or("");
  std::size_t start = 0;
  while (start <= offered.size()) {
    auto end = offered.find(',', start);
    if (end == std::string::npos) {
      end = offered.size();
    }
    std::string value = offered.substr(start, end - start);
    value.erase(0, value.find_first_not_of(' '));
    value.erase(value.find_last_not_of(' ') + 1);
    if (value.rfind(kBearerProtocolPrefix, 0) == 0) {
      return value.substr(kBearerProtocolPrefix.size());
    }
    start = end + 1;
  }
  return std::nullopt;
}

// Agents see events about their own conversations, about queued ones (handed off, open and
// unassigned) and about themselves; supervisors see every event.
bool MayView(bool supervisor, std::int64_t agent_id, const core::Event& event,
             const std::optional<core::Conversation>& conversation) {
  if (supervisor || event.agent_id == agent_id) {
    return true;
  }
  if (!conversation) {
    return false;
  }
  if (conversation->assignee_agent_id == agent_id) {
    return true;
  }
  return !conversation->assignee_agent_id && conversation->tier >= 1 &&
         conversation->status != core::ConversationStatus::kResolved;
}

std::string EventFrame(const core::Event& event) {
  json::object body{
      {"id", event.id}, {"type", event.type}, {"occurred_at", store::ToMillis(event.occurred_at)}};
  if (event.conversation_id) {
    body["conversation_id"] = *event.conversation_id;
  }
  if (event.agent_id) {
    body["agent_id"] = *event.agent_id;
  }
  if (event.message_id) {
    body["message_id"] = *event.message_id;
  }
  boost::system::error_code error;
  json::value data = json::parse(event.data_json, error);
  body["data"] = error ? json::value(json::object()) : std::move(data);
  return json::serialize(json::object{{"type", "event"}, {"event", body}});
}

}  // namespace

AgentFeed::~AgentFeed() { Stop(); }

void AgentFeed::Start() {
  context_.store->Read([&](core::Repository& repository) {
    // Skips to the newest event: the feed pushes what happens from now on.
    while (true) {
      const auto page = repository.ListEvents(cursor_, kEventsPerRead);
      if (page.empty()) {
        break;
      }
      cursor_ = page.back().id;
    }
  });
  pump_ = std::thread([this] { RunPump(); });
}

void AgentFeed::Stop() {
  {
    std::lock_guard lock(pump_mutex_);
    stopping_ = true;
  }
  pump_wake_.notify_all();
  if (pump_.joinable()) {
    pump_.join();
  }
}

void AgentFeed::Notify() {
  {
    std::lock_guard lock(pump_mutex_);
    notified_ = true;
  }
  pump_wake_.notify_one();
}

int AgentFeed::ConnectionsOf(std::int64_t agent_id) {
  std::lock_guard lock(mutex_);
  int count = 0;
  for (const auto& [id, subscriber] : subscribers_) {
    if (subscriber.agent_id == agent_id && !subscriber.session.expired()) {
      ++count;
    }
  }
  return count;
}

std::optional<http::HttpResponse> AgentFeed::Accept(const http::HttpRequest& request) {
  if (auto token = BearerProtocolToken(request)) {
    if (!agent_api::AuthenticateToken(context_, *token)) {
      return agent_api::Unauthorized();
    }
  }
  // Browsers send cookies on a socket that another site opens, so a console session cookie
  // counts only on an upgrade from this server's own pages.
  if (CookieValue(request, kSessionCookieName) && !IsSameOriginOrAbsent(request)) {
    return http::HttpResponse::Error(403, "csrf_rejected",
                                     "the console session works only from this server's pages",
                                     "Origin");
  }
  return std::nullopt;
}

std::string AgentFeed::SelectProtocol(const http::HttpRequest& request) {
  const auto token = BearerProtocolToken(request);
  return token ? std::string(kBearerProtocolPrefix) + *token : std::string();
}

void AgentFeed::OnOpen(const std::shared_ptr<http::WebSocketSession>& session) {
  GlobalMetrics().GetGauge("mobilelink_agent_feed_sockets", "Open agent feed sockets.").Add(1);
  {
    std::lock_guard lock(mutex_);
    subscribers_[session->Id()] = Subscriber{session, 0, false};
  }
  if (auto token = BearerProtocolToken(session->UpgradeRequest())) {
    Authenticate(session, *token);
  } else if (auto cookie = CookieValue(session->UpgradeRequest(), kSessionCookieName)) {
    Authenticate(session, *cookie);
  }
}

void AgentFeed::OnClose(const std::shared_ptr<http::WebSocketSession>& session) {
  GlobalMetrics().GetGauge("mobilelink_agent_feed_sockets", "Open agent feed sockets.").Add(-1);
  std::lock_guard lock(mutex_);
  subscribers_.erase(session->Id());
}

void AgentFeed::OnText(const std::shared_ptr<http::WebSocketSession>& session, std::string text) {
  boost::system::error_code parse_error;
  const json::value parsed = json::parse(text, parse_error);
  if (parse_error || !parsed.is_object()) {
    SendError(session, "invalid_json", "", "frame is not a JSON object; send {\"type\":...}");
    return;
  }
  const auto& frame = parsed.as_object();
  const auto* type = frame.if_contains("type");
  if (type == nullptr || !type->is_string() || type->as_string() != "auth") {
    SendError(session, "unknown_type", "type",
              "the feed accepts only {\"type\":\"auth\",\"token\":...} from clients");
    return;
  }
  const auto* token = frame.if_contains("token");
  if (token == nullptr || !token->is_string() || token->as_string().empty()) {
    SendError(session, "invalid_token", "token",
              "token is required: an access token from POST /oauth/token");
    return;
  }
  Authenticate(session, std::string(token->as_string()));
}

void AgentFeed::Authenticate(const std::shared_ptr<http::WebSocketSession>& session,
                             const std::string& token) {
  const auto caller = agent_api::AuthenticateToken(context_, token);
  if (!caller) {
    SendError(session, "unauthorized", "token",
              "the token is unknown or expired; get one from POST /oauth/token");
    session->Close(1008, "unauthorized");
    return;
  }
  {
    std::lock_guard lock(mutex_);
    auto& subscriber = subscribers_[session->Id()];
    subscriber.session = session;
    subscriber.agent_id = caller->agent.id;
    subscriber.supervisor = caller->IsSupervisor();
  }
  session->Send(json::serialize(json::object{{"type", "ready"},
                                             {"agent_id", caller->agent.id},
                                             {"role", caller->agent.role},
                                             {"last_event_id", cursor_.load()}}));
}

std::vector<AgentFeed::Subscriber> AgentFeed::Subscribers() {
  std::lock_guard lock(mutex_);
  std::vector<Subscriber> copy;
  for (const auto& [id, subscriber] : subscribers_) {
    if (subscriber.agent_id != 0) {
      copy.push_back(subscriber);
    }
  }
  return copy;
}

void AgentFeed::RunPump() {
  while (true) {
    {
      std::unique_lock lock(pump_mutex_);
      pump_wake_.wait_for(lock, kIdlePoll, [&] { return stopping_ || notified_; });
      if (stopping_) {
        return;
      }
      notified_ = false;
    }
    try {
      PumpOnce();
    } catch (const std::exception& error) {
      Logger("ws")->error("agent feed pump failed error=\"{}\"", error.what());
    }
  }
}

void AgentFeed::PumpOnce() {
  for (int read = 0; read < kReadsPerWake; ++read) {
    std::vector<core::Event> page;
    std::map<std::int64_t, std::optional<core::Conversation>> conversations;
    context_.store->Read([&](core::Repository& repository) {
      page = repository.ListEvents(cursor_, kEventsPerRead);
      for (const auto& event : page) {
        if (event.conversation_id && IsFeedType(event.type) &&
            !conversations.contains(*event.conversation_id)) {
          conversations[*event.conversation_id] =
              repository.GetConversation(*event.conversation_id);
        }
      }
    });
    if (page.empty()) {
      return;
    }
    cursor_ = page.back().id;
    const auto subscribers = Subscribers();
    for (const auto& event : page) {
      if (!IsFeedType(event.type) || subscribers.empty()) {
        continue;
      }
      const auto found =
          event.conversation_id ? conversations.find(*event.conversation_id) : conversations.end();
      const std::optional<core::Conversation> none;
      const auto& conversation = found == conversations.end() ? none : found->second;
      const std::string frame = EventFrame(event);
      for (const auto& subscriber : subscribers) {
        if (!MayView(subscriber.supervisor, subscriber.agent_id, event, conversation)) {
          continue;
        }
        if (auto open = subscriber.session.lock()) {
          open->Send(frame);
        }
      }
    }
    if (page.size() < static_cast<std::size_t>(kEventsPerRead)) {
      return;
    }
  }
}

void CommitNotifyingStore::Write(std::function<void(core::Repository&)> work,
                                 std::function<void(const store::WriteResult&)> done) {
  inner_.Write(std::move(work),
               [done = std::move(done), hook = after_commit_](const store::WriteResult& result) {
                 if (done) {
                   done(result);
                 }
                 if (result.ok && hook) {
                   hook();
                 }
               });
}

}  // namespace mobilelink::app
