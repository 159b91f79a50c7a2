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

}  // namespace mobilelink::events
