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

}  // namespace mobilelink::events
