// The analytics port over SQLite, on the connection and transaction of the unit of work.

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
// An empty filter parameter matches every value of its dimension.
constexpr Query kQueryRollups{
    "analytics_query_rollups",
    "SELECT " ROLLUP_KEY_COLUMNS ", " ROLLUP_VALUE_COLUMNS
    " FROM analytics_rollups WHERE granularity = ?1 AND grouping_set = ?2 AND bucket >= ?3 AND "
    "bucket <= ?4 AND (?5 = '' OR channel = ?5) AND (?6 = '' OR inbox_id = ?6) AND "
    "(?7 = '' OR team = ?7) AND (?8 = '' OR agent = ?8) AND (?9 = '' OR intent = ?9) AND "
    "(?10 = '' OR priority = ?10) ORDER BY " ROLLUP_KEY_COLUMNS};
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
    auto row = db_.Prepare(kQueryRollups);
    row.Bind(1, analytics::ToString(query.granularity))
        .Bind(2, query.grouping)
        .Bind(3, query.first_bucket)
        .Bind(4, query.last_bucket)
        .Bind(5, query.filter.channel)
        .Bind(6, query.filter.inbox)
        .Bind(7, query.filter.team)
        .Bind(8, query.filter.agent)
        .Bind(9, query.filter.intent)
        .Bind(10, query.filter.priority);
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
