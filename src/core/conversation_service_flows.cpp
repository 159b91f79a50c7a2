// The conversation core's side of flows: which messages go to a flow, and how a flow's turn
// becomes queued replies and handoffs. The flow engine itself lives in bot/.

#include <boost/json.hpp>

#include "mobilelink/core/conversation_service.hpp"
#include "mobilelink/events/event_types.hpp"

namespace mobilelink::core {

bool ConversationService::RunFlow(Repository& repository, Conversation& conversation,
                                  Message& message, const InboxProfile& inbox,
                                  const std::string& recipient, std::string_view reply_id,
                                  const bot::BotDecision& decision,
                                  InboundOutcome& outcome) const {
  const auto state = flows_->ActiveState(repository, conversation.id);
  const bot::Flow* flow = state ? nullptr : flows_->FindByIntent(decision.intent);
  if (!state && flow == nullptr) {
    return false;
  }
  const bool asks_for_person =
      decision.action == bot::BotAction::kHandoff && decision.reason == "customer_request";
  if (state && asks_for_person) {
    message.intent = decision.intent;
    StoreInbound(repository, conversation, message, inbox);
    flows_->Abandon(repository, conversation, *state, "customer_request");
    bot::FlowTurn turn;
    turn.progress = true;
    turn.handoff = true;
    turn.handoff_reason = "customer_request";
    turn.summary = bot::FlowEngine::Summarize(*state);
    ApplyFlowTurn(repository, conversation, inbox, recipient, std::move(turn), message.text,
                  outcome);
    return true;
  }
  message.intent = state ? "flow:" + state->flow : decision.intent;
  message.intent_confidence = state ? 1.0 : decision.confidence;
  StoreInbound(repository, conversation, message, inbox);
  const bot::FlowChannel channel{inbox.id, recipient, inbox.capabilities.quick_replies,
                                 inbox.channel};
  bot::FlowTurn turn =
      state ? flows_->Continue(repository, conversation, *state, message.text, reply_id, channel)
            : flows_->Start(repository, conversation, *flow, channel, decision.intent);
  ApplyFlowTurn(repository, conversation, inbox, recipient, std::move(turn), message.text,
                outcome);
  return true;
}

void ConversationService::ApplyFlowTurn(Repository& repository, Conversation& conversation,
                                        const InboxProfile& inbox, const std::string& recipient,
                                        bot::FlowTurn turn, const std::string& last_text,
                                        InboundOutcome& outcome) const {
  if (turn.progress) {
    conversation.bot_unresolved_count = 0;
  } else {
    conversation.bot_unresolved_count += 1;
    // Messages that move no flow forward count toward the same limit as unanswered ones.
    if (!turn.handoff && conversation.bot_unresolved_count >= bot_->Config().handoff_after) {
      if (auto state = flows_->ActiveState(repository, conversation.id)) {
        turn.summary = bot::FlowEngine::Summarize(*state);
        flows_->Abandon(repository, conversation, *state, "unresolved");
      }
      turn.replies.clear();
      turn.handoff = true;
      turn.handoff_reason = "unresolved";
    }
  }
  if (turn.handoff) {
    // A handoff step's own text, when it has one, replaces the configured handoff message.
    if (turn.replies.empty() || turn.handoff_reason != "flow_step") {
      turn.replies.push_back({bot_->Config().handoff_message, {}});
    }
    HandOff(repository, conversation, turn.handoff_reason, std::string(), last_text, turn.summary);
    outcome.handed_off = true;
  }
  outcome.flow_waiting = turn.waiting;
  for (auto& reply : turn.replies) {
    const InboxProfile* target = reply.inbox_id.empty() ? &inbox : FindInbox(reply.inbox_id);
    if (target == nullptr) {
      continue;
    }
    // A passcode to another inbox or number checks that number's consent; other replies go
    // to the sender, whose consent ReceiveInbound has just checked.
    const bool other_address = !reply.recipient.empty();
    OutboundRequest request{target,
                            other_address ? reply.recipient : recipient,
                            SenderKind::kBot,
                            std::nullopt,
                            reply.text,
                            !other_address,
                            std::move(reply.options),
                            std::move(reply.stored_text)};
    auto queued = QueueOutbound(repository, conversation, request);
    outcome.queued.insert(outcome.queued.end(), queued.queued.begin(), queued.queued.end());
  }
}

void ConversationService::AbandonFlow(Repository& repository, const Conversation& conversation,
                                      std::string_view reason) const {
  if (!flows_ || conversation.id == 0) {
    return;
  }
  if (auto state = flows_->ActiveState(repository, conversation.id)) {
    flows_->Abandon(repository, conversation, *state, reason);
  }
}

InboundOutcome ConversationService::ResumeFlow(Repository& repository,
                                               const bot::PendingCall& call,
                                               const bot::CallResult& result) const {
  InboundOutcome outcome;
  auto conversation = repository.GetConversation(call.conversation_id);
  if (!flows_ || !conversation) {
    return outcome;
  }
  const auto state = flows_->ActiveState(repository, conversation->id);
  const InboxProfile* inbox = state ? FindInbox(state->inbox_id) : nullptr;
  if (inbox == nullptr) {
    return outcome;
  }
  outcome.conversation_id = conversation->id;
  outcome.contact_id = conversation->contact_id;
  const bot::FlowChannel channel{inbox->id, state->recipient, inbox->capabilities.quick_replies,
                                 inbox->channel};
  bot::FlowTurn turn = flows_->CompleteCall(repository, *conversation, call, result, channel);
  // The result of a call is no customer message, so it never counts toward the handoff limit.
  turn.progress = true;
  ApplyFlowTurn(repository, *conversation, *inbox, state->recipient, std::move(turn),
                "", outcome);
  conversation->updated_at = clock_.Now();
  repository.UpdateConversation(*conversation);
  return outcome;
}

}  // namespace mobilelink::core
