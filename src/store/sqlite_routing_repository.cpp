// SQLite implementation of routing::RoutingRepository, on the connection and transaction of the
// core repository it is opened from.

#include "mobilelink/routing/routing_repository.hpp"
#include "mobilelink/store/sqlite_repository.hpp"

namespace mobilelink::store {

namespace {

#define ENTRY_COLUMNS                                                                    \
  "r.conversation_id, r.team_id, r.channel_kind, r.required_skill, c.priority, c.tier, " \
  "r.queued_at, c.assignee_agent_id, r.offered_at, r.accepted_at, r.escalations"

constexpr Query kSaveEntry{
    "save_routing_entry",
    "INSERT INTO routing_entries (conversation_id, team_id, channel_kind, required_skill, "
    "queued_at, offered_at, accepted_at, escalations) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
    "ON CONFLICT(conversation_id) DO UPDATE SET team_id = ?2, channel_kind = ?3, "
    "required_skill = ?4, queued_at = ?5, offered_at = ?6, accepted_at = ?7, escalations = ?8"};
constexpr Query kGetEntry{"get_routing_entry",
                          "SELECT " ENTRY_COLUMNS
                          " FROM routing_entries r JOIN conversations c ON c.id = "
                          "r.conversation_id WHERE r.conversation_id = ?1"};
constexpr Query kListWaiting{
    "list_waiting",
    "SELECT " ENTRY_COLUMNS
    " FROM routing_entries r JOIN conversations c ON c.id = r.conversation_id "
    "WHERE r.team_id = ?1 AND c.assignee_agent_id IS NULL AND c.status != 'resolved' "
    "AND c.tier >= 1 ORDER BY CASE c.priority WHEN 'critical' THEN 0 WHEN 'high' THEN 1 "
    "ELSE 2 END, r.queued_at, r.conversation_id LIMIT ?2"};

// One statement checks the expected assignee and both capacity limits and assigns, so no other
// unit of work can slip in between the check and the change.
constexpr Query kAssignWithinCapacity{
    "assign_within_capacity",
    "UPDATE conversations SET assignee_agent_id = ?3, updated_at = ?4, status = 'open' "
    "WHERE id = ?1 AND assignee_agent_id IS ?2 AND status != 'resolved' "
    "AND (SELECT COUNT(*) FROM conversations WHERE assignee_agent_id = ?3 "
    "AND status != 'resolved' AND id != ?1) < ?5 "
    "AND (?7 IS NULL OR (SELECT COUNT(*) FROM conversations o JOIN routing_entries e "
    "ON e.conversation_id = o.id WHERE o.assignee_agent_id = ?3 AND o.status != 'resolved' "
    "AND e.channel_kind = ?6 AND o.id != ?1) < ?7)"};
constexpr Query kRecordAssignment{
    "record_assignment",
    "UPDATE routing_entries SET offered_at = CASE WHEN ?2 THEN ?3 ELSE NULL END, "
    "accepted_at = CASE WHEN ?2 THEN NULL ELSE ?3 END WHERE conversation_id = ?1"};
constexpr Query kUnassignConversation{
    "unassign_conversation",
    "UPDATE conversations SET assignee_agent_id = NULL, updated_at = ?2 "
    "WHERE id = ?1 AND status != 'resolved'"};
constexpr Query kClearOffer{
    "clear_offer",
    "UPDATE routing_entries SET offered_at = NULL, accepted_at = NULL WHERE conversation_id = ?1"};
constexpr Query kMarkAccepted{"mark_accepted",
                              "UPDATE routing_entries SET accepted_at = ?2 "
                              "WHERE conversation_id = ?1"};
constexpr Query kLoadOf{"agent_load",
                        "SELECT COALESCE(e.channel_kind, ''), COUNT(*) FROM conversations c "
                        "LEFT JOIN routing_entries e ON e.conversation_id = c.id "
                        "WHERE c.assignee_agent_id = ?1 AND c.status != 'resolved' GROUP BY 1"};
constexpr Query kSetPresence{
    "set_presence",
    "INSERT INTO agent_presence (agent_id, presence, changed_at) VALUES (?1, ?2, ?3) "
    "ON CONFLICT(agent_id) DO UPDATE SET presence = ?2, changed_at = ?3"};
constexpr Query kGetPresence{"get_presence",
                             "SELECT presence, changed_at FROM agent_presence WHERE agent_id = ?1"};
constexpr Query kLastRoundRobin{"last_round_robin",
                                "SELECT last_agent_id FROM round_robin_cursors WHERE team_id = ?1"};
constexpr Query kSetLastRoundRobin{
    "set_last_round_robin",
    "INSERT INTO round_robin_cursors (team_id, last_agent_id) VALUES (?1, ?2) "
    "ON CONFLICT(team_id) DO UPDATE SET last_agent_id = ?2"};

std::optional<core::TimePoint> OptionalTime(const Statement& row, int column) {
  if (row.IsNull(column)) {
    return std::nullopt;
  }
  return FromMillis(row.Int(column));
}

void BindTime(Statement& statement, int index, const std::optional<core::TimePoint>& time) {
  if (time) {
    statement.Bind(index, ToMillis(*time));
  } else {
    statement.BindNull(index);
  }
}

routing::QueueEntry ReadEntry(const Statement& row) {
  routing::QueueEntry entry;
  entry.conversation_id = row.Int(0);
  entry.team_id = row.Text(1);
  entry.channel_kind = row.Text(2);
  entry.required_skill = row.Text(3);
  entry.priority = core::ParsePriority(row.Text(4)).value_or(core::Priority::kStandard);
  entry.tier = static_cast<int>(row.Int(5));
  entry.queued_at = FromMillis(row.Int(6));
  entry.assignee_agent_id = row.OptionalInt(7);
  entry.offered_at = OptionalTime(row, 8);
  entry.accepted_at = OptionalTime(row, 9);
  entry.escalations = static_cast<int>(row.Int(10));
  return entry;
}

class SqliteRoutingRepository final : public routing::RoutingRepository {
 public:
  explicit SqliteRoutingRepository(Connection& db) : db_(db) {}

  void SaveEntry(const routing::QueueEntry& entry) override {
    auto statement = db_.Prepare(kSaveEntry);
    statement.Bind(1, entry.conversation_id)
        .Bind(2, entry.team_id)
        .Bind(3, entry.channel_kind)
        .Bind(4, entry.required_skill)
        .Bind(5, ToMillis(entry.queued_at));
    BindTime(statement, 6, entry.offered_at);
    BindTime(statement, 7, entry.accepted_at);
    statement.Bind(8, entry.escalations).Run();
  }

  std::optional<routing::QueueEntry> GetEntry(std::int64_t conversation_id) override {
    auto row = db_.Prepare(kGetEntry);
    row.Bind(1, conversation_id);
    if (!row.Step()) {
      return std::nullopt;
    }
    return ReadEntry(row);
  }

  std::vector<routing::QueueEntry> ListWaiting(std::string_view team_id, int limit) override {
    auto row = db_.Prepare(kListWaiting);
    row.Bind(1, team_id).Bind(2, limit);
    std::vector<routing::QueueEntry> entries;
    while (row.Step()) {
      entries.push_back(ReadEntry(row));
    }
    return entries;
  }

  bool AssignWithinCapacity(const routing::AssignRequest& request) override {
    auto update = db_.Prepare(kAssignWithinCapacity);
    update.Bind(1, request.conversation_id)
        .Bind(2, request.expected_assignee)
        .Bind(3, request.agent_id)
        .Bind(4, ToMillis(request.now))
        .Bind(5, request.max_total)
        .Bind(6, request.channel_kind);
    if (request.max_for_channel) {
      update.Bind(7, *request.max_for_channel);
    } else {
      update.BindNull(7);
    }
    update.Run();
    if (db_.Changes() != 1) {
      return false;
    }
    db_.Prepare(kRecordAssignment)
        .Bind(1, request.conversation_id)
        .Bind(2, request.offered ? 1 : 0)
        .Bind(3, ToMillis(request.now))
        .Run();
    return true;
  }

  void Unassign(std::int64_t conversation_id, core::TimePoint now) override {
    db_.Prepare(kUnassignConversation).Bind(1, conversation_id).Bind(2, ToMillis(now)).Run();
    db_.Prepare(kClearOffer).Bind(1, conversation_id).Run();
  }

  void MarkAccepted(std::int64_t conversation_id, core::TimePoint now) override {
    db_.Prepare(kMarkAccepted).Bind(1, conversation_id).Bind(2, ToMillis(now)).Run();
  }

  routing::AgentLoad LoadOf(std::int64_t agent_id) override {
    auto row = db_.Prepare(kLoadOf);
    row.Bind(1, agent_id);
    routing::AgentLoad load;
    while (row.Step()) {
      const int count = static_cast<int>(row.Int(1));
      load.total += count;
      if (const std::string kind = row.Text(0); !kind.empty()) {
        load.per_channel[kind] = count;
      }
    }
    return load;
  }

  void SetPresence(std::int64_t agent_id, routing::Presence presence,
                   core::TimePoint now) override {
    db_.Prepare(kSetPresence)
        .Bind(1, agent_id)
        .Bind(2, routing::ToString(presence))
        .Bind(3, ToMillis(now))
        .Run();
  }

  routing::Presence GetPresence(std::int64_t agent_id,
                                std::optional<core::TimePoint>* changed_at) override {
    auto row = db_.Prepare(kGetPresence);
    row.Bind(1, agent_id);
    if (!row.Step()) {
      return routing::Presence::kOffline;
    }
    if (changed_at != nullptr) {
      *changed_at = FromMillis(row.Int(1));
    }
    return routing::ParsePresence(row.Text(0)).value_or(routing::Presence::kOffline);
  }

  std::optional<std::int64_t> LastRoundRobinAgent(std::string_view team_id) override {
    auto row = db_.Prepare(kLastRoundRobin);
    row.Bind(1, team_id);
    if (!row.Step()) {
      return std::nullopt;
    }
    return row.Int(0);
  }

  void SetLastRoundRobinAgent(std::string_view team_id, std::int64_t agent_id) override {
    db_.Prepare(kSetLastRoundRobin).Bind(1, team_id).Bind(2, agent_id).Run();
  }

 private:
  Connection& db_;
};

#undef ENTRY_COLUMNS

}  // namespace

}  // namespace mobilelink::store

namespace mobilelink::routing {

std::unique_ptr<RoutingRepository> OpenRoutingRepository(core::Repository& unit) {
  return std::make_unique<store::SqliteRoutingRepository>(
      static_cast<store::SqliteRepository&>(unit).Db());
}

}  // namespace mobilelink::routing
