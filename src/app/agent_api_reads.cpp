#include <spdlog/spdlog.h>

#include "mobilelink/app/agent_api_internal.hpp"
#include "mobilelink/common/log.hpp"
#include "mobilelink/security/auth_level.hpp"
#include "mobilelink/security/credentials.hpp"
#include "mobilelink/store/sqlite_repository.hpp"

namespace mobilelink::app::agent_api {

namespace json = boost::json;

namespace {

constexpr auto kTokenLifetime = std::chrono::hours(12);
constexpr int kTranscriptLimit = 1000;
constexpr int kDefaultListLimit = 100;
constexpr int kMaxListLimit = 1000;

// Reads grant_type, username and password from a form or JSON body.
std::optional<std::map<std::string, std::string>> TokenFields(const http::HttpRequest& request) {
  std::map<std::string, std::string> fields;
  const auto type = request.headers.Get("Content-Type").value_or("");
  if (type.rfind("application/x-www-form-urlencoded", 0) == 0) {
    auto form = http::ParseForm(request.body);
    if (!form) {
      return std::nullopt;
    }
    for (auto& [name, value] : *form) {
      fields.emplace(name, value);
    }
    return fields;
  }
  if (type.rfind("application/json", 0) == 0) {
    boost::system::error_code error;
    const json::value body = json::parse(request.body, error);
    if (error || !body.is_object()) {
      return std::nullopt;
    }
    for (const auto& [name, value] : body.as_object()) {
      if (value.is_string()) {
        fields.emplace(std::string(name), std::string(value.as_string()));
      }
    }
    return fields;
  }
  return std::nullopt;
}

http::HttpResponse CheckPasswordAndIssue(AppContext& context, const std::string& login,
                                         const std::string& password, const std::string& address,
                                         const std::string& request_id) {
  std::optional<core::Agent> agent;
  context.store->Read([&](core::Repository& repository) {
    agent = repository.FindAgentByLogin(login);
  });
  // An unknown login is checked against a fixed hash, so it costs as long as a wrong password
  // and the answer time does not tell which logins exist.
  static const std::string kDummyHash = security::HashPassword("mobilelink-no-such-agent");
  const bool verified = security::VerifyPassword(password, agent ? agent->password_hash : kDummyHash);
  if (!agent || !agent->active || !verified) {
    context.login_guard->RecordFailure(login, address);
    Logger("security")->info("login rejected login=\"{}\" remote_address={} request_id={}",
                             EscapeLogValue(login), address, request_id);
    return http::HttpResponse::Error(401, "invalid_grant", "unknown username or wrong password");
  }
  context.login_guard->RecordSuccess(login, address);
  const std::string token = security::NewToken();
  const auto expires = context.clock->Now() + kTokenLifetime;
  const auto stored = context.store->WriteAndWait([&](core::Repository& repository) {
    repository.InsertAccessToken(security::HashToken(token), agent->id, expires);
  });
  if (!stored.ok) {
    Logger("security")->error("token not stored agent_id={} error=\"{}\"", agent->id,
                              stored.error);
    return http::HttpResponse::Error(503, "store_unavailable", "retry the login");
  }
  Logger("security")->info("login accepted agent_id={} request_id={}", agent->id, request_id);
  return http::HttpResponse::Json(
      200, json::serialize(json::object{
               {"access_token", token},
               {"token_type", "Bearer"},
               {"expires_in",
                std::chrono::duration_cast<std::chrono::seconds>(kTokenLifetime).count()},
               {"role", agent->role}}));
}

}  // namespace

json::object ConversationJson(const core::Conversation& conversation) {
  json::object object{{"id", conversation.id},
                      {"contact_id", conversation.contact_id},
                      {"status", core::ToString(conversation.status)},
                      {"tier", conversation.tier},
                      {"priority", core::ToString(conversation.priority)},
                      {"inbox_id", conversation.last_inbox_id},
                      {"handoff_summary", conversation.handoff_summary},
                      {"created_at", store::ToMillis(conversation.created_at)},
                      {"updated_at", store::ToMillis(conversation.updated_at)}};
  object["assignee_agent_id"] = conversation.assignee_agent_id
                                    ? json::value(*conversation.assignee_agent_id)
                                    : json::value(nullptr);
  object["handed_off_at"] = conversation.handed_off_at
                                ? json::value(store::ToMillis(*conversation.handed_off_at))
                                : json::value(nullptr);
  return object;
}

json::object MessageJson(const core::Message& message) {
  json::array media;
  for (const auto& item : message.media) {
    media.push_back(json::object{
        {"url", item.url}, {"content_type", item.content_type}, {"file_name", item.file_name}});
  }
  json::object object{{"id", message.id},
                      {"direction", core::ToString(message.direction)},
                      {"sender", core::ToString(message.sender)},
                      {"inbox_id", message.inbox_id},
                      {"text", message.text},
                      {"media", media},
                      {"status", core::ToString(message.status)},
                      {"error_code", message.error_code},
                      {"error_message", message.error_message},
                      {"encoding", message.encoding},
                      {"segments", message.segments},
                      {"intent", message.intent},
                      {"intent_confidence", message.intent_confidence},
                      {"created_at", store::ToMillis(message.created_at)}};
  object["agent_id"] = message.agent_id ? json::value(*message.agent_id) : json::value(nullptr);
  return object;
}

void IssueToken(AppContext& context, http::HttpRequest&& request, http::Responder respond) {
  const auto fields = TokenFields(request);
  if (!fields) {
    respond(FieldError(400, "invalid_request", "body",
                       "send grant_type, username and password as a form or a JSON object"));
    return;
  }
  const auto field = [&](const char* name) {
    const auto found = fields->find(name);
    return found == fields->end() ? std::string() : found->second;
  };
  if (field("grant_type") != "password") {
    respond(FieldError(400, "unsupported_grant_type", "grant_type",
                       "grant_type must be password"));
    return;
  }
  const std::string login = field("username");
  const std::string password = field("password");
  if (login.empty() || password.empty()) {
    respond(FieldError(400, "invalid_request", login.empty() ? "username" : "password",
                       "username and password are required"));
    return;
  }
  if (auto wait = context.login_guard->RetryAfter(login, request.remote_address)) {
    auto response = http::HttpResponse::Error(
        429, "too_many_attempts",
        "too many failed logins; retry in " + std::to_string(wait->count()) + " seconds");
    response.headers.Set("Retry-After", std::to_string(wait->count()));
    respond(std::move(response));
    return;
  }
  auto task = [&context, login, password, respond, address = request.remote_address,
               request_id = request.request_id] {
    respond(CheckPasswordAndIssue(context, login, password, address, request_id));
  };
  if (!context.login_pool->TryPost(std::move(task))) {
    auto response = http::HttpResponse::Error(503, "busy", "too many logins in progress; retry");
    response.headers.Set("Retry-After", "1");
    respond(std::move(response));
  }
}

http::HttpResponse ListConversations(AppContext& context, const http::HttpRequest& request,
                                     const Caller& caller) {
  const std::string view = request.QueryParam("view").value_or("queue");
  core::ConversationFilter filter;
  if (view == "queue") {
    filter.status = core::ConversationStatus::kOpen;
    filter.min_tier = 1;
    filter.unassigned_only = true;
  } else if (view == "mine") {
    filter.assignee_agent_id = caller.agent.id;
    filter.status = core::ConversationStatus::kOpen;
  } else if (view == "all") {
    if (!caller.IsSupervisor()) {
      return http::HttpResponse::Error(403, "forbidden", "view=all needs the supervisor role",
                                       "view");
    }
  } else {
    return FieldError(400, "invalid_view", "view", "view must be queue, mine or all");
  }
  int limit = kDefaultListLimit;
  if (const auto text = request.QueryParam("limit")) {
    const bool digits = !text->empty() && text->size() <= 4 &&
                        text->find_first_not_of("0123456789") == std::string::npos;
    limit = digits ? std::stoi(*text) : 0;
    if (limit < 1 || limit > kMaxListLimit) {
      return FieldError(400, "invalid_limit", "limit",
                        "limit must be a whole number from 1 to " + std::to_string(kMaxListLimit));
    }
  }
  // One row more than the limit shows whether the list was cut.
  filter.limit = limit + 1;
  json::array items;
  bool truncated = false;
  context.store->Read([&](core::Repository& repository) {
    auto conversations = repository.ListConversations(filter);
    if (conversations.size() > static_cast<std::size_t>(limit)) {
      truncated = true;
      conversations.resize(static_cast<std::size_t>(limit));
    }
    for (const auto& conversation : conversations) {
      auto item = ConversationJson(conversation);
      if (auto contact = repository.GetContact(conversation.contact_id)) {
        item["contact_name"] = contact->name;
      }
      items.push_back(std::move(item));
    }
  });
  return http::HttpResponse::Json(
      200, json::serialize(json::object{{"conversations", items}, {"truncated", truncated}}));
}

http::HttpResponse ShowConversation(AppContext& context, const Caller& caller, std::int64_t id,
                                    bool with_messages) {
  std::optional<core::Conversation> conversation;
  json::object body;
  context.store->Read([&](core::Repository& repository) {
    conversation = repository.GetConversation(id);
    if (!conversation) {
      return;
    }
    body = ConversationJson(*conversation);
    json::array identities;
    for (const auto& identity : repository.ListIdentities(conversation->contact_id)) {
      identities.push_back(json::object{{"kind", core::ToString(identity.kind)},
                                        {"value", identity.value}});
    }
    body["identities"] = identities;
    const auto level = security::GetAuthLevel(repository, id);
    body["authentication"] = json::object{
        {"level", security::ToString(level.method)},
        {"verified_at", level.verified_at ? json::value(store::ToMillis(*level.verified_at))
                                          : json::value(nullptr)}};
    if (with_messages) {
      json::array messages;
      for (const auto& message : repository.ListMessages(id, 0, kTranscriptLimit)) {
        messages.push_back(MessageJson(message));
      }
      body["messages"] = messages;
    }
  });
  if (!conversation) {
    return http::HttpResponse::Error(404, "conversation_not_found",
                                     "conversation " + std::to_string(id) + " not found", "id");
  }
  if (!MayView(caller, *conversation)) {
    return NotVisible(id);
  }
  return http::HttpResponse::Json(200, json::serialize(body));
}

bool MayView(const Caller& caller, const core::Conversation& conversation) {
  // Agents see the queue (handed off, open, unassigned) and their own conversations;
  // supervisors see all, including the ones the bot is still handling.
  const bool in_queue = conversation.tier >= 1 && !conversation.assignee_agent_id &&
                        conversation.status == core::ConversationStatus::kOpen;
  return caller.IsSupervisor() || in_queue || conversation.assignee_agent_id == caller.agent.id;
}

http::HttpResponse NotVisible(std::int64_t conversation_id) {
  return http::HttpResponse::Error(403, "forbidden",
                                   "conversation " + std::to_string(conversation_id) +
                                       " is neither in the queue nor assigned to you");
}

http::HttpResponse SendTyping(AppContext& context, const Caller& caller, std::int64_t id) {
  std::optional<core::Conversation> conversation;
  std::optional<std::string> visitor;
  context.store->Read([&](core::Repository& repository) {
    conversation = repository.GetConversation(id);
    if (!conversation) {
      return;
    }
    // Typing notices travel only over live connections, which push-delivered channels have.
    const core::InboxProfile* inbox = context.service->FindInbox(conversation->last_inbox_id);
    if (inbox != nullptr && inbox->capabilities.push_delivery) {
      visitor = context.service->RecipientFor(repository, *conversation, *inbox);
    }
  });
  if (!conversation) {
    return http::HttpResponse::Error(404, "conversation_not_found",
                                     "conversation " + std::to_string(id) + " not found", "id");
  }
  if (!caller.IsSupervisor() && conversation->assignee_agent_id != caller.agent.id) {
    return http::HttpResponse::Error(403, "not_assignee",
                                     "conversation " + std::to_string(id) +
                                         " is not assigned to you; claim it first");
  }
  if (!visitor) {
    return http::HttpResponse::Error(
        409, "typing_unsupported",
        "the conversation's channel carries no typing notices; only web chat does");
  }
  const bool delivered = context.push_webchat &&
                         context.push_webchat(*visitor, R"({"type":"typing","state":"start"})");
  return http::HttpResponse::Json(200, json::serialize(json::object{{"delivered", delivered}}));
}

}  // namespace mobilelink::app::agent_api
