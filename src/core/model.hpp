#pragma once

// Plain entity and value types of the conversation core. Nothing here depends on SQL, sockets
// or providers.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mobilelink::core {

using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;

enum class Direction { kInbound, kOutbound, kNote };

/// Author of a message.
enum class SenderKind { kCustomer, kBot, kAgent, kSystem };

/// Delivery status of an outbound message. A status only moves to a higher rank (see
/// StatusRank); `kFailed` and `kDelivered` share a rank, so whichever arrives first stays.
enum class DeliveryStatus { kNone, kQueued, kSent, kDelivered, kRead, kFailed };

enum class ConversationStatus { kOpen, kPending, kSnoozed, kResolved };

enum class Priority { kCritical, kHigh, kStandard };

/// Kinds of contact identity. A phone number is one identity whichever channel carries it.
enum class IdentityKind { kPhone, kWebchat, kEmail };

/// Returns the rank that orders delivery statuses: none 0, queued 1, sent 2, delivered and
/// failed 3, read 4.
int StatusRank(DeliveryStatus status);

std::string_view ToString(Direction value);
std::string_view ToString(SenderKind value);
std::string_view ToString(DeliveryStatus value);
std::string_view ToString(ConversationStatus value);
std::string_view ToString(Priority value);
std::string_view ToString(IdentityKind value);

std::optional<Direction> ParseDirection(std::string_view text);
std::optional<SenderKind> ParseSenderKind(std::string_view text);
std::optional<DeliveryStatus> ParseDeliveryStatus(std::string_view text);
std::optional<ConversationStatus> ParseConversationStatus(std::string_view text);
std::optional<Priority> ParsePriority(std::string_view text);
std::optional<IdentityKind> ParseIdentityKind(std::string_view text);

/// A media attachment, kept by reference: the provider's URL or media id and its MIME type.
/// `file_name` is the name the sender gave, shown as text; empty when the channel gives none.
struct Media {
  std::string url;
  std::string content_type;
  std::string file_name;
};

/// A choice offered with an outbound message. Channels with quick replies show `title` as a
/// button and send `id` back as the inbound reply id; others list the titles as numbered lines.
struct QuickReply {
  std::string id;
  std::string title;
};

/// One identity of a contact. `inbox_id` is set only for kinds that exist inside one inbox
/// (a web chat visitor id); phone numbers and email addresses are global.
struct ContactIdentity {
  IdentityKind kind = IdentityKind::kPhone;
  std::string value;
  std::string inbox_id;
};

struct Contact {
  std::int64_t id = 0;
  std::string name;
  TimePoint created_at;
};

struct Conversation {
  std::int64_t id = 0;
  std::int64_t contact_id = 0;
  ConversationStatus status = ConversationStatus::kOpen;
  int tier = 0;  // 0 bot, 1 agent, 2 specialist.
  Priority priority = Priority::kStandard;
  std::optional<std::int64_t> assignee_agent_id;
  std::string last_inbox_id;  // The inbox of the latest customer message; replies go there.
  int bot_unresolved_count = 0;  // Customer messages the bot could not resolve since tier 0.
  std::string handoff_summary;
  TimePoint created_at;
  TimePoint updated_at;
  std::optional<TimePoint> handed_off_at;
  std::optional<TimePoint> resolved_at;
};

struct Message {
  std::int64_t id = 0;
  std::int64_t conversation_id = 0;
  std::string inbox_id;  // Empty for internal notes.
  Direction direction = Direction::kInbound;
  SenderKind sender = SenderKind::kCustomer;
  std::optional<std::int64_t> agent_id;
  std::string text;  // Card numbers are already masked.
  std::vector<Media> media;
  std::vector<QuickReply> options;  // Outbound only: choices shown as buttons.
  std::string provider_message_id;  // Empty until the provider accepts an outbound message.
  std::string client_message_id;    // Web chat: the id the client chose, for acknowledgements.
  DeliveryStatus status = DeliveryStatus::kNone;
  std::string error_code;
  std::string error_message;
  std::string encoding;  // Outbound SMS: "gsm7" or "ucs2".
  int segments = 0;      // Outbound SMS segment count.
  std::string intent;
  double intent_confidence = 0;
  TimePoint created_at;
  TimePoint updated_at;
};

/// A domain fact, stored in the events table. `type` is one of events/event_types.hpp.
struct Event {
  std::int64_t id = 0;
  std::string type;
  std::optional<std::int64_t> conversation_id;
  std::optional<std::int64_t> contact_id;
  std::optional<std::int64_t> message_id;
  std::optional<std::int64_t> agent_id;
  std::string inbox_id;
  std::string data_json = "{}";  // Extra fields as one JSON object.
  TimePoint occurred_at;
};

/// A normalized inbound message from any channel.
struct InboundMessage {
  std::string inbox_id;
  std::string provider_message_id;  // Dedupe key within the inbox.
  ContactIdentity from;             // Phone numbers are E.164 with '+'.
  std::string profile_name;         // Display name the provider gave, if any.
  std::string text;                 // Raw text; the core masks card numbers first.
  std::vector<Media> media;
  std::string reply_id;     // Quick reply or button id when the customer tapped one.
  std::string client_message_id;  // Web chat only.
  std::optional<TimePoint> sent_at;
};

/// A normalized delivery status report for a message we sent.
struct StatusUpdate {
  std::string inbox_id;
  std::string provider_message_id;
  DeliveryStatus status = DeliveryStatus::kNone;
  std::string error_code;
  std::string error_message;
  std::optional<TimePoint> occurred_at;
  /// The value the send carried for the provider to echo (WhatsApp biz_opaque_callback_data),
  /// or empty.
  std::string callback_data;
  /// The address the message went to as the provider writes it (WhatsApp recipient_id, a
  /// wa_id without "+"), or empty when the status does not name it.
  std::string recipient;
};

}  // namespace mobilelink::core
