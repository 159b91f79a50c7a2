#pragma once

// Signed one-time links for mobile web. The server sends the customer a link under
// server.public_url that carries a random 32-byte token. The store keeps only the token's
// SHA-256, bound to one conversation, with an expiry. Opening the link shows a page and changes
// nothing, because link previews in messaging apps fetch it too. The POST from that page
// confirms it, once.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "mobilelink/core/model.hpp"
#include "mobilelink/core/repository.hpp"

namespace mobilelink::security {

struct SignedLinkRecord {
  std::string token_hash;
  std::int64_t conversation_id = 0;
  std::string purpose;  // verify, payment, ...: what the page confirms.
  core::TimePoint created_at;
  core::TimePoint expires_at;
  std::optional<core::TimePoint> used_at;
  std::string recipient;  // The phone number the link went to by SMS; empty in a conversation.
};

/// The persistence port of signed links. Runs on the unit of work it was opened on.
class SignedLinkRepository {
 public:
  virtual ~SignedLinkRepository() = default;
  virtual void Insert(const SignedLinkRecord& record) = 0;
  virtual std::optional<SignedLinkRecord> Find(std::string_view token_hash) = 0;
  /// Sets used_at when it is not set yet. Returns false when the link was already used.
  virtual bool MarkUsed(std::string_view token_hash, core::TimePoint now) = 0;
  /// Counts the links sent by SMS to the phone number `recipient` after `since`.
  virtual int CountSentToSince(const std::string& recipient, core::TimePoint since) = 0;
};

std::unique_ptr<SignedLinkRepository> OpenSignedLinkRepository(core::Repository& unit);

struct CreatedLink {
  std::string url;  // public_url + "/auth/link/" + token. Send it; never store or log it.
  std::string token;
  core::TimePoint expires_at;
};

/// Creates a link for the conversation and appends auth.link_created. Returns nullopt when the
/// conversation does not exist.
std::optional<CreatedLink> CreateSignedLink(core::Repository& unit, std::string_view public_url,
                                            std::int64_t conversation_id, std::string_view purpose,
                                            std::chrono::seconds ttl, core::TimePoint now,
                                            const std::string& recipient = {});

enum class LinkState { kValid, kUsed, kExpired, kUnknown };

std::string_view ToString(LinkState state);

struct LinkLookup {
  LinkState state = LinkState::kUnknown;
  std::optional<SignedLinkRecord> record;
};

/// Returns the link's state without changing it. A link is valid while now < expires_at.
LinkLookup InspectSignedLink(core::Repository& unit, std::string_view token, core::TimePoint now);

/// Confirms a valid link: marks it used and records a link verification of its conversation.
/// Returns the state the link had: only kValid confirmed it. A link that is used, expired or
/// unknown appends auth.failed (unknown only when it names no conversation, so nothing).
LinkLookup ConfirmSignedLink(core::Repository& unit, std::string_view token, core::TimePoint now);

}  // namespace mobilelink::security
