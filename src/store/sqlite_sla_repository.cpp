// routing::SlaRepository over SQLite: the sla_clocks, conversation_priorities and oncall_pages
// tables of migration 0002, on the connection of the unit of work it is opened on.

#include "mobilelink/routing/sla_repository.hpp"
#include "mobilelink/store/sqlite_repository.hpp"

namespace mobilelink::store {

namespace {

#define CLOCK_COLUMNS                                                                        \
  "id, conversation_id, metric, priority, calendar_id, target_seconds, started_at, due_at, " \
  "paused_at, remaining_ms, stopped_at, breached_at"

#define PAGE_COLUMNS                                                                    \
  "id, incident_key, team_id, attempt, person_name, phone, inbox_id, conversation_id, " \
  "message_id, paged_at, acknowledged_at"

constexpr Query kInsertClock{
    "insert_sla_clock",
    "INSERT INTO sla_clocks (conversation_id, metric, priority, calendar_id, target_seconds, "
    "started_at, due_at, paused_at, remaining_ms, stopped_at, breached_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"};
constexpr Query kUpdateClock{
    "update_sla_clock",
    "UPDATE sla_clocks SET priority = ?2, calendar_id = ?3, target_seconds = ?4, due_at = ?5, "
    "paused_at = ?6, remaining_ms = ?7, stopped_at = ?8, breached_at = ?9 WHERE id = ?1"};
constexpr Query kGetClock{"get_sla_clock",
                          "SELECT " CLOCK_COLUMNS " FROM sla_clocks WHERE id = ?1"};
constexpr Query kListActiveClocks{"list_active_sla_clocks",
                                  "SELECT " CLOCK_COLUMNS
                                  " FROM sla_clocks WHERE conversation_id = ?1 "
                                  "AND stopped_at IS NULL ORDER BY id"};
constexpr Query kListClocks{"list_sla_clocks",
                            "SELECT " CLOCK_COLUMNS
                            " FROM sla_clocks WHERE conversation_id = ?1 ORDER BY id"};
constexpr Query kGetPrioritySource{
    "get_priority_source", "SELECT source FROM conversation_priorities WHERE conversation_id = ?1"};
constexpr Query kSetPrioritySource{
    "set_priority_source",
    "INSERT INTO conversation_priorities (conversation_id, source, agent_id, updated_at) "
    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (conversation_id) DO UPDATE SET "
    "source = excluded.source, agent_id = excluded.agent_id, updated_at = excluded.updated_at"};
constexpr Query kInsertPage{
    "insert_oncall_page",
    "INSERT INTO oncall_pages (incident_key, team_id, attempt, person_name, phone, inbox_id, "
    "conversation_id, message_id, paged_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"};
constexpr Query kFindOpenPage{"find_open_oncall_page",
                              "SELECT " PAGE_COLUMNS
                              " FROM oncall_pages WHERE inbox_id = ?1 AND phone = ?2 "
                              "AND acknowledged_at IS NULL ORDER BY id DESC LIMIT 1"};
constexpr Query kListPages{"list_oncall_pages",
                           "SELECT " PAGE_COLUMNS
                           " FROM oncall_pages WHERE incident_key = ?1 ORDER BY attempt"};
constexpr Query kAcknowledgeIncident{
    "acknowledge_oncall_incident",
    "UPDATE oncall_pages SET acknowledged_at = ?2 WHERE incident_key = ?1 "
    "AND acknowledged_at IS NULL"};

std::optional<std::int64_t> OptionalMillis(const std::optional<core::TimePoint>& time) {
  if (!time) {
    return std::nullopt;
  }
  return ToMillis(*time);
}

std::optional<core::TimePoint> OptionalTime(const Statement& row, int column) {
  if (row.IsNull(column)) {
    return std::nullopt;
  }
  return FromMillis(row.Int(column));
}

routing::SlaClock ReadClock(const Statement& row) {
  routing::SlaClock clock;
  clock.id = row.Int(0);
  clock.conversation_id = row.Int(1);
  clock.metric = config::ParseSlaMetric(row.Text(2)).value_or(config::SlaMetric::kFirstResponse);
  clock.priority = core::ParsePriority(row.Text(3)).value_or(core::Priority::kStandard);
  clock.calendar_id = row.Text(4);
  clock.target = std::chrono::seconds(row.Int(5));
  clock.started_at = FromMillis(row.Int(6));
  clock.due_at = OptionalTime(row, 7);
  clock.paused_at = OptionalTime(row, 8);
  clock.remaining = std::chrono::milliseconds(row.Int(9));
  clock.stopped_at = OptionalTime(row, 10);
  clock.breached_at = OptionalTime(row, 11);
  return clock;
}

routing::OnCallPage ReadPage(const Statement& row) {
  routing::OnCallPage page;
  page.id = row.Int(0);
  page.incident_key = row.Text(1);
  page.team_id = row.Text(2);
  page.attempt = static_cast<int>(row.Int(3));
  page.person_name = row.Text(4);
  page.phone = row.Text(5);
  page.inbox_id = row.Text(6);
  page.conversation_id = row.OptionalInt(7);
  page.message_id = row.OptionalInt(8);
  page.paged_at = FromMillis(row.Int(9));
  page.acknowledged_at = OptionalTime(row, 10);
  return page;
}

class SqliteSlaRepository final : public routing::SlaRepository {
 public:
  explicit SqliteSlaRepository(Connection& db) : db_(db) {}

  void InsertClock(routing::SlaClock& clock) override {
    db_.Prepare(kInsertClock)
        .Bind(1, clock.conversation_id)
        .Bind(2, config::ToString(clock.metric))
        .Bind(3, core::ToString(clock.priority))
        .Bind(4, clock.calendar_id)
        .Bind(5, static_cast<std::int64_t>(clock.target.count()))
        .Bind(6, ToMillis(clock.started_at))
        .Bind(7, OptionalMillis(clock.due_at))
        .Bind(8, OptionalMillis(clock.paused_at))
        .Bind(9, static_cast<std::int64_t>(clock.remaining.count()))
        .Bind(10, OptionalMillis(clock.stopped_at))
        .Bind(11, OptionalMillis(clock.breached_at))
        .Run();
    clock.id = db_.LastInsertId();
  }

  void UpdateClock(const routing::SlaClock& clock) override {
    db_.Prepare(kUpdateClock)
        .Bind(1, clock.id)
        .Bind(2, core::ToString(clock.priority))
        .Bind(3, clock.calendar_id)
        .Bind(4, static_cast<std::int64_t>(clock.target.count()))
        .Bind(5, OptionalMillis(clock.due_at))
        .Bind(6, OptionalMillis(clock.paused_at))
        .Bind(7, static_cast<std::int64_t>(clock.remaining.count()))
        .Bind(8, OptionalMillis(clock.stopped_at))
        .Bind(9, OptionalMillis(clock.breached_at))
        .Run();
  }

  std::optional<routing::SlaClock> GetClock(std::int64_t clock_id) override {
    auto row = db_.Prepare(kGetClock);
    row.Bind(1, clock_id);
    if (!row.Step()) {
      return std::nullopt;
    }
    return ReadClock(row);
  }

  std::vector<routing::SlaClock> ListActiveClocks(std::int64_t conversation_id) override {
    return ListWith(kListActiveClocks, conversation_id);
  }

  std::vector<routing::SlaClock> ListClocks(std::int64_t conversation_id) override {
    return ListWith(kListClocks, conversation_id);
  }

  std::optional<std::string> GetPrioritySource(std::int64_t conversation_id) override {
    auto row = db_.Prepare(kGetPrioritySource);
    row.Bind(1, conversation_id);
    if (!row.Step()) {
      return std::nullopt;
    }
    return row.Text(0);
  }

  void SetPrioritySource(std::int64_t conversation_id, std::string_view source,
                         std::optional<std::int64_t> agent_id, core::TimePoint now) override {
    db_.Prepare(kSetPrioritySource)
        .Bind(1, conversation_id)
        .Bind(2, source)
        .Bind(3, agent_id)
        .Bind(4, ToMillis(now))
        .Run();
  }

  void InsertPage(routing::OnCallPage& page) override {
    db_.Prepare(kInsertPage)
        .Bind(1, page.incident_key)
        .Bind(2, page.team_id)
        .Bind(3, page.attempt)
        .Bind(4, page.person_name)
        .Bind(5, page.phone)
        .Bind(6, page.inbox_id)
        .Bind(7, page.conversation_id)
        .Bind(8, page.message_id)
        .Bind(9, ToMillis(page.paged_at))
        .Run();
    page.id = db_.LastInsertId();
  }

  std::optional<routing::OnCallPage> FindOpenPage(std::string_view inbox_id,
                                                  std::string_view phone) override {
    auto row = db_.Prepare(kFindOpenPage);
    row.Bind(1, inbox_id).Bind(2, phone);
    if (!row.Step()) {
      return std::nullopt;
    }
    return ReadPage(row);
  }

  std::vector<routing::OnCallPage> ListPages(std::string_view incident_key) override {
    auto row = db_.Prepare(kListPages);
    row.Bind(1, incident_key);
    std::vector<routing::OnCallPage> pages;
    while (row.Step()) {
      pages.push_back(ReadPage(row));
    }
    return pages;
  }

  void AcknowledgeIncident(std::string_view incident_key, core::TimePoint now) override {
    db_.Prepare(kAcknowledgeIncident).Bind(1, incident_key).Bind(2, ToMillis(now)).Run();
  }

 private:
  std::vector<routing::SlaClock> ListWith(const Query& query, std::int64_t conversation_id) {
    auto row = db_.Prepare(query);
    row.Bind(1, conversation_id);
    std::vector<routing::SlaClock> clocks;
    while (row.Step()) {
      clocks.push_back(ReadClock(row));
    }
    return clocks;
  }

  Connection& db_;
};

}  // namespace

}  // namespace mobilelink::store

namespace mobilelink::routing {

std::unique_ptr<SlaRepository> OpenSlaRepository(core::Repository& unit) {
  return std::make_unique<store::SqliteSlaRepository>(
      static_cast<store::SqliteRepository&>(unit).Db());
}

}  // namespace mobilelink::routing
