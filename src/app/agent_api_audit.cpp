// Audit rows for the agent API: every read and change of a conversation's customer data by an
// agent is recorded in the tamper-evident audit log (security/audit.hpp).

#include <spdlog/spdlog.h>

#include "mobilelink/app/agent_api_internal.hpp"
#include "mobilelink/common/log.hpp"
#include "mobilelink/security/audit.hpp"

namespace mobilelink::app::agent_api {

namespace {

security::AuditRecord AgentRecord(core::Repository& unit, const AppContext& context,
                                  const Caller& caller, std::string_view action,
                                  std::int64_t conversation_id) {
  security::AuditRecord record;
  record.actor_kind = security::ActorKind::kAgent;
  record.actor_id = std::to_string(caller.agent.id);
  record.action = std::string(action);
  record.target = "conversation:" + std::to_string(conversation_id);
  record.conversation_id = conversation_id;
  record.occurred_at = context.clock->Now();
  record.channel = "api";
  if (const auto conversation = unit.GetConversation(conversation_id)) {
    if (const auto* inbox = context.service->FindInbox(conversation->last_inbox_id)) {
      record.channel = inbox->channel;
    }
  }
  return record;
}

}  // namespace

void AuditAgentChange(core::Repository& unit, const AppContext& context, const Caller& caller,
                      std::string_view action, std::int64_t conversation_id,
                      std::string_view new_value) {
  auto record = AgentRecord(unit, context, caller, action, conversation_id);
  record.new_value = std::string(new_value);
  security::AppendAudit(unit, record);
}

void RespondAfterReadAudit(AppContext& context, const Caller& caller, std::string_view action,
                           std::int64_t conversation_id, http::HttpResponse response,
                           http::Responder respond) {
  if (response.status != 200) {
    respond(std::move(response));
    return;
  }
  auto shared = std::make_shared<http::HttpResponse>(std::move(response));
  context.store->Write(
      [&context, caller, action = std::string(action), conversation_id](core::Repository& unit) {
        auto record = AgentRecord(unit, context, caller, action, conversation_id);
        security::AppendAudit(unit, record);
      },
      [shared, respond, conversation_id,
       agent_id = caller.agent.id](const store::WriteResult& result) {
        if (!result.ok) {
          Logger("security")
              ->error(
                  "audit row not stored conversation_id={} agent_id={} "
                  "error=\"{}\"",
                  conversation_id, agent_id, result.error);
          respond(http::HttpResponse::Error(503, "store_unavailable", "retry the request"));
          return;
        }
        respond(std::move(*shared));
      });
}

}  // namespace mobilelink::app::agent_api
