#pragma once

// Every domain event type, declared once. The events table, webhooks and the Kafka topic all
// use these strings: noun, then past-tense verb.

#include <string_view>

namespace mobilelink::events {

// data: {channel, intent}. intent is what the bot served (bot::IsServedIntent), else empty.
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
// Routing. data_json fields (escalation.raised is declared with the SLA events below; routing
// records it with reasons bot_unresolved, customer_request, accept_timeout,
// resolution_timeout, needs_engineering and manual):
//   supervisor.alerted: reason, team, overflow_team, supervisor_ids (agent ids), waiting_s.
//   conversation.accepted: team.
//   conversation.transferred: from_agent_id, to_agent_id or from_team, to_team.
//   agent.presence_changed: presence, previous. The event's agent_id is the agent.
// conversation.assigned carries team, offered (true when the agent must still accept) and by
// (claim, auto, transfer).
inline constexpr std::string_view kSupervisorAlerted = "supervisor.alerted";
inline constexpr std::string_view kConversationAccepted = "conversation.accepted";
inline constexpr std::string_view kConversationTransferred = "conversation.transferred";
inline constexpr std::string_view kAgentPresenceChanged = "agent.presence_changed";
// detected_intent and detected_confidence below are the intent detector's answer (`oos`
// included), or "" and 0 when the message did not reach a detector.
// data: {intent, confidence, detected_intent, detected_confidence}.
inline constexpr std::string_view kBotAnswered = "bot.answered";
// data: {unresolved_count, detected_intent, detected_confidence}.
inline constexpr std::string_view kBotMissed = "bot.missed";
inline constexpr std::string_view kContactOptedOut = "contact.opted_out";
inline constexpr std::string_view kContactOptedIn = "contact.opted_in";
inline constexpr std::string_view kContactHelpRequested = "contact.help_requested";

// An agent marked the conversation as waiting on the customer (status pending). No data.
inline constexpr std::string_view kConversationPending = "conversation.pending";
// The conversation's priority changed. data: priority, previous, source (default, rule, agent).
inline constexpr std::string_view kConversationPriorityChanged = "conversation.priority_changed";
// An SLA breach took the conversation from its assignee back to the queue.
// data: previous_agent_id, reason (sla_breach).
inline constexpr std::string_view kConversationUnassigned = "conversation.unassigned";
// The conversation moved to a higher tier. data: from_tier, to_tier, reason, team.
inline constexpr std::string_view kEscalationRaised = "escalation.raised";

// SLA clocks. Every sla.* event carries data: clock_id, metric (first_response, next_response,
// resolution), priority, target_seconds, and elapsed_seconds (business seconds counted so
// far). sla.started and sla.resumed also have due_at (Unix ms). sla.stopped also has reason
// (answered, resolved, handed_back) and breached (true when the target was missed).
inline constexpr std::string_view kSlaStarted = "sla.started";
inline constexpr std::string_view kSlaStopped = "sla.stopped";
inline constexpr std::string_view kSlaPaused = "sla.paused";
inline constexpr std::string_view kSlaResumed = "sla.resumed";
// The clock reached its target before an agent replied or resolved the conversation. data as
// above, plus actions: the configured breach actions that ran.
inline constexpr std::string_view kSlaBreached = "sla.breached";

// On-call. data: incident_key, team, attempt (1 for the first person), person; oncall.paged
// also has phone and inbox_id, and its message_id is the page SMS.
inline constexpr std::string_view kOnCallPaged = "oncall.paged";
inline constexpr std::string_view kOnCallAcknowledged = "oncall.acknowledged";

// Authentication of the customer. No event carries a code or a token.
// auth.otp_sent: {"expires_at": ms}. The code itself is sent by the caller.
inline constexpr std::string_view kAuthOtpSent = "auth.otp_sent";
// auth.verified: {"method": "otp" | "app" | "link"}.
inline constexpr std::string_view kAuthVerified = "auth.verified";
// auth.failed: {"method", "reason"}; reasons: wrong, expired, locked, none (otp);
// invalid_signature, expired, wrong_subject, ... (app; see security/app_token.hpp); used,
// expired, unknown (link).
inline constexpr std::string_view kAuthFailed = "auth.failed";
// auth.confirmed: {"action", "factors": ["otp", "app"]}, once every factor of a sensitive
// change or payment is present.
inline constexpr std::string_view kAuthConfirmed = "auth.confirmed";
// auth.link_created: {"purpose", "expires_at": ms}.
inline constexpr std::string_view kAuthLinkCreated = "auth.link_created";

// Surveys after resolution.
// survey.sent: {"kind": "csat" | "nps"}.
inline constexpr std::string_view kSurveySent = "survey.sent";
// survey.answered: {"kind", "score"}.
inline constexpr std::string_view kSurveyAnswered = "survey.answered";
// survey.expired: {"kind"}.
inline constexpr std::string_view kSurveyExpired = "survey.expired";


// Flows. data_json: flow.started {flow, intent}; flow.step {flow, step, outcome}, outcomes
// listed in docs/flows.md; flow.completed {flow, outcome} with outcome end, declined or
// handoff; flow.abandoned {flow, step, reason} with reason opt_out, customer_request, unresolved,
// retries_exhausted, not_found, call_failed, authentication_failed, step_missing or step_limit.
inline constexpr std::string_view kFlowStarted = "flow.started";
inline constexpr std::string_view kFlowStep = "flow.step";
inline constexpr std::string_view kFlowCompleted = "flow.completed";
inline constexpr std::string_view kFlowAbandoned = "flow.abandoned";
// A flow changed a customer profile field. data_json: {customer_id, field, old_value,
// new_value, flow, channel}; both values are masked.
inline constexpr std::string_view kCustomerUpdated = "customer.updated";
// A customer message to a resolved conversation within the reopen window.
// data: {channel, tier, resolved_at} (resolved_at: Unix ms of the resolution it undoes).
inline constexpr std::string_view kConversationReopened = "conversation.reopened";
// A KPI crossed its target (raised) or came back within it (cleared), over the alert window.
// data: {type, rule, kpi, priority (SLA rules), comparison (at_most, at_least, between), value,
// target, target_max (between only), samples, window_hours, occurred_at (Unix ms)}.
inline constexpr std::string_view kAlertRaised = "alert.raised";
inline constexpr std::string_view kAlertCleared = "alert.cleared";
// Attachments. attachment.uploaded: a customer stored a file. data: {attachment_id,
// content_type, size_bytes, sha256}, and the event has the contact and inbox.
// attachment.sent: a message refers to the file. data: {attachment_id, content_type,
// size_bytes, file_name}, and the event has the conversation and message. file_name is
// card-masked.
inline constexpr std::string_view kAttachmentUploaded = "attachment.uploaded";
inline constexpr std::string_view kAttachmentSent = "attachment.sent";

}  // namespace mobilelink::events
