#include "mobilelink/security/signed_link.hpp"

#include <boost/json.hpp>

#include "mobilelink/events/event_types.hpp"
#include "mobilelink/security/auth_level.hpp"
#include "mobilelink/security/credentials.hpp"

namespace mobilelink::security {

std::string_view ToString(LinkState state) {
  switch (state) {
    case LinkState::kValid:
      return "valid";
    case LinkState::kUsed:
      return "used";
    case LinkState::kExpired:
      return "expired";
    case LinkState::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::optional<CreatedLink> CreateSignedLink(core::Repository& unit, std::string_view public_url,
                                            std::int64_t conversation_id, std::string_view purpose,
                                            std::chrono::seconds ttl, core::TimePoint now,
                                            const std::string& recipient) {
  const auto conversation = unit.GetConversation(conversation_id);
  if (!conversation) {
    return std::nullopt;
  }
  CreatedLink link;
  link.token = NewToken();
  link.expires_at = now + ttl;
  link.url = std::string(public_url) + "/auth/link/" + link.token;
  OpenSignedLinkRepository(unit)->Insert(
      {HashToken(link.token), conversation_id, std::string(purpose), now, link.expires_at, {},
       recipient});

  core::Event event;
  event.type = std::string(events::kAuthLinkCreated);
  event.conversation_id = conversation_id;
  event.contact_id = conversation->contact_id;
  event.inbox_id = conversation->last_inbox_id;
  const auto expires_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(link.expires_at.time_since_epoch());
  event.data_json = boost::json::serialize(
      boost::json::object{{"purpose", purpose}, {"expires_at", expires_ms.count()}});
  event.occurred_at = now;
  unit.AppendEvent(event);
  return link;
}

LinkLookup InspectSignedLink(core::Repository& unit, std::string_view token, core::TimePoint now) {
  LinkLookup lookup;
  lookup.record = OpenSignedLinkRepository(unit)->Find(HashToken(token));
  if (!lookup.record) {
    lookup.state = LinkState::kUnknown;
  } else if (lookup.record->used_at) {
    lookup.state = LinkState::kUsed;
  } else if (now >= lookup.record->expires_at) {
    lookup.state = LinkState::kExpired;
  } else {
    lookup.state = LinkState::kValid;
  }
  return lookup;
}

LinkLookup ConfirmSignedLink(core::Repository& unit, std::string_view token, core::TimePoint now) {
  LinkLookup lookup = InspectSignedLink(unit, token, now);
  if (!lookup.record) {
    return lookup;
  }
  const auto conversation = unit.GetConversation(lookup.record->conversation_id);
  if (!conversation) {
    lookup.state = LinkState::kUnknown;
    return lookup;
  }
  if (lookup.state != LinkState::kValid ||
      !OpenSignedLinkRepository(unit)->MarkUsed(lookup.record->token_hash, now)) {
    if (lookup.state == LinkState::kValid) {
      lookup.state = LinkState::kUsed;
    }
    RecordFailure(unit, *conversation, AuthMethod::kLink, ToString(lookup.state), now);
    return lookup;
  }
  lookup.record->used_at = now;
  RecordVerification(unit, *conversation, {AuthMethod::kLink, "", now});
  return lookup;
}

}  // namespace mobilelink::security
