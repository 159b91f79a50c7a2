#pragma once

// Pieces shared by the agent API's write routes (agent_api.cpp) and read routes
// (agent_api_reads.cpp).

#include <optional>
#include <variant>

#include <boost/json.hpp>

#include "mobilelink/app/context.hpp"
#include "mobilelink/core/repository.hpp"
#include "mobilelink/http/types.hpp"

namespace mobilelink::app::agent_api {

/// The authenticated agent of a request.
struct Caller {
  core::Agent agent;
  [[nodiscard]] bool IsSupervisor() const {
    return agent.role == "supervisor" || agent.role == "admin";
  }
};

/// Authenticates a request by bearer token or console session cookie. Returns the caller,
/// nullopt for a missing, unknown or expired token, or a 403 response for a cookie request that
/// fails the CSRF check (see session_auth.hpp).
std::variant<std::optional<Caller>, http::HttpResponse> AuthenticateRequest(
    AppContext& context, const http::HttpRequest& request);
/// Returns the agent of the request's unexpired bearer token or console session. A cookie
/// request that fails the CSRF check gets nullopt, like a missing token.
std::optional<Caller> Authenticate(AppContext& context, const http::HttpRequest& request);
/// Returns the agent of an access token, as Authenticate does for a header.
std::optional<Caller> AuthenticateToken(AppContext& context, std::string_view token);
/// Returns the 401 response that asks for a bearer token.
http::HttpResponse Unauthorized();
/// Parses the `{id}` path parameter as a positive integer.
std::optional<std::int64_t> PathId(const http::HttpRequest& request);

boost::json::object ConversationJson(const core::Conversation& conversation);
boost::json::object MessageJson(const core::Message& message);

/// POST /oauth/token with grant_type=password. Responds from the login pool.
void IssueToken(AppContext& context, http::HttpRequest&& request, http::Responder respond);
/// GET /api/v1/conversations?view=queue|mine|all.
http::HttpResponse ListConversations(AppContext& context, const http::HttpRequest& request,
                                     const Caller& caller);
/// GET /api/v1/conversations/{id}, with the transcript when `with_messages`.
http::HttpResponse ShowConversation(AppContext& context, const Caller& caller, std::int64_t id,
                                    bool with_messages);

/// POST /api/v1/conversations/{id}/typing: shows the customer that an agent is typing, on
/// channels that carry typing notices (web chat). Nothing is stored.
http::HttpResponse SendTyping(AppContext& context, const Caller& caller, std::int64_t id);

/// Appends the audit row of an agent's change to a conversation, in the unit of work of the
/// change. `new_value` is masked before it is stored.
void AuditAgentChange(core::Repository& unit, const AppContext& context, const Caller& caller,
                      std::string_view action, std::int64_t conversation_id,
                      std::string_view new_value);

/// Sends `response` once the audit row of an agent's read is durable; error responses are
/// sent at once. A read whose audit row cannot be stored gets a 503 response instead.
/// Returns true when the caller may see the conversation: supervisors see all, agents the
/// queue and their own conversations.
bool MayView(const Caller& caller, const core::Conversation& conversation);

/// Returns the 403 response for a conversation that MayView rejects.
http::HttpResponse NotVisible(std::int64_t conversation_id);

void RespondAfterReadAudit(AppContext& context, const Caller& caller, std::string_view action,
                           std::int64_t conversation_id, http::HttpResponse response,
                           http::Responder respond);

}  // namespace mobilelink::app::agent_api
