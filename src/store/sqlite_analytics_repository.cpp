// The analytics port over SQLite, on the connection and transaction of the unit of work.

#include <array>
#include <string>

#include "mobilelink/analytics/repository.hpp"
#include "mobilelink/store/sqlite_repository.hpp"

namespace mobilelink::store {

namespace {

using analytics::ConversationState;
using analytics::Dimensions;
using analytics::Granularity;
using analytics::RollupKey;
using analytics::RollupValues;

constexpr Query kGetCursor{"analytics_get_cursor",
                           "SELECT last_event_id FROM analytics_cursor WHERE name = 'kpi'"};
constexpr Query kSetCursor{
    "analytics_set_cursor",
    "INSERT INTO analytics_cursor (name, last_event_id) VALUES ('kpi', ?1) "
    "ON CONFLICT (name) DO UPDATE SET last_event_id = excluded.last_event_id"};
constexpr Query kLoadState{
    "analytics_load_state",
    "SELECT state_json FROM analytics_conversation_states WHERE conversation_id = ?1"};
constexpr Query kSaveState{
    "analytics_save_state",
    "INSERT INTO analytics_conversation_states (conversation_id, state_json) VALUES (?1, ?2) "
    "ON CONFLICT (conversation_id) DO UPDATE SET state_json = excluded.state_json"};

#define ROLLUP_VALUE_COLUMNS "counters, first_response, response, handle, labels_json"
#define ROLLUP_KEY_COLUMNS \
  "granularity, grouping_set, bucket, channel, inbox_id, team, agent, intent, priority"

constexpr Query kLoadRollup{
    "analytics_load_rollup",
    "SELECT " ROLLUP_VALUE_COLUMNS
    " FROM analytics_rollups WHERE granularity = ?1 AND "
    "grouping_set = ?2 AND bucket = ?3 AND channel = ?4 AND inbox_id = ?5 AND team = ?6 AND "
    "agent = ?7 AND intent = ?8 AND priority = ?9"};
constexpr Query kSaveRollup{
    "analytics_save_rollup",
    "INSERT OR REPLACE INTO analytics_rollups (" ROLLUP_KEY_COLUMNS ", " ROLLUP_VALUE_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"};
// The dimension columns in kDimensionFields order. Parameter ?5 + i binds dimension i.
constexpr std::array<std::string_view, 6> kDimensionColumns = {"channel", "inbox_id", "team",
                                                               "agent",   "intent",   "priority"};
// Indexes of migration 0010 on the full rollups, most selective dimension first: agents
// usually outnumber intents, intents teams, and teams inboxes.
constexpr std::array<std::pair<int, std::string_view>, 4> kFullIndexes = {{
    {3, "analytics_full_agent"},
    {4, "analytics_full_intent"},
    {2, "analytics_full_team"},
    {1, "analytics_full_inbox"},
}};

// Builds the rollup query for filters on the dimensions in `mask`, where bit i is dimension i.
// Each filtered dimension gets an equality term, so SQLite seeks instead of testing every row. On
// the full rollups the grouping set is a literal, because only then can SQLite use the partial
// indexes, and the index of the most selective filtered dimension is named.
std::string BuildRollupQuerySql(unsigned mask, bool full) {
  std::string sql =
      "SELECT " ROLLUP_KEY_COLUMNS ", " ROLLUP_VALUE_COLUMNS " FROM analytics_rollups";
  if (full) {
    for (const auto& [dimension, index] : kFullIndexes) {
      if ((mask & (1u << dimension)) != 0) {
        sql += " INDEXED BY " + std::string(index);
        break;
      }
    }
  }
  sql += full ? " WHERE granularity = ?1 AND grouping_set = 'full'"
              : " WHERE granularity = ?1 AND grouping_set = ?2";
  sql += " AND bucket >= ?3 AND bucket <= ?4";
  for (std::size_t i = 0; i < kDimensionColumns.size(); ++i) {
    if ((mask & (1u << i)) != 0) {
      sql += " AND " + std::string(kDimensionColumns[i]) + " = ?" + std::to_string(5 + i);
    }
  }
  return sql;
}

// Returns the query for `mask` and `full`. The texts live as long as the process, because the
// connection caches prepared statements by the address of their text.
const std::string& RollupQuerySql(unsigned mask, bool full) {
  static const std::array<std::string, 128> kTexts = [] {
    std::array<std::string, 128> texts;
    for (unsigned variant = 0; variant < texts.size(); ++variant) {
      texts[variant] = BuildRollupQuerySql(variant & 63u, variant >= 64);
    }
    return texts;
  }();
  return kTexts[mask + (full ? 64 : 0)];
}

constexpr Query kAllRollups{"analytics_all_rollups",
                            "SELECT " ROLLUP_KEY_COLUMNS ", " ROLLUP_VALUE_COLUMNS
                            " FROM analytics_rollups ORDER BY " ROLLUP_KEY_COLUMNS};

constexpr Query kAlertStates{"analytics_alert_states",
                             "SELECT rule, breached FROM analytics_alerts"};
constexpr Query kSetAlertState{
    "analytics_set_alert_state",
    "INSERT INTO analytics_alerts (rule, breached, value, changed_at) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (rule) DO UPDATE SET breached = excluded.breached, value = excluded.value, "
    "changed_at = excluded.changed_at"};
constexpr Query kEnqueueWebhook{
    "analytics_enqueue_webhook",
    "INSERT INTO analytics_webhook_outbox (kind, body, due_at) VALUES (?1, ?2, ?3)"};
constexpr Query kDueWebhooks{
    "analytics_due_webhooks",
    "SELECT id, kind, body, attempts, due_at FROM analytics_webhook_outbox "
    "WHERE state = 'pending' AND due_at <= ?1 ORDER BY id LIMIT ?2"};
constexpr Query kUpdateWebhook{
    "analytics_update_webhook",
    "UPDATE analytics_webhook_outbox SET state = ?2, attempts = ?3, due_at = ?4, "
    "last_error = ?5 WHERE id = ?1"};
// The articles table belongs to the knowledge base, and analytics only counts its rows.
constexpr Query kCountArticles{"analytics_count_articles",
                               "SELECT COUNT(*), COALESCE(SUM(updated_at > ?1), 0) FROM articles"};
constexpr Query kCountWebhooks{"analytics_count_webhooks",
                               "SELECT COUNT(*) FROM analytics_webhook_outbox WHERE state = ?1"};

Granularity ParseGranularity(const std::string& text) {
  return text == "hour" ? Granularity::kHour : Granularity::kDay;
}

// Reads ROLLUP_VALUE_COLUMNS starting at column `first`.
RollupValues ReadValues(const Statement& row, int first) {
  RollupValues values;
  values.counters = analytics::DecodeCounters(row.Text(first));
  values.first_response = analytics::QuantileSketch::Decode(row.Text(first + 1));
  values.response = analytics::QuantileSketch::Decode(row.Text(first + 2));
  values.handle = analytics::QuantileSketch::Decode(row.Text(first + 3));
  values.labels = analytics::DecodeLabels(row.Text(first + 4));
  return values;
}

// Reads the key from columns 0-8 and the values from columns 9-13.
std::pair<RollupKey, RollupValues> ReadRollupRow(const Statement& row) {
  RollupKey key{
      ParseGranularity(row.Text(0)), row.Int(2), row.Text(1),
      Dimensions{row.Text(3), row.Text(4), row.Text(5), row.Text(6), row.Text(7), row.Text(8)}};
  return {std::move(key), ReadValues(row, 9)};
}

class SqliteAnalyticsRepository final : public analytics::AnalyticsRepository {
 public:
  explicit SqliteAnalyticsRepository(Connection& db) : db_(db) {}

  std::int64_t Cursor() override {
    auto row = db_.Prepare(kGetCursor);
    return row.Step() ? row.Int(0) : 0;
  }

  void SetCursor(std::int64_t last_event_id) override {
    db_.Prepare(kSetCursor).Bind(1, last_event_id).Run();
  }

  std::map<std::int64_t, ConversationState> LoadStates(
      const std::vector<std::int64_t>& conversation_ids) override {
    std::map<std::int64_t, ConversationState> states;
    for (const std::int64_t id : conversation_ids) {
      auto row = db_.Prepare(kLoadState);
      row.Bind(1, id);
      if (row.Step()) {
        states.emplace(id, analytics::DecodeState(row.Text(0)));
      }
    }
    return states;
  }

  void SaveState(std::int64_t conversation_id, const ConversationState& state) override {
    db_.Prepare(kSaveState).Bind(1, conversation_id).Bind(2, analytics::EncodeState(state)).Run();
  }

  std::optional<RollupValues> LoadRollup(const RollupKey& key) override {
    auto row = db_.Prepare(kLoadRollup);
    BindKey(row, key);
    if (!row.Step()) {
      return std::nullopt;
    }
    return ReadValues(row, 0);
  }

  void SaveRollup(const RollupKey& key, const RollupValues& values) override {
    auto row = db_.Prepare(kSaveRollup);
    BindKey(row, key);
    row.Bind(10, analytics::EncodeCounters(values.counters))
        .Bind(11, values.first_response.Encode())
        .Bind(12, values.response.Encode())
        .Bind(13, values.handle.Encode())
        .Bind(14, analytics::EncodeLabels(values.labels))
        .Run();
  }

  void QueryRollups(
      const analytics::RollupQuery& query,
      const std::function<void(const RollupKey&, const RollupValues&)>& callback) override {
    unsigned mask = 0;
    for (std::size_t i = 0; i < analytics::kDimensionFields.size(); ++i) {
      if (!(query.filter.*analytics::kDimensionFields[i].second).empty()) {
        mask |= 1u << i;
      }
    }
    const bool full = query.grouping == "full";
    auto row = db_.Prepare(Query{"analytics_query_rollups", RollupQuerySql(mask, full)});
    row.Bind(1, analytics::ToString(query.granularity))
        .Bind(3, query.first_bucket)
        .Bind(4, query.last_bucket);
    if (!full) {
      row.Bind(2, query.grouping);
    }
    for (std::size_t i = 0; i < analytics::kDimensionFields.size(); ++i) {
      if ((mask & (1u << i)) != 0) {
        row.Bind(static_cast<int>(5 + i), query.filter.*analytics::kDimensionFields[i].second);
      }
    }
    while (row.Step()) {
      const auto [key, values] = ReadRollupRow(row);
      callback(key, values);
    }
  }

  void ForEachRollup(
      const std::function<void(const RollupKey&, const RollupValues&)>& callback) override {
    auto row = db_.Prepare(kAllRollups);
    while (row.Step()) {
      const auto [key, values] = ReadRollupRow(row);
      callback(key, values);
    }
  }

  void ClearAll() override {
    db_.Exec(
        "DELETE FROM analytics_rollups; DELETE FROM analytics_conversation_states; "
        "DELETE FROM analytics_cursor; DELETE FROM analytics_alerts;");
  }

  std::map<std::string, bool> AlertStates() override {
    std::map<std::string, bool> states;
    auto row = db_.Prepare(kAlertStates);
    while (row.Step()) {
      states[row.Text(0)] = row.Int(1) != 0;
    }
    return states;
  }

  void SetAlertState(const std::string& rule, bool breached, double value,
                     std::int64_t at_ms) override {
    db_.Prepare(kSetAlertState)
        .Bind(1, rule)
        .Bind(2, breached ? 1 : 0)
        .Bind(3, value)
        .Bind(4, at_ms)
        .Run();
  }

  void EnqueueWebhook(const std::string& kind, const std::string& body,
                      std::int64_t due_at_ms) override {
    db_.Prepare(kEnqueueWebhook).Bind(1, kind).Bind(2, body).Bind(3, due_at_ms).Run();
  }

  std::vector<analytics::WebhookDelivery> DueWebhooks(std::int64_t now_ms, int limit) override {
    std::vector<analytics::WebhookDelivery> deliveries;
    auto row = db_.Prepare(kDueWebhooks);
    row.Bind(1, now_ms).Bind(2, limit);
    while (row.Step()) {
      deliveries.push_back(
          {row.Int(0), row.Text(1), row.Text(2), static_cast<int>(row.Int(3)), row.Int(4)});
    }
    return deliveries;
  }

  void UpdateWebhook(std::int64_t id, const std::string& state, int attempts,
                     std::int64_t due_at_ms, const std::string& last_error) override {
    db_.Prepare(kUpdateWebhook)
        .Bind(1, id)
        .Bind(2, state)
        .Bind(3, attempts)
        .Bind(4, due_at_ms)
        .Bind(5, last_error)
        .Run();
  }

  std::int64_t CountWebhooks(const std::string& state) override {
    auto row = db_.Prepare(kCountWebhooks);
    row.Bind(1, state);
    return row.Step() ? row.Int(0) : 0;
  }

  analytics::ArticleCounts CountArticles(std::int64_t after_ms) override {
    auto row = db_.Prepare(kCountArticles);
    row.Bind(1, after_ms);
    if (!row.Step()) {
      return {};
    }
    return {row.Int(0), row.Int(1)};
  }

 private:
  static void BindKey(Statement& row, const RollupKey& key) {
    row.Bind(1, analytics::ToString(key.granularity))
        .Bind(2, key.grouping)
        .Bind(3, key.bucket)
        .Bind(4, key.dims.channel)
        .Bind(5, key.dims.inbox)
        .Bind(6, key.dims.team)
        .Bind(7, key.dims.agent)
        .Bind(8, key.dims.intent)
        .Bind(9, key.dims.priority);
  }

  Connection& db_;
};

}  // namespace

}  // namespace mobilelink::store

namespace mobilelink::analytics {

std::unique_ptr<AnalyticsRepository> OpenAnalyticsRepository(core::Repository& unit) {
  return std::make_unique<store::SqliteAnalyticsRepository>(
      static_cast<store::SqliteRepository&>(unit).Db());
}

}  // namespace mobilelink::analytics
