// Agent operations of ConversationService: reply, note, claim, hand back, resolve.

#include <boost/json.hpp>

#include "mobilelink/core/card_redactor.hpp"
#include "mobilelink/core/conversation_service.hpp"
#include "mobilelink/core/text.hpp"
#include "mobilelink/events/event_types.hpp"

namespace mobilelink::core {

namespace {

// Loads a conversation and checks that `agent_id` may act on it: it must be assigned to that
// agent unless the caller's role may act on anyone's conversation.
ActionError CheckAccess(const std::optional<Conversation>& conversation, std::int64_t agent_id,
                        bool may_override_assignee) {
  if (!conversation) {
    return ActionError::kConversationNotFound;
  }
  if (conversation->status == ConversationStatus::kResolved) {
    return ActionError::kResolved;
  }
  if (!may_override_assignee && conversation->assignee_agent_id != agent_id) {
    return ActionError::kNotAssignee;
  }
  return ActionError::kNone;
}

std::string AccessDetail(ActionError error, std::int64_t conversation_id) {
  switch (error) {
    case ActionError::kConversationNotFound:
      return "conversation " + std::to_string(conversation_id) + " not found";
    case ActionError::kResolved:
      return "conversation " + std::to_string(conversation_id) + " is resolved";
    case ActionError::kNotAssignee:
      return "conversation " + std::to_string(conversation_id) +
             " is not assigned to you; claim it first";
    case ActionError::kNotHandedOff:
      return "conversation " + std::to_string(conversation_id) +
             " is with the bot; it has not been handed off";
    default:
      return {};
  }
}

}  // namespace

ActionOutcome ConversationService::ReplyAsAgent(Repository& repository,
                                                std::int64_t conversation_id,
                                                std::int64_t agent_id, bool may_override_assignee,
                                                const std::string& text) const {
  auto conversation = repository.GetConversation(conversation_id);
  if (auto error = CheckAccess(conversation, agent_id, may_override_assignee);
      error != ActionError::kNone) {
    return {error, AccessDetail(error, conversation_id)};
  }
  auto outcome = QueueToContact(repository, *conversation, SenderKind::kAgent, agent_id, text);
  if (outcome.ok()) {
    conversation->updated_at = clock_.Now();
    if (observer_ != nullptr) {
      observer_->OnAgentReply(repository, *conversation, *outcome.message_id);
    }
    repository.UpdateConversation(*conversation);
  }
  return outcome;
}

ActionOutcome ConversationService::AddNote(Repository& repository, std::int64_t conversation_id,
                                           std::int64_t agent_id, bool may_override_assignee,
                                           const std::string& text) const {
  auto conversation = repository.GetConversation(conversation_id);
  if (auto error = CheckAccess(conversation, agent_id, may_override_assignee);
      error != ActionError::kNone) {
    return {error, AccessDetail(error, conversation_id)};
  }
  if (IsBlank(text)) {
    return {ActionError::kEmptyText, "note text is empty; write at least one visible character"};
  }
  Message note;
  note.conversation_id = conversation_id;
  note.direction = Direction::kNote;
  note.sender = SenderKind::kAgent;
  note.agent_id = agent_id;
  note.text = MaskCardNumbers(SanitizeUtf8(text));
  note.created_at = clock_.Now();
  note.updated_at = note.created_at;
  repository.InsertMessage(note);
  Emit(repository, events::kNoteAdded, *conversation, note.id, agent_id);
  ActionOutcome outcome;
  outcome.message_id = note.id;
  return outcome;
}

ActionOutcome ConversationService::Claim(Repository& repository, std::int64_t conversation_id,
                                         std::int64_t agent_id) const {
  auto conversation = repository.GetConversation(conversation_id);
  if (!conversation) {
    return {ActionError::kConversationNotFound,
            AccessDetail(ActionError::kConversationNotFound, conversation_id)};
  }
  if (conversation->status == ConversationStatus::kResolved) {
    return {ActionError::kResolved, AccessDetail(ActionError::kResolved, conversation_id)};
  }
  if (conversation->tier == 0) {
    return {ActionError::kNotHandedOff, AccessDetail(ActionError::kNotHandedOff, conversation_id)};
  }
  if (conversation->assignee_agent_id == agent_id) {
    return {};
  }
  if (!repository.AssignIfUnassigned(conversation_id, agent_id, clock_.Now())) {
    return {ActionError::kAlreadyAssigned,
            "conversation " + std::to_string(conversation_id) + " is assigned to another agent"};
  }
  conversation->assignee_agent_id = agent_id;
  Emit(repository, events::kConversationAssigned, *conversation, std::nullopt, agent_id);
  return {};
}

ActionOutcome ConversationService::HandBack(Repository& repository, std::int64_t conversation_id,
                                            std::int64_t agent_id,
                                            bool may_override_assignee) const {
  auto conversation = repository.GetConversation(conversation_id);
  if (auto error = CheckAccess(conversation, agent_id, may_override_assignee);
      error != ActionError::kNone) {
    return {error, AccessDetail(error, conversation_id)};
  }
  conversation->tier = 0;
  conversation->status = ConversationStatus::kPending;
  conversation->assignee_agent_id.reset();
  conversation->bot_unresolved_count = 0;
  conversation->updated_at = clock_.Now();
  repository.UpdateConversation(*conversation);
  Emit(repository, events::kConversationHandedBack, *conversation, std::nullopt, agent_id);
  if (observer_ != nullptr) {
    observer_->OnStatusChanged(repository, *conversation);
  }
  return {};
}

ActionOutcome ConversationService::Resolve(Repository& repository, std::int64_t conversation_id,
                                           std::int64_t agent_id,
                                           bool may_override_assignee) const {
  auto conversation = repository.GetConversation(conversation_id);
  if (auto error = CheckAccess(conversation, agent_id, may_override_assignee);
      error != ActionError::kNone) {
    return {error, AccessDetail(error, conversation_id)};
  }
  conversation->status = ConversationStatus::kResolved;
  conversation->resolved_at = clock_.Now();
  conversation->updated_at = clock_.Now();
  repository.UpdateConversation(*conversation);
  Emit(repository, events::kConversationResolved, *conversation, std::nullopt, agent_id,
       boost::json::serialize(boost::json::object{{"tier", conversation->tier}}));
  if (observer_ != nullptr) {
    observer_->OnStatusChanged(repository, *conversation);
  }
  ActionOutcome outcome;
  SendSurvey(repository, *conversation, outcome);
  return outcome;
}

void ConversationService::SendSurvey(Repository& repository, Conversation& conversation,
                                     ActionOutcome& outcome) const {
  const InboxProfile* inbox = surveys_ ? FindInbox(conversation.last_inbox_id) : nullptr;
  if (inbox == nullptr) {
    return;
  }
  const auto question =
      surveys_->Plan(repository, conversation, inbox->capabilities.reply_window, clock_.Now());
  const auto recipient = RecipientFor(repository, conversation, *inbox);
  if (!question || !recipient) {
    return;
  }
  // A contact who opted out gets no survey: QueueOutbound rejects it and nothing is recorded.
  OutboundRequest request{inbox, *recipient, SenderKind::kBot, std::nullopt, question->text, false};
  // Where the channel shows quick replies, the customer taps a CSAT score; the answer is read
  // from the message text either way. NPS has 11 scores, more than a WhatsApp list holds.
  if (inbox->capabilities.quick_replies && question->kind == bot::SurveyKind::kCsat) {
    for (int score = 1; score <= 5; ++score) {
      request.options.push_back({"csat_" + std::to_string(score), std::to_string(score)});
    }
  }
  auto queued = QueueOutbound(repository, conversation, request);
  if (!queued.ok()) {
    return;
  }
  surveys_->RecordSent(repository, conversation, question->kind, clock_.Now());
  outcome.queued = std::move(queued.queued);
}

ActionOutcome ConversationService::SendSystemNotice(Repository& repository,
                                                   std::int64_t conversation_id,
                                                   const std::string& text) const {
  auto conversation = repository.GetConversation(conversation_id);
  if (!conversation) {
    return {ActionError::kConversationNotFound,
            AccessDetail(ActionError::kConversationNotFound, conversation_id)};
  }
  return QueueToContact(repository, *conversation, SenderKind::kSystem, std::nullopt, text);
}

ActionOutcome ConversationService::QueueToContact(Repository& repository,
                                                 Conversation& conversation, SenderKind sender,
                                                 std::optional<std::int64_t> agent_id,
                                                 const std::string& text) const {
  const InboxProfile* inbox = FindInbox(conversation.last_inbox_id);
  if (inbox == nullptr) {
    return {ActionError::kNoRecipient,
            "inbox " + conversation.last_inbox_id + " is no longer configured"};
  }
  const auto recipient = RecipientFor(repository, conversation, *inbox);
  if (!recipient) {
    return {ActionError::kNoRecipient, "the contact has no address on inbox " + inbox->id};
  }
  OutboundRequest request{inbox, *recipient, sender, agent_id, text, false};
  return QueueOutbound(repository, conversation, request);
}

ActionOutcome ConversationService::MarkPending(Repository& repository,
                                               std::int64_t conversation_id,
                                               std::int64_t agent_id,
                                               bool may_override_assignee) const {
  auto conversation = repository.GetConversation(conversation_id);
  if (auto error = CheckAccess(conversation, agent_id, may_override_assignee);
      error != ActionError::kNone) {
    return {error, AccessDetail(error, conversation_id)};
  }
  if (conversation->tier == 0) {
    return {ActionError::kNotHandedOff, AccessDetail(ActionError::kNotHandedOff, conversation_id)};
  }
  if (conversation->status == ConversationStatus::kPending) {
    return {};
  }
  conversation->status = ConversationStatus::kPending;
  conversation->updated_at = clock_.Now();
  repository.UpdateConversation(*conversation);
  Emit(repository, events::kConversationPending, *conversation, std::nullopt, agent_id);
  if (observer_ != nullptr) {
    observer_->OnStatusChanged(repository, *conversation);
  }
  return {};
}

ActionOutcome ConversationService::SendSystemMessage(Repository& repository,
                                                     Conversation& conversation,
                                                     const std::string& inbox_id,
                                                     const std::string& recipient,
                                                     const std::string& text) const {
  const InboxProfile* inbox = FindInbox(inbox_id);
  if (inbox == nullptr) {
    return {ActionError::kNoRecipient,
            "inbox " + inbox_id + " is not configured; add it under inboxes in the config"};
  }
  OutboundRequest request{inbox, recipient, SenderKind::kSystem, std::nullopt, text, false};
  return QueueOutbound(repository, conversation, request);
}

}  // namespace mobilelink::core
