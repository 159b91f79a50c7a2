#pragma once

// Every domain event type, declared once. The events table, webhooks and the Kafka topic all
// use these strings: noun, then past-tense verb.

#include <string_view>

namespace mobilelink::events {

// data: {channel, intent}.
inline constexpr std::string_view kMessageReceived = "message.received";
// data: {sender: customer, bot, agent or system, segments, encoding, channel}.
inline constexpr std::string_view kMessageQueued = "message.queued";
// The provider accepted the message. data: {sender, attempts, channel, segments}.
inline constexpr std::string_view kMessageSent = "message.sent";
inline constexpr std::string_view kMessageStatus = "message.status";
inline constexpr std::string_view kMessageFailed = "message.failed";
inline constexpr std::string_view kNoteAdded = "note.added";
inline constexpr std::string_view kConversationCreated = "conversation.created";
// data: {reason, tier, intent}.
inline constexpr std::string_view kConversationHandedOff = "conversation.handed_off";
inline constexpr std::string_view kConversationAssigned = "conversation.assigned";
inline constexpr std::string_view kConversationHandedBack = "conversation.handed_back";
inline constexpr std::string_view kConversationResolved = "conversation.resolved";
inline constexpr std::string_view kBotAnswered = "bot.answered";
inline constexpr std::string_view kBotMissed = "bot.missed";
inline constexpr std::string_view kContactOptedOut = "contact.opted_out";
inline constexpr std::string_view kContactOptedIn = "contact.opted_in";
inline constexpr std::string_view kContactHelpRequested = "contact.help_requested";

// A customer message to a resolved conversation within the reopen window.
// data: {channel, tier, resolved_at} (resolved_at: Unix ms of the resolution it undoes).
inline constexpr std::string_view kConversationReopened = "conversation.reopened";
// Conversation events that other layers record and the KPIs read.
// escalation.raised data: {from_tier, to_tier, reason, team}.
inline constexpr std::string_view kEscalationRaised = "escalation.raised";
// sla.breached data: {metric, priority, target_seconds, elapsed_seconds}.
inline constexpr std::string_view kSlaBreached = "sla.breached";
// survey.answered data: {kind: csat (score 1-5) or nps (score 0-10), score}.
inline constexpr std::string_view kSurveyAnswered = "survey.answered";
// A KPI crossed its target (raised) or came back within it (cleared), over the alert window.
// data: {type, rule, kpi, priority (SLA rules), comparison (at_most, at_least, between), value,
// target, target_max (between only), samples, window_hours, occurred_at (Unix ms)}.
inline constexpr std::string_view kAlertRaised = "alert.raised";
inline constexpr std::string_view kAlertCleared = "alert.cleared";


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
