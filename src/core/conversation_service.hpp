#pragma once

// The operations of the conversation core. Each one runs inside a store transaction on the
// single writer, so every operation on a conversation is serialized and sees the effects of
// the one before. Callers submit them through Store::Write and act on the returned outcome only
// after the commit.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mobilelink/bot/flow_engine.hpp"
#include "mobilelink/bot/survey.hpp"
#include "mobilelink/bot/tier_zero_bot.hpp"
#include "mobilelink/channels/adapter.hpp"
#include "mobilelink/core/clock.hpp"
#include "mobilelink/core/model.hpp"
#include "mobilelink/core/repository.hpp"

namespace mobilelink::core {

/// The facts about one inbox that the core uses.
struct InboxProfile {
  std::string id;
  std::string channel;
  channels::Capabilities capabilities;
};

/// Texts sent for consent keywords. Each says who is sending, as carriers require.
struct ComplianceTexts {
  std::string opt_out_confirmation;
  std::string opt_in_confirmation;
  std::string help_reply;
};

/// A message that was queued for delivery in the transaction, for after-commit notification.
struct QueuedMessage {
  std::int64_t message_id = 0;
  std::int64_t conversation_id = 0;
  std::string inbox_id;
};

struct InboundOutcome {
  bool duplicate = false;
  std::int64_t conversation_id = 0;
  std::int64_t message_id = 0;
  std::int64_t contact_id = 0;
  bool handed_off = false;
  bool consumed = false;  // The observer took the message, such as an on-call acknowledgement.
  bool flow_waiting = false;  // A flow step waits for a call that the FlowWorker sends.
  std::vector<QueuedMessage> queued;
};

/// Reasons an agent action is rejected. The API maps each to an HTTP status and message.
enum class ActionError {
  kNone,
  kConversationNotFound,
  kNotAssignee,
  kAlreadyAssigned,
  kResolved,
  kEmptyText,
  kTextTooLong,
  kContactOptedOut,
  kOutsideReplyWindow,
  kNoRecipient,
  kNotHandedOff,
};

struct ActionOutcome {
  ActionError error = ActionError::kNone;
  std::string detail;  // Operator-facing explanation for errors.
  std::optional<std::int64_t> message_id;
  std::vector<QueuedMessage> queued;
  [[nodiscard]] bool ok() const { return error == ActionError::kNone; }
};

struct StatusOutcome {
  bool matched = false;  // A stored outbound message has this provider id.
  bool changed = false;  // The update moved the status forward.
  DeliveryStatus status = DeliveryStatus::kNone;  // The status the message has now.
  std::int64_t message_id = 0;
  std::int64_t conversation_id = 0;
};

/// Conversation changes that other layers act on (SLA clocks, on-call acknowledgements). Each
/// call runs inside the transaction of the change, so its writes commit or roll back with it.
class ConversationObserver {
 public:
  virtual ~ConversationObserver() = default;
  /// Runs for an inbound message that is not a duplicate, before any contact or conversation
  /// is touched. Returning true consumes it: nothing else is stored or sent for it.
  virtual bool ConsumeInbound(Repository& repository, const InboundMessage& inbound) const = 0;
  /// Runs after a customer message is stored and the bot ran, before the conversation is
  /// saved, so changes to `conversation` are saved with it.
  virtual void OnCustomerMessage(Repository& repository, Conversation& conversation,
                                 const Message& message, bool handed_off) const = 0;
  /// Runs after an agent's reply is queued, before the conversation is saved.
  virtual void OnAgentReply(Repository& repository, Conversation& conversation,
                            std::int64_t message_id) const = 0;
  /// Runs after an agent action changed the status or tier and the conversation was saved.
  virtual void OnStatusChanged(Repository& repository, Conversation& conversation) const = 0;
};

/// Receives handoffs to tier 1 inside the handoff's transaction. The conversation row is written
/// after the listener returns, so a listener must not change that row.
class HandoffListener {
 public:
  virtual ~HandoffListener() = default;
  /// `reason` is the bot's: customer_request or unresolved. `intent` is the intent detected in
  /// the message that caused the handoff.
  virtual void OnConversationHandedOff(Repository& repository, const Conversation& conversation,
                                       const std::string& reason,
                                       const std::string& intent) const = 0;
};

/// Thread safe: holds only read-only configuration.
class ConversationService final {
 public:
  /// A customer message within `reopen_window` of the contact's latest resolution reopens
  /// that conversation instead of starting a new one.
  ConversationService(std::map<std::string, InboxProfile> inboxes,
                      std::shared_ptr<const bot::TierZeroBot> bot, ComplianceTexts compliance,
                      const TimeSource& clock,
                      std::shared_ptr<const bot::FlowEngine> flows = nullptr,
                      std::chrono::hours reopen_window = std::chrono::hours(24 * 7));

  /// Stores one inbound message and runs consent keywords and the bot. A message already
  /// stored under its provider id changes nothing and returns duplicate. Without an active
  /// conversation, the message reopens one resolved within the reopen window (recording
  /// conversation.reopened) or starts a new one.
  InboundOutcome ReceiveInbound(Repository& repository, const InboundMessage& inbound) const;

  /// Continues the flow whose waiting step `call` belongs to with the call's result, and
  /// queues its replies. A result the flow no longer waits for changes nothing.
  InboundOutcome ResumeFlow(Repository& repository, const bot::PendingCall& call,
                            const bot::CallResult& result) const;

  [[nodiscard]] const bot::FlowEngine* Flows() const { return flows_.get(); }

  /// Applies a delivery status. Statuses only move forward; a status for an unknown message
  /// is kept aside and applied when the send result that names it is stored.
  StatusOutcome ApplyStatus(Repository& repository, const StatusUpdate& update) const;

  /// Queues an agent's reply over the conversation's latest inbox.
  ActionOutcome ReplyAsAgent(Repository& repository, std::int64_t conversation_id,
                             std::int64_t agent_id, bool may_override_assignee,
                             const std::string& text) const;
  ActionOutcome AddNote(Repository& repository, std::int64_t conversation_id,
                        std::int64_t agent_id, bool may_override_assignee,
                        const std::string& text) const;
  ActionOutcome Claim(Repository& repository, std::int64_t conversation_id,
                      std::int64_t agent_id) const;
  ActionOutcome HandBack(Repository& repository, std::int64_t conversation_id,
                         std::int64_t agent_id, bool may_override_assignee) const;
  ActionOutcome Resolve(Repository& repository, std::int64_t conversation_id,
                        std::int64_t agent_id, bool may_override_assignee) const;
  /// Marks a handed-off conversation as waiting on the customer (status pending). The
  /// customer's next message opens it again.
  ActionOutcome MarkPending(Repository& repository, std::int64_t conversation_id,
                            std::int64_t agent_id, bool may_override_assignee) const;

  /// Queues a system message from `inbox_id` to `recipient` in `conversation`, such as an
  /// on-call page about it. The recipient need not be the conversation's contact.
  ActionOutcome SendSystemMessage(Repository& repository, Conversation& conversation,
                                  const std::string& inbox_id, const std::string& recipient,
                                  const std::string& text) const;

  /// Sets the observer of conversation changes. Call before the service is shared between
  /// threads; `observer` must outlive the service.
  void SetObserver(const ConversationObserver* observer) { observer_ = observer; }

  /// Records that the provider accepted an outbox entry's message, then applies any status
  /// that arrived for it before this commit.
  void RecordSendSuccess(Repository& repository, const OutboxEntry& entry,
                         const std::string& provider_message_id, DeliveryStatus reported) const;
  /// Marks an outbox entry and its message as failed for good.
  void RecordSendFailure(Repository& repository, const OutboxEntry& entry,
                         const std::string& error_code, const std::string& error_message) const;

  /// Returns the contact's address on `inbox`: the phone number, or for inbox-scoped channels
  /// such as web chat the identity that belongs to that inbox.
  std::optional<std::string> RecipientFor(Repository& repository, const Conversation& conversation,
                                          const InboxProfile& inbox) const;

  [[nodiscard]] const InboxProfile* FindInbox(std::string_view inbox_id) const;

  /// Queues a system message to the customer over the conversation's latest inbox, subject to
  /// the contact's consent. Used for escalation notices.
  ActionOutcome SendSystemNotice(Repository& repository, std::int64_t conversation_id,
                                 const std::string& text) const;

  /// Sets the listener notified of each handoff. Call before the service is shared between
  /// threads; the listener must outlive the service.
  void SetHandoffListener(const HandoffListener* listener) { handoff_listener_ = listener; }

  /// Makes the bot rank the store's knowledge-base index (bot/knowledge.hpp) instead of its
  /// config articles in memory. Call before the service is shared between threads.
  void UseStoredArticles(bool enabled) { use_stored_articles_ = enabled; }

  /// Sends a survey after each resolution and takes answers to it from inbound messages
  /// (bot/survey.hpp). `surveys` must outlive the service; nullptr turns surveys off.
  void UseSurveys(const bot::SurveyService* surveys) { surveys_ = surveys; }

 private:
  struct OutboundRequest {
    const InboxProfile* inbox = nullptr;
    std::string recipient;
    SenderKind sender = SenderKind::kBot;
    std::optional<std::int64_t> agent_id;
    std::string text;
    // Skips the opt-out check: for the one confirmation of an opt-out, for HELP, and where the
    // caller has just checked consent in the same transaction.
    bool ignore_opt_out = false;
    std::vector<QuickReply> options;
    // The copy kept in the messages table when it differs from `text`, such as a passcode SMS
    // stored with the code masked. Empty stores `text`.
    std::string stored_text;
  };
  ActionOutcome QueueOutbound(Repository& repository, Conversation& conversation,
                              const OutboundRequest& request) const;
  // Queues a message over the conversation's latest inbox to the contact's address there.
  ActionOutcome QueueToContact(Repository& repository, Conversation& conversation,
                               SenderKind sender, std::optional<std::int64_t> agent_id,
                               const std::string& text) const;
  // Inserts an inbound message and records message.received, before any event about it.
  void StoreInbound(Repository& repository, const Conversation& conversation, Message& message,
                    const InboxProfile& inbox) const;
  // Stores an inbound message that answers the contact's open survey in the surveyed
  // conversation and thanks the customer. Returns false when the message is not an answer; the
  // only change then is that an open survey past its expiry is marked expired.
  bool ReceiveSurveyAnswer(Repository& repository, const InboundMessage& inbound,
                           const InboxProfile& inbox, InboundOutcome& outcome) const;
  // Stores a number or short acknowledgement sent soon after a survey answer on the answered,
  // still resolved conversation, without a reply and without reopening it. Returns false, with
  // nothing changed, when the message is no such follow-up.
  bool ReceiveSurveyFollowUp(Repository& repository, const InboundMessage& inbound,
                             const InboxProfile& inbox, Message& message,
                             InboundOutcome& outcome) const;
  // Queues the survey question of a conversation that was just resolved, when one is due.
  void SendSurvey(Repository& repository, Conversation& conversation,
                  ActionOutcome& outcome) const;
  void RunBot(Repository& repository, Conversation& conversation, Message& message,
              const InboxProfile& inbox, const std::string& recipient, std::string_view reply_id,
              InboundOutcome& outcome) const;
  // Gives the message to the active flow or to the flow its intent starts. Returns false when
  // no flow takes it. Defined in conversation_service_flows.cpp.
  bool RunFlow(Repository& repository, Conversation& conversation, Message& message,
               const InboxProfile& inbox, const std::string& recipient, std::string_view reply_id,
               const bot::BotDecision& decision, InboundOutcome& outcome) const;
  void ApplyFlowTurn(Repository& repository, Conversation& conversation, const InboxProfile& inbox,
                     const std::string& recipient, bot::FlowTurn turn, const std::string& last_text,
                     InboundOutcome& outcome) const;
  // Ends the conversation's flow, if any, recording flow.abandoned with `reason`.
  void AbandonFlow(Repository& repository, const Conversation& conversation,
                   std::string_view reason) const;
  // `detail` adds the flow and its collected answers to the summary.
  void HandOff(Repository& repository, Conversation& conversation, const std::string& reason,
               const std::string& intent, const std::string& last_text,
               const std::string& detail = {}) const;
  // Returns the conversation the inbound message belongs to: the active one, a reopened one
  // or a new one, recording conversation.reopened or conversation.created.
  Conversation OpenConversation(Repository& repository, std::int64_t contact_id,
                                const InboxProfile& inbox, TimePoint now) const;
  void Emit(Repository& repository, std::string_view type, const Conversation& conversation,
            std::optional<std::int64_t> message_id, std::optional<std::int64_t> agent_id,
            std::string data_json = "{}") const;

  std::map<std::string, InboxProfile> inboxes_;
  std::shared_ptr<const bot::TierZeroBot> bot_;
  ComplianceTexts compliance_;
  const TimeSource& clock_;
  const ConversationObserver* observer_ = nullptr;
  const HandoffListener* handoff_listener_ = nullptr;
  std::shared_ptr<const bot::FlowEngine> flows_;
  std::chrono::hours reopen_window_;
  bool use_stored_articles_ = false;
  const bot::SurveyService* surveys_ = nullptr;
};

std::string_view ToString(ActionError error);

}  // namespace mobilelink::core
