#pragma once

// The persistence port of the routing layer. An implementation runs on the same connection and
// transaction as the core::Repository it is opened from, so routing changes commit together
// with the conversation changes that cause them.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mobilelink/core/repository.hpp"
#include "mobilelink/routing/model.hpp"

namespace mobilelink::routing {

/// A conditional assignment. It succeeds only when the conversation is open, its assignee is
/// still `expected_assignee` (nullopt: unassigned) and the agent stays within both limits.
struct AssignRequest {
  std::int64_t conversation_id = 0;
  std::optional<std::int64_t> expected_assignee;
  std::int64_t agent_id = 0;
  std::string channel_kind;
  int max_total = 0;
  std::optional<int> max_for_channel;
  bool offered = false;  // True for the auto-assigner: the agent must still accept.
  core::TimePoint now;
};

class RoutingRepository {
 public:
  virtual ~RoutingRepository() = default;

  /// Inserts or replaces the queue entry of a conversation.
  virtual void SaveEntry(const QueueEntry& entry) = 0;
  /// Returns the entry joined with the conversation's tier, priority and assignee.
  virtual std::optional<QueueEntry> GetEntry(std::int64_t conversation_id) = 0;
  /// Lists a team's open, unassigned conversations in drain order: priority, then handoff time.
  virtual std::vector<QueueEntry> ListWaiting(std::string_view team_id, int limit) = 0;

  /// Applies `request` in one conditional UPDATE. Returns false and changes nothing when any
  /// condition fails.
  virtual bool AssignWithinCapacity(const AssignRequest& request) = 0;
  /// Removes the assignee and the offer of an open conversation.
  virtual void Unassign(std::int64_t conversation_id, core::TimePoint now) = 0;
  virtual void MarkAccepted(std::int64_t conversation_id, core::TimePoint now) = 0;

  virtual AgentLoad LoadOf(std::int64_t agent_id) = 0;
  virtual void SetPresence(std::int64_t agent_id, Presence presence, core::TimePoint now) = 0;
  /// Returns the stored presence; an agent that never set one is offline.
  virtual Presence GetPresence(std::int64_t agent_id,
                               std::optional<core::TimePoint>* changed_at = nullptr) = 0;

  /// Returns the agent id that the team's round robin assigned last.
  virtual std::optional<std::int64_t> LastRoundRobinAgent(std::string_view team_id) = 0;
  virtual void SetLastRoundRobinAgent(std::string_view team_id, std::int64_t agent_id) = 0;
};

/// Opens the routing port on the connection and transaction of `unit`. Defined by the store
/// engine (src/store/sqlite_routing_repository.cpp).
std::unique_ptr<RoutingRepository> OpenRoutingRepository(core::Repository& unit);

}  // namespace mobilelink::routing
