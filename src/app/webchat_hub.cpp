#include "mobilelink/app/webchat_hub.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "mobilelink/attachments/attachment.hpp"
#include "mobilelink/common/log.hpp"
#include "mobilelink/common/metrics.hpp"
#include "mobilelink/core/card_redactor.hpp"
#include "mobilelink/core/text.hpp"
#include "mobilelink/security/credentials.hpp"
#include "mobilelink/store/sqlite_repository.hpp"

namespace mobilelink::app {

namespace json = boost::json;

namespace {

// Maximum client_id length in bytes; ids are echoed in acknowledgements and form the dedupe key.
constexpr std::size_t kMaxClientIdBytes = 128;
constexpr int kHistoryLimit = 200;

}  // namespace

void SendErrorFrame(const std::shared_ptr<http::WebSocketSession>& session, std::string_view code,
               std::string_view field, std::string_view message) {
  json::object error{{"type", "error"}, {"code", code}, {"message", message}};
  if (!field.empty()) {
    error["field"] = field;
  }
  session->Send(json::serialize(error));
}

namespace {

json::object MessageJson(const core::Message& message) {
  json::object object{{"id", message.id},
                      {"direction", core::ToString(message.direction)},
                      {"sender", core::ToString(message.sender)},
                      {"text", message.text},
                      {"status", core::ToString(message.status)},
                      {"client_id", message.client_message_id},
                      {"created_at", store::ToMillis(message.created_at)}};
  if (!message.media.empty()) {
    json::array media;
    for (const auto& item : message.media) {
      media.push_back(json::object{
          {"url", item.url}, {"content_type", item.content_type}, {"file_name", item.file_name}});
    }
    object["media"] = std::move(media);
  }
  return object;
}

std::string StringField(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

std::int64_t IntField(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value && value->is_int64() ? value->as_int64() : 0;
}

}  // namespace

bool OriginListed(std::string_view allowed, std::string_view origin) {
  while (!origin.empty() && !allowed.empty()) {
    const auto comma = allowed.find(',');
    std::string_view item = allowed.substr(0, comma);
    allowed = comma == std::string_view::npos ? std::string_view() : allowed.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') {
      item.remove_prefix(1);
    }
    while (!item.empty() && item.back() == ' ') {
      item.remove_suffix(1);
    }
    if (item == origin) {
      return true;
    }
  }
  return false;
}

std::optional<http::HttpResponse> WebchatHub::Accept(const http::HttpRequest& request) {
  const auto inbox_id = request.path_params.count("inbox") ? request.path_params.at("inbox") : "";
  const auto found = context_.inboxes.find(inbox_id);
  if (found == context_.inboxes.end() || found->second.channel != "webchat") {
    return http::HttpResponse::Error(404, "inbox_not_found",
                                     "no web chat inbox '" + inbox_id + "' is configured", "inbox");
  }
  const std::string allowed = found->second.Get("allowed_origins");
  if (!allowed.empty()) {
    const std::string origin = request.headers.Get("Origin").value_or("");
    const bool listed = OriginListed(allowed, origin);
    if (!listed) {
      return http::HttpResponse::Error(403, "origin_not_allowed",
                                       "Origin '" + origin + "' may not open this chat", "Origin");
    }
  }
  return std::nullopt;
}

void WebchatHub::OnOpen(const std::shared_ptr<http::WebSocketSession>& session) {
  GlobalMetrics().GetGauge("mobilelink_webchat_sockets", "Open web chat sockets.").Add(1);
  (void)session;
}

void WebchatHub::OnClose(const std::shared_ptr<http::WebSocketSession>& session) {
  GlobalMetrics().GetGauge("mobilelink_webchat_sockets", "Open web chat sockets.").Add(-1);
  std::lock_guard lock(mutex_);
  const auto found = bindings_.find(session->Id());
  if (found == bindings_.end()) {
    return;
  }
  auto& sockets = by_visitor_[found->second.visitor_id];
  std::erase_if(sockets, [&](const auto& weak) {
    auto open = weak.lock();
    return !open || open->Id() == session->Id();
  });
  if (sockets.empty()) {
    by_visitor_.erase(found->second.visitor_id);
  }
  bindings_.erase(found);
}

std::optional<WebchatHub::Binding> WebchatHub::FindBinding(std::uint64_t session_id) {
  std::lock_guard lock(mutex_);
  const auto found = bindings_.find(session_id);
  if (found == bindings_.end()) {
    return std::nullopt;
  }
  return found->second;
}

void WebchatHub::Bind(const std::shared_ptr<http::WebSocketSession>& session, Binding binding) {
  std::lock_guard lock(mutex_);
  by_visitor_[binding.visitor_id].push_back(session);
  bindings_[session->Id()] = std::move(binding);
}

void WebchatHub::OnText(const std::shared_ptr<http::WebSocketSession>& session, std::string text) {
  boost::system::error_code parse_error;
  const json::value parsed = json::parse(text, parse_error);
  if (parse_error || !parsed.is_object()) {
    SendErrorFrame(session, "invalid_json", "", "frame is not a JSON object; send {\"type\":...}");
    return;
  }
  const auto& frame = parsed.as_object();
  const std::string type = StringField(frame, "type");
  const auto binding = FindBinding(session->Id());
  const std::string inbox_id = session->UpgradeRequest().path_params.at("inbox");

  if (type == "hello") {
    if (binding) {
      SendErrorFrame(session, "already_started", "type", "hello was already sent on this socket");
      return;
    }
    HandleHello(session, inbox_id, StringField(frame, "token"), IntField(frame, "last_message_id"));
    return;
  }
  if (!binding) {
    SendErrorFrame(session, "hello_required", "type", "send a hello frame first");
    return;
  }
  if (type == "message") {
    HandleMessage(session, *binding,
                  {StringField(frame, "client_id"), StringField(frame, "text"),
                   StringField(frame, "reply_id").substr(0, 256),
                   StringField(frame, "attachment_id").substr(0, 64)});
  } else if (type == "survey_answer") {
    const auto* score = frame.if_contains("score");
    if (score == nullptr || !score->is_int64()) {
      SendErrorFrame(session, "invalid_score", "score", "score must be a whole number on the survey's scale");
      return;
    }
    HandleSurveyAnswer(session, *binding, IntField(frame, "survey_id"), score->as_int64());
  } else if (type == "read") {
    HandleRead(session, *binding, IntField(frame, "message_id"));
  } else if (type == "history") {
    SendHistory(session, binding->contact_id, IntField(frame, "after"));
  } else if (type == "typing") {
    // Typing notices are not stored; they reach agents through the agent feed.
  } else {
    SendErrorFrame(session, "unknown_type", "type",
              "type '" + type +
                  "' is unknown; expected hello, message, history, read, typing or survey_answer");
  }
}

void WebchatHub::HandleHello(const std::shared_ptr<http::WebSocketSession>& session,
                             const std::string& inbox_id, const std::string& token,
                             std::int64_t last_message_id) {
  const core::TimePoint now = context_.clock->Now();
  std::optional<core::WebchatSession> existing;
  if (!token.empty()) {
    context_.store->Read([&](core::Repository& repository) {
      existing = repository.FindWebchatSession(security::HashToken(token), now);
    });
    if (!existing || existing->inbox_id != inbox_id) {
      SendErrorFrame(session, "session_expired", "token",
                "the session token is unknown or expired; send hello without a token");
      return;
    }
    Bind(session, {inbox_id, existing->visitor_id, existing->contact_id});
    session->Send(json::serialize(json::object{{"type", "session"},
                                               {"token", token},
                                               {"visitor_id", existing->visitor_id},
                                               {"resumed", true}}));
    SendHistory(session, existing->contact_id, last_message_id);
    SendSurveyPrompt({session}, existing->contact_id, inbox_id, std::nullopt);
    return;
  }

  const std::string new_token = security::NewToken();
  const std::string visitor_id = "v_" + security::NewToken().substr(0, 22);
  const auto& inbox = context_.inboxes.at(inbox_id);
  const int ttl_hours = std::stoi(inbox.Get("session_ttl_hours").empty()
                                      ? "720"
                                      : inbox.Get("session_ttl_hours"));
  std::weak_ptr<http::WebSocketSession> weak = session;
  auto self = shared_from_this();
  auto contact_id = std::make_shared<std::int64_t>(0);
  context_.store->Write(
      [=](core::Repository& repository) {
        const core::ContactIdentity identity{core::IdentityKind::kWebchat, visitor_id, inbox_id};
        *contact_id = repository.ResolveContact(identity, "", now);
        repository.InsertWebchatSession({security::HashToken(new_token), inbox_id, visitor_id,
                                         *contact_id, now, now + std::chrono::hours(ttl_hours)});
      },
      [self, weak, new_token, visitor_id, inbox_id, contact_id](const store::WriteResult& result) {
        auto open = weak.lock();
        if (!open) {
          return;
        }
        if (!result.ok) {
          Logger("ws")->error("webchat session not stored inbox_id={} error=\"{}\"", inbox_id,
                              result.error);
          SendErrorFrame(open, "internal", "", "the session could not be stored; retry hello");
          return;
        }
        self->Bind(open, {inbox_id, visitor_id, *contact_id});
        open->Send(json::serialize(json::object{{"type", "session"},
                                                {"token", new_token},
                                                {"visitor_id", visitor_id},
                                                {"resumed", false}}));
      });
}

void WebchatHub::SendHistory(const std::shared_ptr<http::WebSocketSession>& session,
                             std::int64_t contact_id, std::int64_t after_id) {
  json::array messages;
  bool more = false;
  std::int64_t last_id = after_id;
  context_.store->Read([&](core::Repository& repository) {
    auto conversation = repository.FindActiveConversation(contact_id);
    if (!conversation) {
      return;
    }
    // Reading one extra row shows whether another page follows.
    auto page = repository.ListMessages(conversation->id, after_id, kHistoryLimit + 1);
    more = page.size() > static_cast<std::size_t>(kHistoryLimit);
    if (more) {
      page.pop_back();
    }
    for (const auto& message : page) {
      if (message.direction != core::Direction::kNote) {
        messages.push_back(MessageJson(message));
      }
    }
    if (!page.empty()) {
      last_id = page.back().id;
    }
  });
  session->Send(json::serialize(json::object{
      {"type", "history"}, {"messages", messages}, {"more", more}, {"last_message_id", last_id}}));
}

void WebchatHub::HandleMessage(const std::shared_ptr<http::WebSocketSession>& session,
                               const Binding& binding, const MessageFields& fields) {
  const std::string& client_id = fields.client_id;
  if (client_id.empty() || client_id.size() > kMaxClientIdBytes) {
    SendErrorFrame(session, "invalid_client_id", "client_id",
              "client_id is required: a unique id of 1 to 128 bytes chosen by the client");
    return;
  }
  if (core::IsBlank(fields.text) && fields.attachment_id.empty()) {
    SendErrorFrame(session, "empty_text", "text",
              "text is empty; send at least one visible character or an attachment_id");
    return;
  }
  core::InboundMessage inbound;
  inbound.inbox_id = binding.inbox_id;
  // The visitor and the client's own id make the dedupe key, so a resend after a lost
  // acknowledgement is stored once.
  // The client chooses the id, so it is masked like any customer text before it is stored;
  // the acknowledgement echoes the id as sent.
  const std::string stored_id = core::MaskCardNumbers(core::SanitizeUtf8(client_id));
  inbound.provider_message_id = binding.visitor_id + ":" + stored_id;
  inbound.client_message_id = stored_id;
  inbound.from = {core::IdentityKind::kWebchat, binding.visitor_id, binding.inbox_id};
  inbound.text = fields.text;
  inbound.reply_id = fields.reply_id;
  auto outcome = std::make_shared<core::InboundOutcome>();
  auto rejection = std::make_shared<std::string>();
  std::weak_ptr<http::WebSocketSession> weak = session;
  const core::ConversationService* service = context_.service;
  auto notify = context_.notify_outbox;
  context_.store->Write(
      [service, inbound, outcome, rejection, attachment_id = fields.attachment_id,
       contact_id = binding.contact_id, clock = context_.clock](core::Repository& repository) {
        if (attachment_id.empty()) {
          *outcome = service->ReceiveInbound(repository, inbound);
          return;
        }
        *outcome = attachments::ReceiveWithAttachment(repository, *service, inbound, attachment_id,
                                         contact_id, clock->Now(), *rejection);
      },
      [weak, outcome, rejection, client_id, notify](const store::WriteResult& result) {
        auto open = weak.lock();
        if (!rejection->empty()) {
          if (open) {
            SendErrorFrame(open, "invalid_attachment_id", "attachment_id", *rejection);
          }
          return;
        }
        if (!result.ok) {
          Logger("ws")->error("webchat message not stored error=\"{}\"", result.error);
          if (open) {
            SendErrorFrame(open, "internal", "", "the message was not stored; send it again");
          }
          return;
        }
        if (!outcome->queued.empty() && notify) {
          notify();
        }
        if (open) {
          open->Send(json::serialize(json::object{{"type", "ack"},
                                                  {"client_id", client_id},
                                                  {"message_id", outcome->message_id},
                                                  {"conversation_id", outcome->conversation_id},
                                                  {"duplicate", outcome->duplicate}}));
        }
      });
}

void WebchatHub::HandleRead(const std::shared_ptr<http::WebSocketSession>& session,
                            const Binding& binding, std::int64_t message_id) {
  if (message_id <= 0) {
    SendErrorFrame(session, "invalid_message_id", "message_id", "message_id must be a positive id");
    return;
  }
  core::StatusUpdate update;
  update.inbox_id = binding.inbox_id;
  update.provider_message_id = "webchat-" + std::to_string(message_id);
  update.status = core::DeliveryStatus::kRead;
  const core::ConversationService* service = context_.service;
  // A visitor may mark only messages sent to its own contact in this inbox.
  auto owned = std::make_shared<bool>(false);
  context_.store->Write(
      [service, update, message_id, owned, contact_id = binding.contact_id](
          core::Repository& repository) {
        const auto message = repository.GetMessage(message_id);
        if (!message || message->direction != core::Direction::kOutbound ||
            message->inbox_id != update.inbox_id) {
          return;
        }
        const auto conversation = repository.GetConversation(message->conversation_id);
        if (!conversation || conversation->contact_id != contact_id) {
          return;
        }
        *owned = true;
        service->ApplyStatus(repository, update);
      },
      [session, owned, message_id](const store::WriteResult& result) {
        if (result.ok && !*owned) {
          SendErrorFrame(session, "invalid_message_id", "message_id",
                    "message " + std::to_string(message_id) +
                        " is not a message sent to this chat; use an id from a message frame");
        }
      });
}

std::vector<std::shared_ptr<http::WebSocketSession>> WebchatHub::SocketsOf(
    const std::string& visitor_id) {
  // Copies the live sessions under the lock; frames are sent outside it.
  std::vector<std::shared_ptr<http::WebSocketSession>> targets;
  std::lock_guard lock(mutex_);
  const auto found = by_visitor_.find(visitor_id);
  if (found != by_visitor_.end()) {
    for (const auto& weak : found->second) {
      if (auto open = weak.lock()) {
        targets.push_back(std::move(open));
      }
    }
  }
  return targets;
}

bool WebchatHub::PushFrame(const std::string& visitor_id, const std::string& frame) {
  bool taken = false;
  for (const auto& target : SocketsOf(visitor_id)) {
    taken = target->Send(frame) || taken;
  }
  return taken;
}

bool WebchatHub::Push(const core::OutboxEntry& entry) {
  const auto targets = SocketsOf(entry.recipient);
  std::optional<core::Message> message;
  context_.store->Read([&](core::Repository& repository) {
    message = repository.GetMessage(entry.message_id);
  });
  if (!message) {
    return false;
  }
  message->status = core::DeliveryStatus::kDelivered;
  json::object payload = MessageJson(*message);
  if (!entry.options.empty()) {
    json::array options;
    for (const auto& option : entry.options) {
      options.push_back(json::object{{"id", option.id}, {"title", option.title}});
    }
    payload["options"] = std::move(options);
  }
  const std::string frame =
      json::serialize(json::object{{"type", "message"}, {"message", std::move(payload)}});
  bool delivered = false;
  for (const auto& target : targets) {
    delivered = target->Send(frame) || delivered;
  }
  if (delivered && context_.surveys != nullptr && message->sender == core::SenderKind::kBot) {
    std::optional<core::Conversation> conversation;
    context_.store->Read([&](core::Repository& repository) {
      conversation = repository.GetConversation(message->conversation_id);
    });
    if (conversation) {
      SendSurveyPrompt(targets, conversation->contact_id, message->inbox_id, message);
    }
  }
  return delivered;
}

}  // namespace mobilelink::app
