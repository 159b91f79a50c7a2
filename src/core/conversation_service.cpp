#include "mobilelink/core/conversation_service.hpp"

#include <boost/json.hpp>

#include "mobilelink/bot/knowledge.hpp"
#include "mobilelink/channels/common/sms_encoding.hpp"
#include "mobilelink/core/card_redactor.hpp"
#include "mobilelink/core/consent.hpp"
#include "mobilelink/core/text.hpp"
#include "mobilelink/events/event_types.hpp"
#include "mobilelink/security/auth_level.hpp"

namespace mobilelink::core {

namespace json = boost::json;

namespace {

std::string JsonOf(json::object object) { return json::serialize(object); }

// Handoff summaries quote the customer's last message, shortened for the queue view.
constexpr std::size_t kSummaryQuoteChars = 160;

std::string Shorten(const std::string& text, std::size_t max_chars) {
  if (text.size() <= max_chars) {
    return text;
  }
  std::size_t cut = max_chars;
  // Do not cut inside a UTF-8 sequence: continuation bytes are 10xxxxxx.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return text.substr(0, cut) + "...";
}

// Builds the stored form of an inbound message: sanitized UTF-8, card numbers masked.
Message NewInboundMessage(std::int64_t conversation_id, const InboundMessage& inbound,
                          TimePoint now) {
  Message message;
  message.conversation_id = conversation_id;
  message.inbox_id = inbound.inbox_id;
  message.direction = Direction::kInbound;
  message.sender = SenderKind::kCustomer;
  message.text = MaskCardNumbers(SanitizeUtf8(inbound.text));
  for (const auto& media : inbound.media) {
    message.media.push_back({SanitizeUtf8(media.url), SanitizeUtf8(media.content_type),
                             MaskCardNumbers(SanitizeUtf8(media.file_name))});
  }
  message.provider_message_id = inbound.provider_message_id;
  message.client_message_id = inbound.client_message_id;
  message.created_at = now;
  message.updated_at = now;
  return message;
}

}  // namespace

std::string_view ToString(ActionError error) {
  switch (error) {
    case ActionError::kNone:
      return "none";
    case ActionError::kConversationNotFound:
      return "conversation_not_found";
    case ActionError::kNotAssignee:
      return "not_assignee";
    case ActionError::kAlreadyAssigned:
      return "already_assigned";
    case ActionError::kResolved:
      return "conversation_resolved";
    case ActionError::kEmptyText:
      return "empty_text";
    case ActionError::kTextTooLong:
      return "text_too_long";
    case ActionError::kContactOptedOut:
      return "contact_opted_out";
    case ActionError::kOutsideReplyWindow:
      return "outside_reply_window";
    case ActionError::kNoRecipient:
      return "no_recipient";
    case ActionError::kNotHandedOff:
      return "not_handed_off";
  }
  return "unknown";
}

ConversationService::ConversationService(std::map<std::string, InboxProfile> inboxes,
                                         std::shared_ptr<const bot::TierZeroBot> bot,
                                         ComplianceTexts compliance, const TimeSource& clock,
                                         std::shared_ptr<const bot::FlowEngine> flows,
                                         std::chrono::hours reopen_window)
    : inboxes_(std::move(inboxes)),
      bot_(std::move(bot)),
      compliance_(std::move(compliance)),
      clock_(clock),
      flows_(std::move(flows)),
      reopen_window_(reopen_window) {}

const InboxProfile* ConversationService::FindInbox(std::string_view inbox_id) const {
  const auto it = inboxes_.find(std::string(inbox_id));
  return it == inboxes_.end() ? nullptr : &it->second;
}

void ConversationService::Emit(Repository& repository, std::string_view type,
                               const Conversation& conversation,
                               std::optional<std::int64_t> message_id,
                               std::optional<std::int64_t> agent_id, std::string data_json) const {
  Event event;
  event.type = std::string(type);
  event.conversation_id = conversation.id;
  event.contact_id = conversation.contact_id;
  event.message_id = message_id;
  event.agent_id = agent_id;
  event.inbox_id = conversation.last_inbox_id;
  event.data_json = std::move(data_json);
  event.occurred_at = clock_.Now();
  repository.AppendEvent(event);
}

InboundOutcome ConversationService::ReceiveInbound(Repository& repository,
                                                   const InboundMessage& inbound) const {
  InboundOutcome outcome;
  const InboxProfile* inbox = FindInbox(inbound.inbox_id);
  if (inbox == nullptr) {
    throw std::invalid_argument("inbox not found: " + inbound.inbox_id);
  }
  if (auto existing = repository.FindInboundMessage(inbound.inbox_id,
                                                    inbound.provider_message_id)) {
    outcome.duplicate = true;
    outcome.message_id = *existing;
    if (auto stored = repository.GetMessage(*existing)) {
      outcome.conversation_id = stored->conversation_id;
    }
    return outcome;
  }

  if (observer_ != nullptr && observer_->ConsumeInbound(repository, inbound)) {
    outcome.consumed = true;
    return outcome;
  }

  const TimePoint now = clock_.Now();
  outcome.contact_id =
      repository.ResolveContact(inbound.from, MaskCardNumbers(SanitizeUtf8(inbound.profile_name)), now);
  if (surveys_ != nullptr && ReceiveSurveyAnswer(repository, inbound, *inbox, outcome)) {
    return outcome;
  }
  Message message = NewInboundMessage(0, inbound, now);
  const std::string& address = inbound.from.value;
  const bool opted_out = repository.IsOptedOut(inbound.inbox_id, address);
  const ConsentKeyword keyword = inbox->capabilities.keyword_opt_out
                                     ? ClassifyConsentKeyword(message.text, opted_out)
                                     : ConsentKeyword::kNone;

  // STOP, START and HELP get a system reply, so they do not bring a resolved conversation back
  // to the bot or the agent queue.
  std::optional<Conversation> resolved_for_keyword;
  if (keyword != ConsentKeyword::kNone &&
      !repository.FindActiveConversation(outcome.contact_id)) {
    auto resolved = repository.FindLatestResolvedConversation(outcome.contact_id);
    if (resolved && resolved->resolved_at && now - *resolved->resolved_at <= reopen_window_) {
      resolved_for_keyword = std::move(resolved);
    }
  }
  Conversation conversation =
      resolved_for_keyword ? *resolved_for_keyword
                           : OpenConversation(repository, outcome.contact_id, *inbox, now);
  conversation.last_inbox_id = inbound.inbox_id;
  conversation.updated_at = now;
  // A customer message wakes a snoozed conversation and ends an agent's wait for the customer.
  if (conversation.status == ConversationStatus::kSnoozed ||
      (conversation.status == ConversationStatus::kPending && conversation.tier > 0)) {
    conversation.status = conversation.tier == 0 ? ConversationStatus::kPending
                                                 : ConversationStatus::kOpen;
  }
  message.conversation_id = conversation.id;
  if (keyword == ConsentKeyword::kNone && !opted_out && conversation.tier == 0 && bot_) {
    RunBot(repository, conversation, message, *inbox, address, inbound.reply_id, outcome);
  } else {
    StoreInbound(repository, conversation, message, *inbox);
  }
  outcome.message_id = message.id;
  outcome.conversation_id = conversation.id;

  auto confirm = [&](std::string_view type, const std::string& text, bool ignore_opt_out) {
    Emit(repository, type, conversation, message.id, std::nullopt,
         JsonOf({{"inbox_id", inbound.inbox_id}}));
    OutboundRequest request{inbox, address, SenderKind::kSystem, std::nullopt, text,
                            ignore_opt_out};
    auto queued = QueueOutbound(repository, conversation, request);
    outcome.queued.insert(outcome.queued.end(), queued.queued.begin(), queued.queued.end());
  };
  switch (keyword) {
    case ConsentKeyword::kOptOut:
      // The opt-out is recorded first. After this confirmation, only a HELP reply reaches this
      // number from this inbox until it opts in again.
      repository.SetOptedOut(inbound.inbox_id, address, true, now);
      AbandonFlow(repository, conversation, "opt_out");
      confirm(events::kContactOptedOut, compliance_.opt_out_confirmation, true);
      break;
    case ConsentKeyword::kOptIn:
      repository.SetOptedOut(inbound.inbox_id, address, false, now);
      confirm(events::kContactOptedIn, compliance_.opt_in_confirmation, false);
      break;
    case ConsentKeyword::kHelp:
      // Carriers require a reply to HELP even for an opted-out number.
      confirm(events::kContactHelpRequested, compliance_.help_reply, true);
      break;
    case ConsentKeyword::kNone:
      break;
  }
  if (observer_ != nullptr) {
    observer_->OnCustomerMessage(repository, conversation, message, outcome.handed_off);
  }
  repository.UpdateConversation(conversation);
  return outcome;
}

Conversation ConversationService::OpenConversation(Repository& repository,
                                                   std::int64_t contact_id,
                                                   const InboxProfile& inbox,
                                                   TimePoint now) const {
  if (auto active = repository.FindActiveConversation(contact_id)) {
    return *active;
  }
  auto resolved = repository.FindLatestResolvedConversation(contact_id);
  if (resolved && resolved->resolved_at && now - *resolved->resolved_at <= reopen_window_) {
    // The assignee and tier stay, so the customer returns to whoever resolved it: the bot's
    // pending queue at tier 0, the agent queue otherwise.
    Conversation conversation = *resolved;
    const TimePoint resolved_at = *conversation.resolved_at;
    conversation.status =
        conversation.tier == 0 ? ConversationStatus::kPending : ConversationStatus::kOpen;
    conversation.resolved_at.reset();
    conversation.last_inbox_id = inbox.id;
    conversation.updated_at = now;
    repository.UpdateConversation(conversation);
    const auto resolved_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(resolved_at.time_since_epoch());
    Emit(repository, events::kConversationReopened, conversation, std::nullopt, std::nullopt,
         JsonOf({{"channel", inbox.channel},
                 {"tier", conversation.tier},
                 {"resolved_at", resolved_ms.count()}}));
    return conversation;
  }
  Conversation conversation;
  conversation.contact_id = contact_id;
  conversation.status = ConversationStatus::kPending;
  conversation.last_inbox_id = inbox.id;
  conversation.created_at = now;
  conversation.updated_at = now;
  repository.InsertConversation(conversation);
  Emit(repository, events::kConversationCreated, conversation, std::nullopt, std::nullopt,
       JsonOf({{"channel", inbox.channel}}));
  return conversation;
}

bool ConversationService::ReceiveSurveyAnswer(Repository& repository,
                                              const InboundMessage& inbound,
                                              const InboxProfile& inbox,
                                              InboundOutcome& outcome) const {
  const TimePoint now = clock_.Now();
  Message message = NewInboundMessage(0, inbound, now);
  const bool opted_out = repository.IsOptedOut(inbound.inbox_id, inbound.from.value);
  if (opted_out || (inbox.capabilities.keyword_opt_out &&
                    ClassifyConsentKeyword(message.text, opted_out) != ConsentKeyword::kNone)) {
    return false;
  }
  const auto survey =
      surveys_->RecordAnswer(repository, outcome.contact_id, inbound.inbox_id, message.text, now);
  if (!survey) {
    return ReceiveSurveyFollowUp(repository, inbound, inbox, message, outcome);
  }
  auto conversation = repository.GetConversation(survey->conversation_id);
  message.conversation_id = conversation->id;
  StoreInbound(repository, *conversation, message, inbox);
  OutboundRequest thanks{&inbox, inbound.from.value, SenderKind::kBot, std::nullopt,
                         surveys_->Options().thanks_message, false};
  auto queued = QueueOutbound(repository, *conversation, thanks);
  outcome.queued = std::move(queued.queued);
  outcome.message_id = message.id;
  outcome.conversation_id = conversation->id;
  return true;
}

bool ConversationService::ReceiveSurveyFollowUp(Repository& repository,
                                                const InboundMessage& inbound,
                                                const InboxProfile& inbox, Message& message,
                                                InboundOutcome& outcome) const {
  const auto survey = surveys_->FindFollowUp(repository, outcome.contact_id, inbound.inbox_id,
                                             message.text, clock_.Now());
  if (!survey) {
    return false;
  }
  // A follow-up lands on the answered conversation only while that is still resolved and the
  // contact has no other conversation going, where it would belong instead.
  const auto conversation = repository.GetConversation(survey->conversation_id);
  if (!conversation || conversation->status != ConversationStatus::kResolved ||
      repository.FindActiveConversation(outcome.contact_id)) {
    return false;
  }
  message.conversation_id = conversation->id;
  StoreInbound(repository, *conversation, message, inbox);
  outcome.message_id = message.id;
  outcome.conversation_id = conversation->id;
  return true;
}

void ConversationService::StoreInbound(Repository& repository, const Conversation& conversation,
                                       Message& message, const InboxProfile& inbox) const {
  repository.InsertMessage(message);
  // KPIs group conversations by this intent, so it names only what the bot served.
  const bool served = bot::IsServedIntent(message.intent, message.intent_confidence);
  Emit(repository, events::kMessageReceived, conversation, message.id, std::nullopt,
       JsonOf({{"channel", inbox.channel}, {"intent", served ? message.intent : ""}}));
}

void ConversationService::RunBot(Repository& repository, Conversation& conversation,
                                 Message& message, const InboxProfile& inbox,
                                 const std::string& recipient, std::string_view reply_id,
                                 InboundOutcome& outcome) const {
  const auto articles = use_stored_articles_ ? bot::OpenKnowledgeRepository(repository) : nullptr;
  const bot::BotDecision decision = bot_->Respond(
      {message.text, reply_id, conversation.bot_unresolved_count, articles.get()});
  if (flows_ && RunFlow(repository, conversation, message, inbox, recipient, reply_id, decision,
                        outcome)) {
    return;
  }
  // A fallback stores the detector's result, so that reports can separate `oos`, a weak guess
  // and no detector. IsServedIntent keeps the first two apart from what the bot served.
  const bool fallback = decision.action == bot::BotAction::kFallback;
  message.intent = fallback ? decision.detected.intent : decision.intent;
  message.intent_confidence = fallback ? decision.detected.confidence : decision.confidence;
  StoreInbound(repository, conversation, message, inbox);

  if (decision.action == bot::BotAction::kAnswer) {
    conversation.bot_unresolved_count = 0;
    Emit(repository, events::kBotAnswered, conversation, message.id, std::nullopt,
         JsonOf({{"intent", decision.intent},
                 {"confidence", decision.confidence},
                 {"detected_intent", decision.detected.intent},
                 {"detected_confidence", decision.detected.confidence}}));
  } else {
    conversation.bot_unresolved_count += 1;
    Emit(repository, events::kBotMissed, conversation, message.id, std::nullopt,
         JsonOf({{"unresolved_count", conversation.bot_unresolved_count},
                 {"detected_intent", decision.detected.intent},
                 {"detected_confidence", decision.detected.confidence}}));
  }
  if (decision.action == bot::BotAction::kHandoff) {
    HandOff(repository, conversation, decision.reason, decision.intent, message.text);
    outcome.handed_off = true;
    if (handoff_listener_ != nullptr) {
      handoff_listener_->OnConversationHandedOff(repository, conversation, decision.reason,
                                                 message.intent);
    }
  }
  // ReceiveInbound runs the bot only for a number that is not opted out.
  OutboundRequest request{&inbox, recipient, SenderKind::kBot, std::nullopt, decision.text, true};
  auto queued = QueueOutbound(repository, conversation, request);
  outcome.queued.insert(outcome.queued.end(), queued.queued.begin(), queued.queued.end());
}

void ConversationService::HandOff(Repository& repository, Conversation& conversation,
                                  const std::string& reason, const std::string& intent,
                                  const std::string& last_text, const std::string& detail) const {
  conversation.tier = std::max(conversation.tier, 1);
  conversation.status = ConversationStatus::kOpen;
  conversation.handed_off_at = clock_.Now();
  conversation.assignee_agent_id.reset();
  conversation.handoff_summary = "Reason: " + reason + ". Unresolved bot messages: " +
                                 std::to_string(conversation.bot_unresolved_count) +
                                 ". Last message: \"" + Shorten(last_text, kSummaryQuoteChars) +
                                 "\"" + (detail.empty() ? "" : " " + detail) +
                                 " Authentication: " +
                                 security::DescribeAuthLevel(repository, conversation.id) + ".";
  Emit(repository, events::kConversationHandedOff, conversation, std::nullopt, std::nullopt,
       JsonOf({{"reason", reason}, {"tier", conversation.tier}, {"intent", intent}}));
}

std::optional<std::string> ConversationService::RecipientFor(Repository& repository,
                                                             const Conversation& conversation,
                                                             const InboxProfile& inbox) const {
  const bool inbox_scoped = inbox.capabilities.identity_scope == "inbox";
  for (const auto& identity : repository.ListIdentities(conversation.contact_id)) {
    if (inbox_scoped && identity.kind == IdentityKind::kWebchat && identity.inbox_id == inbox.id) {
      return identity.value;
    }
    if (!inbox_scoped && identity.kind == IdentityKind::kPhone) {
      return identity.value;
    }
  }
  return std::nullopt;
}

ActionOutcome ConversationService::QueueOutbound(Repository& repository,
                                                 Conversation& conversation,
                                                 const OutboundRequest& request) const {
  ActionOutcome outcome;
  const InboxProfile& inbox = *request.inbox;
  const TimePoint now = clock_.Now();
  const std::string text = MaskCardNumbers(SanitizeUtf8(request.text));
  if (IsBlank(text)) {
    return {ActionError::kEmptyText, "text is empty; write a reply of at least one character"};
  }
  if (text.size() > inbox.capabilities.max_text_chars * 4) {
    return {ActionError::kTextTooLong,
            "text is longer than inbox " + inbox.id + " allows (" +
                std::to_string(inbox.capabilities.max_text_chars) + " characters)"};
  }
  if (!request.ignore_opt_out && inbox.capabilities.keyword_opt_out &&
      repository.IsOptedOut(inbox.id, request.recipient)) {
    return {ActionError::kContactOptedOut,
            "the contact opted out of inbox " + inbox.id +
                " by replying STOP; nothing is sent until they reply START"};
  }
  if (inbox.capabilities.reply_window && request.sender == SenderKind::kAgent) {
    const auto last = repository.LastInboundAt(conversation.contact_id, inbox.id);
    if (!last || now - *last > *inbox.capabilities.reply_window) {
      return {ActionError::kOutsideReplyWindow,
              "the customer last wrote to inbox " + inbox.id + " more than " +
                  std::to_string(inbox.capabilities.reply_window->count()) +
                  " hours ago, so the channel only accepts approved templates"};
    }
  }

  Message message;
  message.conversation_id = conversation.id;
  message.inbox_id = inbox.id;
  message.direction = Direction::kOutbound;
  message.sender = request.sender;
  message.agent_id = request.agent_id;
  message.text = request.stored_text.empty() ? text
                                              : MaskCardNumbers(SanitizeUtf8(request.stored_text));
  message.options = request.options;
  message.status = DeliveryStatus::kQueued;
  message.created_at = now;
  message.updated_at = now;
  if (inbox.capabilities.sms_segments) {
    const auto sms = channels::common::SplitSms(text);
    message.encoding = sms.encoding;
    message.segments = static_cast<int>(sms.segments);
  }
  repository.InsertMessage(message);

  OutboxEntry entry;
  entry.message_id = message.id;
  entry.conversation_id = conversation.id;
  entry.inbox_id = inbox.id;
  entry.recipient = request.recipient;
  if (message.text != text) {
    entry.text = text;
  }
  entry.due_at = now;
  repository.EnqueueOutbox(entry);
  Emit(repository, events::kMessageQueued, conversation, message.id, request.agent_id,
       JsonOf({{"sender", std::string(ToString(request.sender))},
               {"segments", message.segments},
               {"encoding", message.encoding},
               {"channel", inbox.channel}}));
  outcome.message_id = message.id;
  outcome.queued.push_back({message.id, conversation.id, inbox.id});
  return outcome;
}

StatusOutcome ConversationService::ApplyStatus(Repository& repository,
                                               const StatusUpdate& update) const {
  StatusOutcome outcome;
  auto message = repository.FindOutboundMessage(update.inbox_id, update.provider_message_id);
  if (!message) {
    repository.SaveOrphanStatus(update, clock_.Now());
    return outcome;
  }
  outcome.matched = true;
  outcome.message_id = message->id;
  outcome.conversation_id = message->conversation_id;
  outcome.status = message->status;
  if (StatusRank(update.status) <= StatusRank(message->status)) {
    return outcome;
  }
  message->status = update.status;
  message->error_code = update.error_code;
  message->error_message = update.error_message;
  message->updated_at = clock_.Now();
  repository.UpdateMessageDelivery(*message);
  outcome.changed = true;
  outcome.status = update.status;

  Event event;
  event.type = std::string(events::kMessageStatus);
  event.conversation_id = message->conversation_id;
  event.message_id = message->id;
  event.inbox_id = update.inbox_id;
  event.data_json = JsonOf({{"status", std::string(ToString(update.status))},
                            {"error_code", update.error_code}});
  event.occurred_at = clock_.Now();
  repository.AppendEvent(event);
  return outcome;
}

void ConversationService::RecordSendSuccess(Repository& repository, const OutboxEntry& entry,
                                            const std::string& provider_message_id,
                                            DeliveryStatus reported) const {
  auto message = repository.GetMessage(entry.message_id);
  if (!message) {
    return;
  }
  message->provider_message_id = provider_message_id;
  if (StatusRank(reported) > StatusRank(message->status)) {
    message->status = reported;
  }
  message->updated_at = clock_.Now();
  repository.UpdateMessageDelivery(*message);

  OutboxEntry done = entry;
  done.state = "done";
  repository.UpdateOutbox(done, "");
  Event event;
  event.type = std::string(events::kMessageSent);
  event.conversation_id = entry.conversation_id;
  event.message_id = entry.message_id;
  event.agent_id = message->agent_id;
  event.inbox_id = entry.inbox_id;
  const InboxProfile* inbox = FindInbox(entry.inbox_id);
  event.data_json = JsonOf({{"sender", std::string(ToString(message->sender))},
                            {"attempts", entry.attempts},
                            {"channel", inbox != nullptr ? inbox->channel : std::string()},
                            {"segments", message->segments}});
  event.occurred_at = clock_.Now();
  repository.AppendEvent(event);

  // Status callbacks can arrive before this commit; they were kept aside under the id.
  for (const auto& update : repository.TakeOrphanStatuses(entry.inbox_id, provider_message_id)) {
    ApplyStatus(repository, update);
  }
}

void ConversationService::RecordSendFailure(Repository& repository, const OutboxEntry& entry,
                                            const std::string& error_code,
                                            const std::string& error_message) const {
  auto message = repository.GetMessage(entry.message_id);
  OutboxEntry failed = entry;
  failed.state = "failed";
  repository.UpdateOutbox(failed, error_message);
  if (!message) {
    return;
  }
  message->status = DeliveryStatus::kFailed;
  message->error_code = error_code;
  message->error_message = error_message;
  message->updated_at = clock_.Now();
  repository.UpdateMessageDelivery(*message);
  Event event;
  event.type = std::string(events::kMessageFailed);
  event.conversation_id = entry.conversation_id;
  event.message_id = entry.message_id;
  event.inbox_id = entry.inbox_id;
  event.data_json = JsonOf({{"error_code", error_code}, {"error_message", error_message}});
  event.occurred_at = clock_.Now();
  repository.AppendEvent(event);
}

}  // namespace mobilelink::core
