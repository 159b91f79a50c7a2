#pragma once

// Team queues, assignment and escalation. Every operation runs inside a store transaction on
// the single writer, like core::ConversationService, and returns what the caller reports after
// the commit. Capacity and the single assignee are enforced by one conditional UPDATE in the
// store (RoutingRepository::AssignWithinCapacity), so concurrent claims and the auto-assigner
// can never exceed them.

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mobilelink/core/clock.hpp"
#include "mobilelink/core/conversation_service.hpp"
#include "mobilelink/core/repository.hpp"
#include "mobilelink/routing/model.hpp"
#include "mobilelink/routing/routing_repository.hpp"
#include "mobilelink/routing/sla_service.hpp"

namespace mobilelink::routing {

enum class RoutingError {
  kNone,
  kConversationNotFound,
  kResolved,
  kNotHandedOff,
  kAlreadyAssigned,
  kOverCapacity,
  kNotAssignee,
  kForbidden,
  kAgentNotFound,
  kTeamNotFound,
  kNotOffered,
  kAlreadyEscalated,
};

std::string_view ToString(RoutingError error);

struct RoutingOutcome {
  RoutingError error = RoutingError::kNone;
  std::string detail;            // Operator-facing explanation for errors.
  bool queued_messages = false;  // A customer notice was queued; wake the outbox after commit.
  [[nodiscard]] bool ok() const { return error == RoutingError::kNone; }
};

/// Who performs an operation: agents act on their own conversations and presence,
/// supervisors on anyone's.
struct Actor {
  std::int64_t agent_id = 0;
  bool supervisor = false;
};

/// Escalation reasons stored in escalation.raised events.
enum class EscalationReason {
  kBotUnresolved,
  kCustomerRequest,
  kAcceptTimeout,
  kResolutionTimeout,
  kNeedsEngineering,
  kManual,
};

std::string_view ToString(EscalationReason reason);
std::optional<EscalationReason> ParseEscalationReason(std::string_view text);

/// Schedules the stored timers of escalation. Implemented over the timer store; the handlers
/// call RoutingService::OnAcceptTimeout and OnResolutionTimeout when they fire.
class EscalationTimers {
 public:
  virtual ~EscalationTimers() = default;
  virtual void ScheduleAcceptTimeout(core::Repository& repository, std::int64_t conversation_id,
                                     core::TimePoint due) const = 0;
  virtual void ScheduleResolutionTimeout(core::Repository& repository, std::int64_t conversation_id,
                                         core::TimePoint due) const = 0;
};

/// Thread safe after Start: holds read-only configuration and an atomic drain request.
class RoutingService final : public core::HandoffListener {
 public:
  RoutingService(RoutingConfig config, const core::ConversationService& conversations,
                 const core::TimeSource& clock);

  /// Maps configured agent logins to stored agent ids. Call once at start, before sharing.
  void ResolveAgents(core::Repository& repository);
  /// Sets the timer scheduler. Without one, no timeout escalation is scheduled.
  void SetTimers(const EscalationTimers* timers) { timers_ = timers; }
  /// Sets the SLA service that priority changes go through, so its clocks retarget. Without
  /// one, SetPriority stores the priority and records the event itself.
  void SetSlaService(const SlaService* sla) { sla_ = sla; }

  // core::HandoffListener
  /// Queues the conversation on its team and schedules the accept and tier 2 timeouts.
  void OnConversationHandedOff(core::Repository& repository, const core::Conversation& conversation,
                               const std::string& reason, const std::string& intent) const override;

  /// Assigns a queued conversation to the calling agent, accepted at once.
  RoutingOutcome Claim(core::Repository& repository, std::int64_t conversation_id,
                       std::int64_t agent_id) const;
  /// Accepts the offer that the auto-assigner made to the agent.
  RoutingOutcome Accept(core::Repository& repository, std::int64_t conversation_id,
                        const Actor& actor) const;
  /// Assigns or reassigns a conversation to `agent_id` within that agent's capacity. Agents may
  /// only hand over their own conversations; supervisors may move any.
  RoutingOutcome TransferToAgent(core::Repository& repository, std::int64_t conversation_id,
                                 const Actor& actor, std::int64_t agent_id) const;
  /// Moves a conversation back to a team's queue, without an assignee.
  RoutingOutcome TransferToTeam(core::Repository& repository, std::int64_t conversation_id,
                                const Actor& actor, const std::string& team_id) const;
  /// Raises a tier 1 conversation to tier 2 for `reason` (needs_engineering or manual).
  RoutingOutcome Escalate(core::Repository& repository, std::int64_t conversation_id,
                          const Actor& actor, EscalationReason reason) const;
  /// Sets the priority through the SLA service (or stores it) and reorders the queues.
  RoutingOutcome SetPriority(core::Repository& repository, std::int64_t conversation_id,
                             const Actor& actor, core::Priority priority) const;
  RoutingOutcome SetPresence(core::Repository& repository, std::int64_t agent_id,
                             const Actor& actor, Presence presence) const;

  /// Fired by the accept timer: an unaccepted conversation moves to the overflow team's queue
  /// and the team's supervisors are alerted. A team without an overflow team keeps the
  /// conversation, and then no escalation is recorded and no notice is sent.
  RoutingOutcome OnAcceptTimeout(core::Repository& repository, std::int64_t conversation_id) const;
  /// Fired by the tier 2 timer: a conversation still unresolved at tier 1 is raised to tier 2.
  RoutingOutcome OnResolutionTimeout(core::Repository& repository,
                                     std::int64_t conversation_id) const;

  /// Assigns waiting conversations of every team to agents that are online and within
  /// capacity, highest priority first, then oldest handoff first. Returns how many it assigned.
  int DrainAll(core::Repository& repository) const;
  /// Returns true once after any change that may let the queues drain, and clears the request.
  bool TakeDrainRequest() const { return drain_requested_.exchange(false); }
  /// Asks the auto-assigner for a drain after the current commit, for changes made outside this
  /// service that free capacity (a resolve or a hand back).
  void RequestDrain() const { drain_requested_.store(true); }

  [[nodiscard]] const RoutingConfig& Config() const { return config_; }
  [[nodiscard]] const Team* FindTeam(std::string_view team_id) const;
  [[nodiscard]] const AgentRouting* FindAgentRouting(std::int64_t agent_id) const;
  /// Returns the capacity of an agent; agents without routing settings get the default.
  [[nodiscard]] Capacity CapacityOf(std::int64_t agent_id) const;
  [[nodiscard]] std::vector<AgentState> ListAgentStates(core::Repository& repository) const;
  /// Returns the team and calendar whose business hours the conversation's SLA clocks count.
  [[nodiscard]] SlaScope SlaScopeOf(core::Repository& repository,
                                    const core::Conversation& conversation) const;

 private:
  struct Candidate {
    std::int64_t agent_id = 0;
    AgentLoad load;
    const AgentRouting* routing = nullptr;
  };
  // Loads a handed-off, open conversation into `conversation`. With an `actor`, also checks
  // that the actor is its assignee or a supervisor.
  RoutingOutcome LoadForAction(core::Repository& repository, std::int64_t conversation_id,
                               const Actor* actor, core::Conversation& conversation) const;
  int DrainTeam(core::Repository& repository, RoutingRepository& routes, const Team& team) const;
  std::optional<std::int64_t> PickAgent(RoutingRepository& routes, const Team& team,
                                        const QueueEntry& entry,
                                        const std::vector<Candidate>& candidates) const;
  std::vector<Candidate> Candidates(RoutingRepository& routes, const Team& team) const;
  bool Assign(RoutingRepository& routes, const QueueEntry& entry,
              std::optional<std::int64_t> expected, std::int64_t agent_id, bool offered) const;
  QueueEntry EntryFor(RoutingRepository& routes, const core::Conversation& conversation) const;
  RoutingOutcome RaiseToTier2(core::Repository& repository, RoutingRepository& routes,
                              core::Conversation& conversation, EscalationReason reason) const;
  bool SendNotice(core::Repository& repository, std::int64_t conversation_id,
                  const std::string& text, const std::string& team_name,
                  std::chrono::seconds wait) const;
  void EmitEscalation(core::Repository& repository, const core::Conversation& conversation,
                      int from_tier, int to_tier, EscalationReason reason,
                      const std::string& team_id) const;
  void Emit(core::Repository& repository, std::string_view type,
            const core::Conversation& conversation, std::optional<std::int64_t> agent_id,
            std::string data_json) const;
  std::string TeamForIntent(const std::string& intent) const;

  RoutingConfig config_;
  const core::ConversationService& conversations_;
  const core::TimeSource& clock_;
  const EscalationTimers* timers_ = nullptr;
  const SlaService* sla_ = nullptr;
  std::map<std::string, std::int64_t> agent_ids_;  // Login to stored id.
  std::map<std::int64_t, const AgentRouting*> routing_by_id_;
  mutable std::atomic<bool> drain_requested_{false};
};

/// Expresses a wait for customers: "45 seconds", "2 minutes", "3 hours".
std::string DescribeWait(std::chrono::seconds wait);

}  // namespace mobilelink::routing
