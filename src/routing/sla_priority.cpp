// SlaService: priority rules, agent-set priorities and retargeting clocks to a new priority.

#include <algorithm>
#include <cctype>

#include <boost/json.hpp>

#include "mobilelink/bot/tier_zero_bot.hpp"
#include "mobilelink/events/event_types.hpp"
#include "mobilelink/routing/sla_events.hpp"
#include "mobilelink/routing/sla_service.hpp"

namespace mobilelink::routing {

namespace json = boost::json;

namespace {

constexpr std::string_view kSourceDefault = "default";
constexpr std::string_view kSourceRule = "rule";
constexpr std::string_view kSourceAgent = "agent";

std::string Lower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

bool AnyEquals(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

}  // namespace

core::Priority MoreUrgent(core::Priority a, core::Priority b) {
  // The enum lists priorities from the most urgent down.
  return static_cast<int>(a) <= static_cast<int>(b) ? a : b;
}

std::optional<core::Priority> SlaService::MatchRules(const PriorityInput& input) const {
  const std::string text = Lower(input.text);
  for (const auto& rule : config_.rules) {
    if (!rule.intents.empty() && !AnyEquals(rule.intents, input.intent)) {
      continue;
    }
    if (!rule.customer_tiers.empty() && !AnyEquals(rule.customer_tiers, input.customer_tier)) {
      continue;
    }
    if (!rule.keywords.empty() &&
        std::none_of(rule.keywords.begin(), rule.keywords.end(), [&](const std::string& keyword) {
          return text.find(keyword) != std::string::npos;
        })) {
      continue;
    }
    return rule.priority;
  }
  return std::nullopt;
}

void SlaService::ApplyRules(core::Repository& repository, SlaRepository& sla,
                            core::Conversation& conversation, const core::Message& message) const {
  const auto source = sla.GetPrioritySource(conversation.id);
  if (source == kSourceAgent) {
    return;
  }
  // A fallback's detected intent is a guess, not the intent the bot served.
  const bool served = bot::IsServedIntent(message.intent, message.intent_confidence);
  PriorityInput input{served ? message.intent : "", "", message.text};
  if (tier_lookup_) {
    input.customer_tier = tier_lookup_(repository, conversation.contact_id);
  }
  const auto matched = MatchRules(input);
  // The first decision starts from the default; later ones only raise the priority.
  const core::Priority base = source ? conversation.priority : config_.default_priority;
  const core::Priority wanted = matched ? MoreUrgent(base, *matched) : base;
  if (!source || wanted != conversation.priority) {
    ChangePriority(repository, sla, conversation, wanted, matched ? kSourceRule : kSourceDefault,
                   std::nullopt);
  }
}

core::ActionOutcome SlaService::SetPriority(core::Repository& repository,
                                            std::int64_t conversation_id, core::Priority priority,
                                            std::int64_t agent_id) const {
  auto conversation = repository.GetConversation(conversation_id);
  if (!conversation) {
    return {core::ActionError::kConversationNotFound,
            "conversation " + std::to_string(conversation_id) + " not found"};
  }
  if (conversation->status == core::ConversationStatus::kResolved) {
    return {core::ActionError::kResolved,
            "conversation " + std::to_string(conversation_id) + " is resolved"};
  }
  auto sla = OpenSlaRepository(repository);
  ChangePriority(repository, *sla, *conversation, priority, kSourceAgent, agent_id);
  conversation->updated_at = clock_.Now();
  repository.UpdateConversation(*conversation);
  return {};
}

void SlaService::ChangePriority(core::Repository& repository, SlaRepository& sla,
                                core::Conversation& conversation, core::Priority priority,
                                std::string_view source,
                                std::optional<std::int64_t> agent_id) const {
  const auto now = clock_.Now();
  sla.SetPrioritySource(conversation.id, source, agent_id, now);
  if (priority == conversation.priority) {
    return;
  }
  const core::Priority previous = conversation.priority;
  conversation.priority = priority;
  const json::object data{{"priority", core::ToString(priority)},
                          {"previous", core::ToString(previous)},
                          {"source", source}};
  AppendConversationEvent(repository, events::kConversationPriorityChanged, conversation,
                          json::serialize(data), now, agent_id);
  for (auto& clock : sla.ListActiveClocks(conversation.id)) {
    clock.priority = priority;
    Retarget(repository, sla, clock);
  }
}

void SlaService::Retarget(core::Repository& repository, SlaRepository& sla, SlaClock& clock) const {
  if (clock.breached_at) {
    // A breached clock keeps the target it missed, so its elapsed time stays comparable.
    sla.UpdateClock(clock);
    return;
  }
  const auto now = clock_.Now();
  const auto elapsed = Elapsed(clock, now);
  clock.target = config_.Policy(clock.priority).Target(clock.metric);
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(clock.target) - elapsed;
  clock.remaining = left;
  if (!clock.paused_at) {
    // A target already passed under the new priority breaches at once.
    clock.due_at = Calendar(clock.calendar_id)
                       .AddBusinessTime(now, std::max(left, std::chrono::milliseconds(0)));
  }
  sla.UpdateClock(clock);
  ScheduleDue(repository, clock);
}

}  // namespace mobilelink::routing
