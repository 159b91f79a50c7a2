#include "mobilelink/core/model.hpp"

#include <array>
#include <utility>

namespace mobilelink::core {

namespace {

// Each table lists every enumerator once with its wire and storage name.
constexpr std::array<std::pair<Direction, std::string_view>, 3> kDirections{{
    {Direction::kInbound, "inbound"},
    {Direction::kOutbound, "outbound"},
    {Direction::kNote, "note"},
}};
constexpr std::array<std::pair<SenderKind, std::string_view>, 4> kSenders{{
    {SenderKind::kCustomer, "customer"},
    {SenderKind::kBot, "bot"},
    {SenderKind::kAgent, "agent"},
    {SenderKind::kSystem, "system"},
}};
constexpr std::array<std::pair<DeliveryStatus, std::string_view>, 6> kStatuses{{
    {DeliveryStatus::kNone, "none"},
    {DeliveryStatus::kQueued, "queued"},
    {DeliveryStatus::kSent, "sent"},
    {DeliveryStatus::kDelivered, "delivered"},
    {DeliveryStatus::kRead, "read"},
    {DeliveryStatus::kFailed, "failed"},
}};
constexpr std::array<std::pair<ConversationStatus, std::string_view>, 4> kConversationStatuses{{
    {ConversationStatus::kOpen, "open"},
    {ConversationStatus::kPending, "pending"},
    {ConversationStatus::kSnoozed, "snoozed"},
    {ConversationStatus::kResolved, "resolved"},
}};
constexpr std::array<std::pair<Priority, std::string_view>, 3> kPriorities{{
    {Priority::kCritical, "critical"},
    {Priority::kHigh, "high"},
    {Priority::kStandard, "standard"},
}};
constexpr std::array<std::pair<IdentityKind, std::string_view>, 3> kIdentityKinds{{
    {IdentityKind::kPhone, "phone"},
    {IdentityKind::kWebchat, "webchat"},
    {IdentityKind::kEmail, "email"},
}};

template <typename Enum, std::size_t N>
std::string_view NameOf(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum value) {
  for (const auto& [candidate, name] : table) {
    if (candidate == value) {
      return name;
    }
  }
  return "unknown";
}

template <typename Enum, std::size_t N>
std::optional<Enum> ValueOf(const std::array<std::pair<Enum, std::string_view>, N>& table,
                            std::string_view text) {
  for (const auto& [value, name] : table) {
    if (name == text) {
      return value;
    }
  }
  return std::nullopt;
}

}  // namespace

int StatusRank(DeliveryStatus status) {
  switch (status) {
    case DeliveryStatus::kNone:
      return 0;
    case DeliveryStatus::kQueued:
      return 1;
    case DeliveryStatus::kSent:
      return 2;
    case DeliveryStatus::kDelivered:
    case DeliveryStatus::kFailed:
      return 3;
    case DeliveryStatus::kRead:
      return 4;
  }
  return 0;
}

std::string_view ToString(Direction value) { return NameOf(kDirections, value); }
std::string_view ToString(SenderKind value) { return NameOf(kSenders, value); }
std::string_view ToString(DeliveryStatus value) { return NameOf(kStatuses, value); }
std::string_view ToString(ConversationStatus value) { return NameOf(kConversationStatuses, value); }
std::string_view ToString(Priority value) { return NameOf(kPriorities, value); }
std::string_view ToString(IdentityKind value) { return NameOf(kIdentityKinds, value); }

std::optional<Direction> ParseDirection(std::string_view text) {
  return ValueOf(kDirections, text);
}
std::optional<SenderKind> ParseSenderKind(std::string_view text) {
  return ValueOf(kSenders, text);
}
std::optional<DeliveryStatus> ParseDeliveryStatus(std::string_view text) {
  return ValueOf(kStatuses, text);
}
std::optional<ConversationStatus> ParseConversationStatus(std::string_view text) {
  return ValueOf(kConversationStatuses, text);
}
std::optional<Priority> ParsePriority(std::string_view text) { return ValueOf(kPriorities, text); }
std::optional<IdentityKind> ParseIdentityKind(std::string_view text) {
  return ValueOf(kIdentityKinds, text);
}

}  // namespace mobilelink::core
