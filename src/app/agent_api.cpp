#include "mobilelink/app/agent_api.hpp"

#include "mobilelink/app/agent_api_internal.hpp"
#include "mobilelink/app/chat_page.hpp"
#include "mobilelink/app/session_auth.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "mobilelink/channels/common/json_fields.hpp"
#include "mobilelink/common/log.hpp"
#include "mobilelink/security/credentials.hpp"
#include "mobilelink/store/sqlite_repository.hpp"

namespace mobilelink::app {

namespace json = boost::json;

namespace {

using agent_api::Authenticate;
using agent_api::AuthenticateRequest;
using agent_api::Caller;
using agent_api::PathId;
using agent_api::Unauthorized;
using agent_api::IssueToken;
using agent_api::ListConversations;
using agent_api::ShowConversation;
constexpr std::size_t kMaxApiBodyBytes = 64 * 1024;

}  // namespace

namespace agent_api {

http::HttpResponse Unauthorized() {
  auto response = http::HttpResponse::Error(
      401, "unauthorized",
      "missing or expired bearer token or session; get a token from POST /oauth/token or log "
      "in at /console",
      "Authorization");
  response.headers.Set("WWW-Authenticate", "Bearer");
  return response;
}

}  // namespace agent_api

namespace {

using agent_api::Unauthorized;

int StatusFor(core::ActionError error) {
  switch (error) {
    case core::ActionError::kConversationNotFound:
      return 404;
    case core::ActionError::kNotAssignee:
      return 403;
    case core::ActionError::kAlreadyAssigned:
    case core::ActionError::kResolved:
    case core::ActionError::kContactOptedOut:
    case core::ActionError::kNotHandedOff:
      return 409;
    default:
      return 422;
  }
}

// Parses a JSON object body with a required non-empty string field.
std::variant<std::string, http::HttpResponse> RequiredText(const http::HttpRequest& request,
                                                           std::string_view field) {
  const auto type = request.headers.Get("Content-Type").value_or("");
  if (type.rfind("application/json", 0) != 0) {
    return FieldError(415, "unsupported_media_type", "Content-Type",
                      "send the body as application/json");
  }
  auto body = channels::common::ParseJsonBody(request.body);
  if (!body.object) {
    return FieldError(400, "invalid_json", "body", body.error + "; send a JSON object");
  }
  const auto* value = body.object->if_contains(field);
  if (value == nullptr || !value->is_string() || value->as_string().empty()) {
    return FieldError(422, "invalid_field", field,
                      std::string(field) + " is required and must be a non-empty string");
  }
  return std::string(value->as_string());
}

using Action = std::function<core::ActionOutcome(core::Repository&, const Caller&, std::int64_t,
                                                 const std::string&)>;

// Runs an agent action on the writer, with its audit row, and responds after the commit.
void RunAction(AppContext& context, const Caller& caller, std::int64_t conversation_id,
               std::string text, Action action, std::string audit_action, int success_status,
               http::Responder respond) {
  auto outcome = std::make_shared<core::ActionOutcome>();
  context.store->Write(
      [=, &context](core::Repository& repository) {
        *outcome = action(repository, caller, conversation_id, text);
        if (outcome->ok()) {
          agent_api::AuditAgentChange(repository, context, caller, audit_action, conversation_id,
                                      text);
        }
      },
      [=, notify = context.notify_outbox](const store::WriteResult& result) {
        if (!result.ok) {
          Logger("http")->error("agent action not stored conversation_id={} agent_id={} "
                                "error=\"{}\"",
                                conversation_id, caller.agent.id, result.error);
          respond(http::HttpResponse::Error(503, "store_unavailable", "retry the request"));
          return;
        }
        if (!outcome->ok()) {
          respond(http::HttpResponse::Error(StatusFor(outcome->error),
                                            core::ToString(outcome->error), outcome->detail));
          return;
        }
        if (!outcome->queued.empty() && notify) {
          notify();
        }
        json::object body{{"conversation_id", conversation_id}};
        if (outcome->message_id) {
          body["message_id"] = *outcome->message_id;
        }
        respond(http::HttpResponse::Json(success_status, json::serialize(body)));
      });
}

}  // namespace

namespace agent_api {

std::optional<Caller> AuthenticateToken(AppContext& context, std::string_view token) {
  const std::string hash = security::HashToken(std::string(token));
  std::optional<Caller> caller;
  context.store->Read([&](core::Repository& repository) {
    if (auto agent_id = repository.FindAccessToken(hash, context.clock->Now())) {
      if (auto agent = repository.GetAgent(*agent_id); agent && agent->active) {
        caller = Caller{*agent};
      }
    }
  });
  return caller;
}

std::optional<std::int64_t> PathId(const http::HttpRequest& request) {
  const auto found = request.path_params.find("id");
  if (found == request.path_params.end() || found->second.empty() ||
      found->second.size() > 18 ||
      found->second.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoll(found->second);
}

}  // namespace agent_api

http::HttpResponse FieldError(int status, std::string_view code, std::string_view field,
                              std::string_view message) {
  return http::HttpResponse::Error(status, code, message, field);
}

namespace agent_api {

std::variant<std::optional<Caller>, http::HttpResponse> AuthenticateRequest(
    AppContext& context, const http::HttpRequest& request) {
  auto credential = ReadCredential(request);
  if (auto* rejection = std::get_if<http::HttpResponse>(&credential)) {
    return std::move(*rejection);
  }
  const auto* found = std::get_if<RequestCredential>(&credential);
  if (found == nullptr) {
    return std::optional<Caller>();
  }
  return AuthenticateToken(context, found->token);
}

std::optional<Caller> Authenticate(AppContext& context, const http::HttpRequest& request) {
  auto authenticated = AuthenticateRequest(context, request);
  auto* caller = std::get_if<std::optional<Caller>>(&authenticated);
  return caller == nullptr ? std::nullopt : std::move(*caller);
}

}  // namespace agent_api

void AddAgentApiRoutes(http::Router& router, AppContext& context) {
  const http::RouteLimits limits{kMaxApiBodyBytes};
  router.Add("POST", "/oauth/token",
             [&context](http::HttpRequest&& request, http::Responder respond) {
               IssueToken(context, std::move(request), std::move(respond));
             },
             limits);

  auto guarded = [&context](auto handler) {
    return [&context, handler](http::HttpRequest&& request, http::Responder respond) {
      auto authenticated = AuthenticateRequest(context, request);
      if (auto* rejection = std::get_if<http::HttpResponse>(&authenticated)) {
        respond(std::move(*rejection));
        return;
      }
      const auto& caller = std::get<std::optional<Caller>>(authenticated);
      if (!caller) {
        respond(Unauthorized());
        return;
      }
      handler(request, *caller, std::move(respond));
    };
  };
  auto with_conversation = [&](auto handler) {
    return guarded([handler](http::HttpRequest& request, const Caller& caller,
                             http::Responder respond) {
      const auto id = PathId(request);
      if (!id) {
        respond(FieldError(400, "invalid_id", "id", "conversation id must be a positive integer"));
        return;
      }
      handler(request, caller, *id, std::move(respond));
    });
  };

  router.Add("GET", "/api/v1/me", guarded([](http::HttpRequest&, const Caller& caller,
                                             http::Responder respond) {
               respond(http::HttpResponse::Json(
                   200, json::serialize(json::object{{"id", caller.agent.id},
                                                     {"login", caller.agent.login},
                                                     {"name", caller.agent.name},
                                                     {"role", caller.agent.role}})));
             }));

  router.Add("GET", "/api/v1/conversations",
             guarded([&context](http::HttpRequest& request, const Caller& caller,
                                http::Responder respond) {
               respond(ListConversations(context, request, caller));
             }));

  router.Add("GET", "/api/v1/conversations/{id}",
             with_conversation([&context](http::HttpRequest&, const Caller& caller,
                                          std::int64_t id, http::Responder respond) {
               agent_api::RespondAfterReadAudit(context, caller, "conversation.read", id,
                                                ShowConversation(context, caller, id, false),
                                                std::move(respond));
             }));
  router.Add("GET", "/api/v1/conversations/{id}/messages",
             with_conversation([&context](http::HttpRequest&, const Caller& caller,
                                          std::int64_t id, http::Responder respond) {
               agent_api::RespondAfterReadAudit(context, caller, "transcript.read", id,
                                                ShowConversation(context, caller, id, true),
                                                std::move(respond));
             }));

  const core::ConversationService* service = context.service;
  auto text_action = [&](std::string_view field, Action action, std::string audit_action,
                         int status) {
    return with_conversation([&context, field, action, audit_action, status](
                                 http::HttpRequest& request, const Caller& caller,
                                 std::int64_t id, http::Responder respond) {
      auto text = RequiredText(request, field);
      if (auto* error = std::get_if<http::HttpResponse>(&text)) {
        respond(std::move(*error));
        return;
      }
      RunAction(context, caller, id, std::get<std::string>(text), action, audit_action, status,
                std::move(respond));
    });
  };
  auto plain_action = [&](Action action, std::string audit_action) {
    return with_conversation([&context, action, audit_action](
                                 http::HttpRequest&, const Caller& caller, std::int64_t id,
                                 http::Responder respond) {
      RunAction(context, caller, id, "", action, audit_action, 200, std::move(respond));
    });
  };

  router.Add("POST", "/api/v1/conversations/{id}/messages",
             text_action("text",
                         [service](core::Repository& repository, const Caller& caller,
                                   std::int64_t id, const std::string& text) {
                           return service->ReplyAsAgent(repository, id, caller.agent.id,
                                                        caller.IsSupervisor(), text);
                         },
                         "message.sent", 202),
             limits);
  router.Add("POST", "/api/v1/conversations/{id}/notes",
             text_action("text",
                         [service](core::Repository& repository, const Caller& caller,
                                   std::int64_t id, const std::string& text) {
                           return service->AddNote(repository, id, caller.agent.id,
                                                   caller.IsSupervisor(), text);
                         },
                         "note.added", 201),
             limits);
  // Claims go through routing (routing_api.cpp), which enforces capacity. A hand back or a
  // resolve frees capacity, so it asks the auto-assigner to drain the queues after the commit.
  const routing::RoutingService* routing = context.routing;
  router.Add("POST", "/api/v1/conversations/{id}/handback",
             plain_action([service, routing](core::Repository& repository, const Caller& caller,
                                             std::int64_t id, const std::string&) {
               auto outcome =
                   service->HandBack(repository, id, caller.agent.id, caller.IsSupervisor());
               if (outcome.ok() && routing != nullptr) {
                 routing->RequestDrain();
               }
               return outcome;
             }, "conversation.handed_back"));
  router.Add("POST", "/api/v1/conversations/{id}/resolve",
             with_conversation([&context, service, routing](http::HttpRequest&, const Caller& caller,
                                                   std::int64_t id, http::Responder respond) {
               auto resolve = [service, routing](core::Repository& repository, const Caller& caller,
                                        std::int64_t id, const std::string&) {
                 auto outcome =
                     service->Resolve(repository, id, caller.agent.id, caller.IsSupervisor());
                 if (outcome.ok() && routing != nullptr) {
                   routing->RequestDrain();
                 }
                 return outcome;
               };
               // The web chat widget learns of the resolution from a pushed notice.
               auto notify_then_respond = [&context, id, respond](http::HttpResponse response) {
                 if (response.status == 200) {
                   PushConversationResolved(context, id);
                 }
                 respond(std::move(response));
               };
               RunAction(context, caller, id, "", resolve, "conversation.resolved", 200,
                         notify_then_respond);
             }));

  router.Add("POST", "/api/v1/conversations/{id}/typing",
             with_conversation([&context](http::HttpRequest&, const Caller& caller,
                                          std::int64_t id, http::Responder respond) {
               respond(SendTyping(context, caller, id));
             }));
}

}  // namespace mobilelink::app
