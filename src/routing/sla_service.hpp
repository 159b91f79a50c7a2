#pragma once

// SLA clocks, priorities and breach actions.
//
// Clocks (routing::SlaClock, stored in sla_clocks):
//   - first_response and resolution start when the bot hands the conversation off;
//   - an agent's reply stops the running first_response or next_response clock;
//   - a customer message when no response clock runs starts next_response;
//   - status pending or snoozed pauses every clock, and status open resumes them;
//   - resolving, or handing back to the bot, stops every clock.
// A clock counts the business hours of its calendar (SlaScope). Its due time is a stored
// timer of kind kDueTimerKind, keyed by the clock id, and is moved whenever the clock pauses,
// resumes or its priority changes. When the timer fires before the clock stops, the clock is
// breached: an `sla.breached` event and the breach actions of the clock's priority run in the
// same transaction. A breached clock runs on until an agent replies or resolves, so the
// `sla.stopped` event reports the whole elapsed time.
//
// Priorities: the first customer message sets the configured default, raised by the first
// matching rule; later rules only raise it. Once an agent sets a priority, rules no longer
// change it. A new priority retargets the running clocks.

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "mobilelink/config/sla_config.hpp"
#include "mobilelink/core/clock.hpp"
#include "mobilelink/core/conversation_service.hpp"
#include "mobilelink/core/repository.hpp"
#include "mobilelink/core/timer.hpp"
#include "mobilelink/core/timer_worker.hpp"
#include "mobilelink/routing/calendar.hpp"
#include "mobilelink/routing/on_call.hpp"
#include "mobilelink/routing/sla_repository.hpp"

namespace mobilelink::routing {

/// SLA settings of one conversation: its team, the calendar its clocks count and the on-call
/// team that a breach pages. Empty fields take the `sla` config defaults (sla.calendar,
/// sla.on_call_team).
struct SlaScope {
  std::string team_id;
  std::string calendar_id;
  std::string on_call_team;
};

/// Returns the scope of a conversation; the routing layer sets one that reads its team.
using SlaScopeResolver =
    std::function<SlaScope(core::Repository& repository, const core::Conversation& conversation)>;
/// Returns a contact's customer tier (such as "vip"), or empty when unknown.
using CustomerTierLookup =
    std::function<std::string(core::Repository& repository, std::int64_t contact_id)>;

/// Input of the priority rules.
struct PriorityInput {
  std::string intent;
  std::string customer_tier;
  std::string text;
};

/// Thread safe after setup: the setters run before the service is shared.
class SlaService final : public core::ConversationObserver {
 public:
  static constexpr std::string_view kDueTimerKind = "sla.due";

  /// Throws std::invalid_argument when a calendar is invalid.
  SlaService(config::SlaConfig config, const std::vector<config::CalendarConfig>& calendars,
             const OnCallService* on_call, const core::TimeSource& clock);

  void SetScopeResolver(SlaScopeResolver resolver) { scope_resolver_ = std::move(resolver); }
  void SetCustomerTierLookup(CustomerTierLookup lookup) { tier_lookup_ = std::move(lookup); }

  /// Registers the handlers of the SLA due timer and the on-call ack timer.
  void RegisterTimers(core::TimerWorker& worker) const;

  /// Sets the priority of a conversation by an agent's choice, retargets its clocks and
  /// records `conversation.priority_changed`. Rules no longer change it afterwards. Fails with
  /// kConversationNotFound or kResolved. The caller checks the agent's role.
  core::ActionOutcome SetPriority(core::Repository& repository, std::int64_t conversation_id,
                                  core::Priority priority, std::int64_t agent_id) const;

  /// Returns the priority of the first rule that matches, if any.
  [[nodiscard]] std::optional<core::Priority> MatchRules(const PriorityInput& input) const;

  /// Timer handler of kDueTimerKind: breaches the clock unless it stopped or paused meanwhile.
  void HandleDue(core::Repository& repository, const core::Timer& timer) const;

  /// Returns the calendar with `id`, or the always-open calendar when `id` is empty or unknown.
  [[nodiscard]] const BusinessCalendar& Calendar(const std::string& id) const;

  /// Returns the business time a clock has counted up to `now`.
  [[nodiscard]] std::chrono::milliseconds Elapsed(const SlaClock& clock, core::TimePoint now) const;

  [[nodiscard]] const config::SlaConfig& Config() const { return config_; }

  // core::ConversationObserver
  bool ConsumeInbound(core::Repository& repository,
                      const core::InboundMessage& inbound) const override;
  void OnCustomerMessage(core::Repository& repository, core::Conversation& conversation,
                         const core::Message& message, bool handed_off) const override;
  void OnAgentReply(core::Repository& repository, core::Conversation& conversation,
                    std::int64_t message_id) const override;
  void OnStatusChanged(core::Repository& repository,
                       core::Conversation& conversation) const override;

 private:
  [[nodiscard]] SlaScope ScopeOf(core::Repository& repository,
                                 const core::Conversation& conversation) const;
  void ApplyRules(core::Repository& repository, SlaRepository& sla,
                  core::Conversation& conversation, const core::Message& message) const;
  void ChangePriority(core::Repository& repository, SlaRepository& sla,
                      core::Conversation& conversation, core::Priority priority,
                      std::string_view source, std::optional<std::int64_t> agent_id) const;
  void StartClock(core::Repository& repository, SlaRepository& sla,
                  const core::Conversation& conversation, config::SlaMetric metric) const;
  void StopClock(core::Repository& repository, SlaRepository& sla,
                 const core::Conversation& conversation, SlaClock& clock,
                 std::string_view reason) const;
  // Pauses, resumes or stops the clocks to match the conversation's status and tier.
  void SyncClocks(core::Repository& repository, SlaRepository& sla,
                  const core::Conversation& conversation) const;
  void Retarget(core::Repository& repository, SlaRepository& sla, SlaClock& clock) const;
  void ScheduleDue(core::Repository& repository, const SlaClock& clock) const;
  void RunBreachActions(core::Repository& repository, core::Conversation& conversation,
                        const SlaClock& clock, const SlaScope& scope) const;
  void EmitClockEvent(core::Repository& repository, std::string_view type,
                      const core::Conversation& conversation, const SlaClock& clock,
                      const std::string& extra_json) const;

  config::SlaConfig config_;
  std::map<std::string, BusinessCalendar> calendars_;
  BusinessCalendar always_open_;
  const OnCallService* on_call_;
  const core::TimeSource& clock_;
  SlaScopeResolver scope_resolver_;
  CustomerTierLookup tier_lookup_;
};

/// Returns the more urgent of two priorities.
core::Priority MoreUrgent(core::Priority a, core::Priority b);

}  // namespace mobilelink::routing
