#pragma once

// The persistence port of the conversation core. A Repository is one open transaction: the
// store runs each unit of work against it, either on the single writer (group commit) or on a
// read-only connection. Domain code sees only these plain calls, never SQL.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mobilelink/core/model.hpp"
#include "mobilelink/core/timer.hpp"

namespace mobilelink::core {

/// One queued delivery of an outbound message.
struct OutboxEntry {
  std::int64_t id = 0;
  std::int64_t message_id = 0;
  std::int64_t conversation_id = 0;
  std::string inbox_id;
  std::string recipient;  // Identity value the provider addresses: E.164, web chat visitor id.
  // Text to send. On enqueue, empty sends the stored message's text; a different text (a
  // passcode whose stored copy is masked) is kept only until the send ends.
  std::string text;
  std::vector<Media> media;
  std::vector<QuickReply> options;
  SenderKind sender = SenderKind::kBot;  // Author of the message. System texts skip the opt-out check.
  int attempts = 0;       // Attempts started, including the one being claimed.
  TimePoint due_at;
  TimePoint claimed_at;   // Start of the current attempt, or of the interrupted one if unknown.
  std::string state;      // pending, sending, unknown, done, failed.
  bool outcome_unknown = false;  // Claimed from `unknown`: the provider may already have it.
};

/// An agent account. Accounts come from the config and are synced at start.
struct Agent {
  std::int64_t id = 0;
  std::string login;
  std::string name;
  std::string role;  // agent, supervisor, admin.
  std::string password_hash;
  bool active = true;
};

/// A web chat customer session, found by the hash of its resumable token.
struct WebchatSession {
  std::string token_hash;
  std::string inbox_id;
  std::string visitor_id;
  std::int64_t contact_id = 0;
  TimePoint created_at;
  TimePoint expires_at;
};

/// Filter of the conversation list.
struct ConversationFilter {
  std::optional<ConversationStatus> status;
  std::optional<int> min_tier;
  bool unassigned_only = false;
  std::optional<std::int64_t> assignee_agent_id;
  int limit = 100;
};

class Repository {
 public:
  virtual ~Repository() = default;

  // Contacts
  /// Returns the contact that owns `identity`, creating contact and identity when new.
  virtual std::int64_t ResolveContact(const ContactIdentity& identity, std::string_view name,
                                      TimePoint now) = 0;
  virtual std::optional<Contact> GetContact(std::int64_t contact_id) = 0;
  virtual std::vector<ContactIdentity> ListIdentities(std::int64_t contact_id) = 0;

  // Conversations
  /// Returns the contact's conversation that is not resolved, if any.
  virtual std::optional<Conversation> FindActiveConversation(std::int64_t contact_id) = 0;
  /// Returns the contact's most recently resolved conversation, if any.
  virtual std::optional<Conversation> FindLatestResolvedConversation(std::int64_t contact_id) = 0;
  /// Inserts `conversation` and sets its id.
  virtual void InsertConversation(Conversation& conversation) = 0;
  virtual std::optional<Conversation> GetConversation(std::int64_t conversation_id) = 0;
  virtual void UpdateConversation(const Conversation& conversation) = 0;
  /// Assigns an unassigned conversation. Returns false when it already has an assignee.
  virtual bool AssignIfUnassigned(std::int64_t conversation_id, std::int64_t agent_id,
                                  TimePoint now) = 0;
  virtual std::vector<Conversation> ListConversations(const ConversationFilter& filter) = 0;

  // Messages
  /// Returns the id of the inbound message with this provider id in this inbox, if stored.
  virtual std::optional<std::int64_t> FindInboundMessage(std::string_view inbox_id,
                                                         std::string_view provider_message_id) = 0;
  /// Returns the outbound message stored under this provider id.
  virtual std::optional<Message> FindOutboundMessage(std::string_view inbox_id,
                                                     std::string_view provider_message_id) = 0;
  virtual std::optional<Message> GetMessage(std::int64_t message_id) = 0;
  /// Inserts `message` and sets its id.
  virtual void InsertMessage(Message& message) = 0;
  /// Writes status, provider id, error and updated_at of an existing message.
  virtual void UpdateMessageDelivery(const Message& message) = 0;
  /// Lists a conversation's messages with id greater than `after_id`, oldest first.
  virtual std::vector<Message> ListMessages(std::int64_t conversation_id, std::int64_t after_id,
                                            int limit) = 0;
  /// Returns when the contact last wrote to this inbox.
  virtual std::optional<TimePoint> LastInboundAt(std::int64_t contact_id,
                                                 std::string_view inbox_id) = 0;

  /// Keeps a status whose provider id matches no stored message yet, once per status value.
  virtual void SaveOrphanStatus(const StatusUpdate& update, TimePoint now) = 0;
  /// Removes and returns the kept statuses for a provider id, oldest first.
  virtual std::vector<StatusUpdate> TakeOrphanStatuses(std::string_view inbox_id,
                                                       std::string_view provider_message_id) = 0;

  // Events
  virtual void AppendEvent(const Event& event) = 0;
  virtual std::vector<Event> ListEvents(std::int64_t after_id, int limit) = 0;

  // Consent, per inbox and address.
  virtual bool IsOptedOut(std::string_view inbox_id, std::string_view address) = 0;
  virtual void SetOptedOut(std::string_view inbox_id, std::string_view address, bool opted_out,
                           TimePoint now) = 0;

  // Outbox
  /// Queues a delivery and sets its id.
  virtual void EnqueueOutbox(OutboxEntry& entry) = 0;
  /// Marks up to `limit` due pending or unknown entries as sending and returns them, oldest first, at
  /// most one per conversation and none for a conversation that has an entry in flight.
  virtual std::vector<OutboxEntry> ClaimDueOutbox(TimePoint now, int limit) = 0;
  /// Writes the state, attempts, due time and error of an entry.
  virtual void UpdateOutbox(const OutboxEntry& entry, std::string_view last_error) = 0;
  /// Moves entries left in `sending` by a previous process to `unknown` and returns them.
  virtual std::vector<OutboxEntry> RecoverInterruptedOutbox() = 0;
  /// Returns the entries in state `unknown`.
  virtual std::vector<OutboxEntry> ListUnknownOutbox(int limit) = 0;
  virtual std::int64_t CountOutbox(std::string_view state) = 0;
  /// Returns the earliest due time of a pending entry.
  virtual std::optional<TimePoint> NextOutboxDue() = 0;

  // Agents and access tokens
  /// Inserts or updates the agent by login and sets its id.
  virtual void UpsertAgent(Agent& agent) = 0;
  virtual std::optional<Agent> FindAgentByLogin(std::string_view login) = 0;
  virtual std::optional<Agent> GetAgent(std::int64_t agent_id) = 0;
  virtual std::vector<Agent> ListAgents() = 0;
  virtual void InsertAccessToken(std::string_view token_hash, std::int64_t agent_id,
                                 TimePoint expires_at) = 0;
  /// Returns the agent id of an unexpired token.
  virtual std::optional<std::int64_t> FindAccessToken(std::string_view token_hash,
                                                      TimePoint now) = 0;
  /// Deletes a token, so that it no longer authenticates. Returns false when it was not stored.
  virtual bool RevokeAccessToken(std::string_view token_hash) = 0;
  /// Counts the agent's conversations that are assigned and not resolved.
  virtual int CountAssigned(std::int64_t agent_id) = 0;

  // Web chat sessions
  virtual void InsertWebchatSession(const WebchatSession& session) = 0;
  virtual std::optional<WebchatSession> FindWebchatSession(std::string_view token_hash,
                                                           TimePoint now) = 0;

  // Timers
  /// Schedules the timer named by `timer.kind` and `timer.key` as pending with no attempts,
  /// replacing the due time and payload of an existing one in any state. Sets `timer.id`.
  virtual void ScheduleTimer(Timer& timer) = 0;
  /// Cancels a pending timer. Returns false when no timer of that kind and key is pending.
  virtual bool CancelTimer(std::string_view kind, std::string_view key) = 0;
  virtual std::optional<Timer> FindTimer(std::string_view kind, std::string_view key) = 0;
  /// Lists up to `limit` pending timers due at or before `now`, earliest first.
  virtual std::vector<Timer> ListDueTimers(TimePoint now, int limit) = 0;
  /// Marks a pending timer due at or before `now` as fired and returns it. Returns nothing when
  /// it was cancelled, moved later or fired meanwhile. The handler runs in the same transaction,
  /// so a rollback makes the timer pending again.
  virtual std::optional<Timer> ClaimDueTimer(std::int64_t timer_id, TimePoint now) = 0;
  /// Records a failed firing of `timer`: counts the attempt, stores `error`, and makes it
  /// pending at `retry_at`, or failed when there is none. Does nothing when the timer was
  /// rescheduled or cancelled since `timer` was read.
  virtual void RecordTimerFailure(const Timer& timer, std::string_view error,
                                  std::optional<TimePoint> retry_at) = 0;
  /// Returns the earliest due time of a pending timer.
  virtual std::optional<TimePoint> NextTimerDue() = 0;
};

}  // namespace mobilelink::core
