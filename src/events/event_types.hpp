#pragma once

// Every domain event type, declared once. The events table, webhooks and the Kafka topic all
// use these strings: noun, then past-tense verb.

#include <string_view>

namespace mobilelink::events {

inline constexpr std::string_view kMessageReceived = "message.received";
inline constexpr std::string_view kMessageQueued = "message.queued";
inline constexpr std::string_view kMessageSent = "message.sent";
inline constexpr std::string_view kMessageStatus = "message.status";
inline constexpr std::string_view kMessageFailed = "message.failed";
inline constexpr std::string_view kNoteAdded = "note.added";
inline constexpr std::string_view kConversationCreated = "conversation.created";
inline constexpr std::string_view kConversationHandedOff = "conversation.handed_off";
inline constexpr std::string_view kConversationAssigned = "conversation.assigned";
inline constexpr std::string_view kConversationHandedBack = "conversation.handed_back";
inline constexpr std::string_view kConversationResolved = "conversation.resolved";
// Routing. data_json fields:
//   escalation.raised: from_tier, to_tier, reason (bot_unresolved, customer_request,
//     accept_timeout, resolution_timeout, needs_engineering, manual), team.
//   supervisor.alerted: reason, team, overflow_team, supervisor_ids (agent ids), waiting_s.
//   conversation.accepted: team.
//   conversation.transferred: from_agent_id, to_agent_id or from_team, to_team.
//   conversation.priority_changed: from, to.
//   agent.presence_changed: presence, previous. The event's agent_id is the agent.
// conversation.assigned carries team, offered (true when the agent must still accept) and by
// (claim, auto, transfer).
inline constexpr std::string_view kEscalationRaised = "escalation.raised";
inline constexpr std::string_view kSupervisorAlerted = "supervisor.alerted";
inline constexpr std::string_view kConversationAccepted = "conversation.accepted";
inline constexpr std::string_view kConversationTransferred = "conversation.transferred";
inline constexpr std::string_view kConversationPriorityChanged = "conversation.priority_changed";
inline constexpr std::string_view kAgentPresenceChanged = "agent.presence_changed";
inline constexpr std::string_view kBotAnswered = "bot.answered";
inline constexpr std::string_view kBotMissed = "bot.missed";
inline constexpr std::string_view kContactOptedOut = "contact.opted_out";
inline constexpr std::string_view kContactOptedIn = "contact.opted_in";
inline constexpr std::string_view kContactHelpRequested = "contact.help_requested";


// Flows. data_json: flow.started {flow, intent}; flow.step {flow, step, outcome};
// flow.completed {flow, outcome} with outcome end, declined or handoff; flow.abandoned
// {flow, step, reason} with reason opt_out, customer_request, retries_exhausted, call_failed,
// step_missing or step_limit.
inline constexpr std::string_view kFlowStarted = "flow.started";
inline constexpr std::string_view kFlowStep = "flow.step";
inline constexpr std::string_view kFlowCompleted = "flow.completed";
inline constexpr std::string_view kFlowAbandoned = "flow.abandoned";
// A flow changed a customer profile field. data_json: {customer_id, field, old_value,
// new_value, flow, channel}; both values are masked.
inline constexpr std::string_view kCustomerUpdated = "customer.updated";
}  // namespace mobilelink::events
