#include "mobilelink/app/routing_api.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "mobilelink/app/agent_api_internal.hpp"
#include "mobilelink/channels/common/json_fields.hpp"
#include "mobilelink/common/log.hpp"
#include "mobilelink/routing/routing_repository.hpp"
#include "mobilelink/routing/sla_repository.hpp"
#include "mobilelink/security/audit.hpp"
#include "mobilelink/store/sqlite_repository.hpp"

namespace mobilelink::app {

namespace json = boost::json;

namespace {

using agent_api::Caller;
constexpr std::size_t kMaxRoutingBodyBytes = 16 * 1024;
constexpr int kMaxQueueListed = 500;

int StatusFor(routing::RoutingError error) {
  switch (error) {
    case routing::RoutingError::kConversationNotFound:
    case routing::RoutingError::kAgentNotFound:
    case routing::RoutingError::kTeamNotFound:
      return 404;
    case routing::RoutingError::kNotAssignee:
    case routing::RoutingError::kForbidden:
      return 403;
    default:
      return 409;
  }
}

routing::Actor ActorOf(const Caller& caller) { return {caller.agent.id, caller.IsSupervisor()}; }

// Parses a JSON object body, or returns the error response that names what is wrong.
std::variant<json::object, http::HttpResponse> JsonBody(const http::HttpRequest& request) {
  const auto type = request.headers.Get("Content-Type").value_or("");
  if (type.rfind("application/json", 0) != 0) {
    return FieldError(415, "unsupported_media_type", "Content-Type",
                      "send the body as application/json");
  }
  auto body = channels::common::ParseJsonBody(request.body);
  if (!body.object) {
    return FieldError(400, "invalid_json", "body", body.error + "; send a JSON object");
  }
  return std::move(*body.object);
}

std::optional<std::string> StringField(const json::object& body, std::string_view field) {
  const auto* value = body.if_contains(field);
  if (value == nullptr || !value->is_string() || value->as_string().empty()) {
    return std::nullopt;
  }
  return std::string(value->as_string());
}

std::optional<std::int64_t> IdField(const json::object& body, std::string_view field) {
  const auto* value = body.if_contains(field);
  if (value == nullptr || !value->is_int64() || value->as_int64() <= 0) {
    return std::nullopt;
  }
  return value->as_int64();
}

using RoutingAction = std::function<routing::RoutingOutcome(core::Repository&)>;

// The audit row of a routing change: what happened to which object, and how to read the changed
// value before and after the change in the same unit of work.
struct RoutingAudit {
  std::string action;  // conversation.claimed, agent.presence_changed, ...
  std::string target;  // conversation:12 or agent:3.
  std::function<std::string(core::Repository&)> read_value;
};

// Describes a conversation's place in the queues, such as
// "team=support agent=3 accepted=yes priority=high tier=1", or "not queued".
std::string QueueValue(core::Repository& repository, std::int64_t conversation_id) {
  const auto entry = routing::OpenRoutingRepository(repository)->GetEntry(conversation_id);
  if (!entry) {
    return "not queued";
  }
  const std::string agent =
      entry->assignee_agent_id ? std::to_string(*entry->assignee_agent_id) : "none";
  return "team=" + entry->team_id + " agent=" + agent +
         " accepted=" + (entry->accepted_at ? "yes" : "no") +
         " priority=" + std::string(core::ToString(entry->priority)) +
         " tier=" + std::to_string(entry->tier);
}

RoutingAudit ConversationAudit(std::string action, std::int64_t conversation_id) {
  return {std::move(action), "conversation:" + std::to_string(conversation_id),
          [conversation_id](core::Repository& repository) {
            return QueueValue(repository, conversation_id);
          }};
}

// Appends the audit row of a routing change made by `caller`.
void AppendRoutingAudit(core::Repository& repository, const AppContext& context,
                        const Caller& caller, const RoutingAudit& audit, std::string old_value,
                        std::optional<std::int64_t> conversation_id) {
  security::AuditRecord record;
  record.actor_kind = security::ActorKind::kAgent;
  record.actor_id = std::to_string(caller.agent.id);
  record.action = audit.action;
  record.target = audit.target;
  record.old_value = std::move(old_value);
  record.new_value = audit.read_value(repository);
  // Queue places and presence are no customer data, so the row keeps them readable.
  record.mask_values = false;
  record.channel = "api";
  if (conversation_id) {
    record.conversation_id = conversation_id;
    const auto conversation = repository.GetConversation(*conversation_id);
    const auto* inbox =
        conversation ? context.service->FindInbox(conversation->last_inbox_id) : nullptr;
    if (inbox != nullptr) {
      record.channel = inbox->channel;
    }
  }
  record.occurred_at = context.clock->Now();
  security::AppendAudit(repository, record);
}

// Runs a routing operation on the writer, with its audit row in the same transaction, and
// responds after the commit.
void RunRouting(AppContext& context, const Caller& caller, std::int64_t subject_id,
                RoutingAudit audit, RoutingAction action, http::Responder respond) {
  auto outcome = std::make_shared<routing::RoutingOutcome>();
  const bool conversation = audit.target.rfind("conversation:", 0) == 0;
  context.store->Write(
      [&context, caller, subject_id, conversation, audit = std::move(audit), outcome,
       action](core::Repository& repository) {
        std::string old_value = audit.read_value(repository);
        *outcome = action(repository);
        if (outcome->ok()) {
          AppendRoutingAudit(repository, context, caller, audit, std::move(old_value),
                             conversation ? std::optional<std::int64_t>(subject_id)
                                          : std::nullopt);
        }
      },
      [outcome, respond, subject_id, agent_id = caller.agent.id,
       notify = context.notify_outbox](const store::WriteResult& result) {
        if (!result.ok) {
          Logger("routing")->error(
              "routing action not stored subject_id={} agent_id={} "
              "error=\"{}\"",
              subject_id, agent_id, result.error);
          respond(http::HttpResponse::Error(503, "store_unavailable", "retry the request"));
          return;
        }
        if (!outcome->ok()) {
          respond(http::HttpResponse::Error(StatusFor(outcome->error),
                                            routing::ToString(outcome->error), outcome->detail));
          return;
        }
        if (outcome->queued_messages && notify) {
          notify();
        }
        respond(http::HttpResponse::Json(200, json::serialize(json::object{{"id", subject_id}})));
      });
}

json::object AgentStateJson(const routing::AgentState& state, const routing::Capacity& capacity,
                            int feed_connections) {
  json::object per_channel_load;
  for (const auto& [kind, count] : state.load.per_channel) {
    per_channel_load[kind] = count;
  }
  json::object per_channel_capacity;
  for (const auto& [kind, limit] : capacity.per_channel) {
    per_channel_capacity[kind] = limit;
  }
  json::object body{
      {"id", state.agent.id},
      {"login", state.agent.login},
      {"name", state.agent.name},
      {"role", state.agent.role},
      {"presence", routing::ToString(state.presence)},
      {"console_connected", feed_connections > 0},
      {"feed_connections", feed_connections},
      {"assigned", state.load.total},
      {"load", per_channel_load},
      {"capacity", json::object{{"total", capacity.total}, {"per_channel", per_channel_capacity}}}};
  if (state.presence_changed_at) {
    body["presence_changed_at"] = store::ToMillis(*state.presence_changed_at);
  }
  return body;
}

http::HttpResponse ListAgents(AppContext& context, const Caller& caller,
                              std::optional<std::int64_t> only) {
  if (!caller.IsSupervisor() && only != caller.agent.id) {
    return http::HttpResponse::Error(403, "forbidden",
                                     "agents may read only their own state; listing all agents "
                                     "needs the supervisor role");
  }
  json::array agents;
  context.store->Read([&](core::Repository& repository) {
    for (const auto& state : context.routing->ListAgentStates(repository)) {
      if (only && state.agent.id != *only) {
        continue;
      }
      const int connections =
          context.feed_connections ? context.feed_connections(state.agent.id) : 0;
      agents.push_back(
          AgentStateJson(state, context.routing->CapacityOf(state.agent.id), connections));
    }
  });
  if (only) {
    if (agents.empty()) {
      return FieldError(404, "agent_not_found", "id",
                        "agent " + std::to_string(*only) + " not found");
    }
    return http::HttpResponse::Json(200, json::serialize(agents.front()));
  }
  return http::HttpResponse::Json(200, json::serialize(json::object{{"agents", agents}}));
}

// Lists the running SLA clocks of a conversation with their due times.
json::array SlaDueJson(routing::SlaRepository& sla, std::int64_t conversation_id) {
  json::array clocks;
  for (const auto& clock : sla.ListActiveClocks(conversation_id)) {
    json::object item{{"metric", config::ToString(clock.metric)},
                      {"paused", clock.paused_at.has_value()},
                      {"breached", clock.breached_at.has_value()}};
    if (clock.due_at) {
      item["due_at"] = store::ToMillis(*clock.due_at);
    }
    clocks.push_back(std::move(item));
  }
  return clocks;
}

http::HttpResponse ListQueues(AppContext& context) {
  const core::TimePoint now = context.clock->Now();
  json::array queues;
  context.store->Read([&](core::Repository& repository) {
    auto routes = routing::OpenRoutingRepository(repository);
    auto sla = routing::OpenSlaRepository(repository);
    for (const auto& team : context.routing->Config().teams) {
      json::array waiting;
      std::int64_t oldest_wait_s = 0;
      for (const auto& entry : routes->ListWaiting(team.id, kMaxQueueListed)) {
        const auto wait_s =
            std::chrono::duration_cast<std::chrono::seconds>(now - entry.queued_at).count();
        oldest_wait_s = std::max<std::int64_t>(oldest_wait_s, wait_s);
        waiting.push_back(json::object{{"conversation_id", entry.conversation_id},
                                       {"priority", core::ToString(entry.priority)},
                                       {"tier", entry.tier},
                                       {"channel_kind", entry.channel_kind},
                                       {"required_skill", entry.required_skill},
                                       {"queued_at", store::ToMillis(entry.queued_at)},
                                       {"waiting_s", wait_s},
                                       {"sla", SlaDueJson(*sla, entry.conversation_id)}});
      }
      queues.push_back(json::object{{"team", team.id},
                                    {"name", team.name},
                                    {"policy", routing::ToString(team.policy)},
                                    {"count", waiting.size()},
                                    {"oldest_wait_s", oldest_wait_s},
                                    {"conversations", waiting}});
    }
  });
  return http::HttpResponse::Json(200, json::serialize(json::object{{"queues", queues}}));
}

}  // namespace

void AddRoutingApiRoutes(http::Router& router, AppContext& context) {
  const http::RouteLimits limits{kMaxRoutingBodyBytes};
  const routing::RoutingService* routing = context.routing;

  // Wraps a handler with authentication (bearer token, or session cookie with its CSRF check)
  // and the `{id}` path check.
  auto with_id = [&context](std::string_view subject, auto handler) {
    return [&context, subject = std::string(subject), handler](http::HttpRequest&& request,
                                                               http::Responder respond) {
      auto authenticated = agent_api::AuthenticateRequest(context, request);
      if (auto* rejection = std::get_if<http::HttpResponse>(&authenticated)) {
        respond(std::move(*rejection));
        return;
      }
      const auto& caller = std::get<std::optional<Caller>>(authenticated);
      if (!caller) {
        respond(agent_api::Unauthorized());
        return;
      }
      const auto id = agent_api::PathId(request);
      if (!id) {
        respond(FieldError(400, "invalid_id", "id", subject + " id must be a positive integer"));
        return;
      }
      handler(request, *caller, *id, std::move(respond));
    };
  };

  router.Add("GET", "/api/v1/queues",
             [&context](http::HttpRequest&& request, http::Responder respond) {
               if (!agent_api::Authenticate(context, request)) {
                 respond(agent_api::Unauthorized());
                 return;
               }
               respond(ListQueues(context));
             });
  router.Add("GET", "/api/v1/agents",
             [&context](http::HttpRequest&& request, http::Responder respond) {
               auto caller = agent_api::Authenticate(context, request);
               if (!caller) {
                 respond(agent_api::Unauthorized());
                 return;
               }
               respond(ListAgents(context, *caller, std::nullopt));
             });
  router.Add("GET", "/api/v1/agents/{id}",
             with_id("agent", [&context](http::HttpRequest&, const Caller& caller, std::int64_t id,
                                         http::Responder respond) {
               respond(ListAgents(context, caller, id));
             }));

  // Wraps a handler that also needs a JSON object body.
  auto with_body = [&with_id](std::string_view subject, auto handler) {
    return with_id(subject, [handler](http::HttpRequest& request, const Caller& caller,
                                      std::int64_t id, http::Responder respond) {
      auto body = JsonBody(request);
      if (auto* error = std::get_if<http::HttpResponse>(&body)) {
        respond(std::move(*error));
        return;
      }
      handler(std::get<json::object>(body), caller, id, std::move(respond));
    });
  };

  router.Add("PUT", "/api/v1/agents/{id}/presence",
             with_body("agent",
                       [&context, routing](const json::object& body, const Caller& caller,
                                           std::int64_t id, http::Responder respond) {
                         const auto text = StringField(body, "presence");
                         const auto presence = text ? routing::ParsePresence(*text) : std::nullopt;
                         if (!presence) {
                           respond(FieldError(422, "invalid_field", "presence",
                                              "presence must be online, away or offline"));
                           return;
                         }
                         RoutingAudit audit{"agent.presence_changed",
                                            "agent:" + std::to_string(id),
                                            [id](core::Repository& repository) {
                                              return std::string(routing::ToString(
                                                  routing::OpenRoutingRepository(repository)
                                                      ->GetPresence(id)));
                                            }};
                         RunRouting(
                             context, caller, id, std::move(audit),
                             [routing, id, actor = ActorOf(caller),
                              value = *presence](core::Repository& repository) {
                               return routing->SetPresence(repository, id, actor, value);
                             },
                             std::move(respond));
                       }),
             limits);

  router.Add("POST", "/api/v1/conversations/{id}/claim",
             with_id("conversation", [&context, routing](http::HttpRequest&, const Caller& caller,
                                                         std::int64_t id, http::Responder respond) {
               RunRouting(
                   context, caller, id, ConversationAudit("conversation.claimed", id),
                   [routing, id, agent_id = caller.agent.id](core::Repository& repository) {
                     return routing->Claim(repository, id, agent_id);
                   },
                   std::move(respond));
             }));
  router.Add("POST", "/api/v1/conversations/{id}/accept",
             with_id("conversation", [&context, routing](http::HttpRequest&, const Caller& caller,
                                                         std::int64_t id, http::Responder respond) {
               RunRouting(
                   context, caller, id, ConversationAudit("conversation.accepted", id),
                   [routing, id, actor = ActorOf(caller)](core::Repository& repository) {
                     return routing->Accept(repository, id, actor);
                   },
                   std::move(respond));
             }));

  router.Add(
      "POST", "/api/v1/conversations/{id}/assign",
      with_body(
          "conversation",
          [&context, routing](const json::object& body, const Caller& caller, std::int64_t id,
                              http::Responder respond) {
            if (!caller.IsSupervisor()) {
              respond(http::HttpResponse::Error(
                  403, "forbidden",
                  "assigning to another agent needs the supervisor role; use claim or transfer"));
              return;
            }
            const auto agent_id = IdField(body, "agent_id");
            if (!agent_id) {
              respond(FieldError(422, "invalid_field", "agent_id",
                                 "agent_id is required and must be a positive integer"));
              return;
            }
            RunRouting(
                context, caller, id, ConversationAudit("conversation.assigned", id),
                [routing, id, actor = ActorOf(caller),
                 target = *agent_id](core::Repository& repository) {
                  return routing->TransferToAgent(repository, id, actor, target);
                },
                std::move(respond));
          }),
      limits);

  router.Add(
      "POST", "/api/v1/conversations/{id}/transfer",
      with_body("conversation",
                [&context, routing](const json::object& body, const Caller& caller, std::int64_t id,
                                    http::Responder respond) {
                  const auto agent_id = IdField(body, "agent_id");
                  const auto team = StringField(body, "team");
                  if (agent_id.has_value() == team.has_value()) {
                    respond(
                        FieldError(422, "invalid_field", "agent_id",
                                   "send exactly one of agent_id (a positive integer) or team (a "
                                   "team id)"));
                    return;
                  }
                  RunRouting(
                      context, caller, id, ConversationAudit("conversation.transferred", id),
                      [routing, id, actor = ActorOf(caller), agent_id,
                       team](core::Repository& repository) {
                        return agent_id ? routing->TransferToAgent(repository, id, actor, *agent_id)
                                        : routing->TransferToTeam(repository, id, actor, *team);
                      },
                      std::move(respond));
                }),
      limits);

  router.Add("POST", "/api/v1/conversations/{id}/escalate",
             with_body("conversation",
                       [&context, routing](const json::object& body, const Caller& caller,
                                           std::int64_t id, http::Responder respond) {
                         const auto text = StringField(body, "reason");
                         const auto reason =
                             text ? routing::ParseEscalationReason(*text) : std::nullopt;
                         if (!reason || (*reason != routing::EscalationReason::kNeedsEngineering &&
                                         *reason != routing::EscalationReason::kManual)) {
                           respond(FieldError(422, "invalid_field", "reason",
                                              "reason must be needs_engineering or manual"));
                           return;
                         }
                         RunRouting(
                             context, caller, id, ConversationAudit("conversation.escalated", id),
                             [routing, id, actor = ActorOf(caller),
                              value = *reason](core::Repository& repository) {
                               return routing->Escalate(repository, id, actor, value);
                             },
                             std::move(respond));
                       }),
             limits);

  router.Add("PUT", "/api/v1/conversations/{id}/priority",
             with_body("conversation",
                       [&context, routing](const json::object& body, const Caller& caller,
                                           std::int64_t id, http::Responder respond) {
                         const auto text = StringField(body, "priority");
                         const auto priority = text ? core::ParsePriority(*text) : std::nullopt;
                         if (!priority) {
                           respond(FieldError(422, "invalid_field", "priority",
                                              "priority must be critical, high or standard"));
                           return;
                         }
                         RunRouting(
                             context, caller, id, ConversationAudit("conversation.priority_changed", id),
                             [routing, id, actor = ActorOf(caller),
                              value = *priority](core::Repository& repository) {
                               return routing->SetPriority(repository, id, actor, value);
                             },
                             std::move(respond));
                       }),
             limits);
}

}  // namespace mobilelink::app
