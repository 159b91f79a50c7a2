// The SQLite implementation of bot::FlowRepository, on the connection and transaction of the
// conversation core's unit of work.

#include <boost/json.hpp>

#include "mobilelink/bot/flow.hpp"
#include "mobilelink/store/sqlite_repository.hpp"

namespace mobilelink::store {

namespace {

namespace json = boost::json;

#define FLOW_STATE_COLUMNS                                                               \
  "conversation_id, flow, step, values_json, sensitive_json, retries, waiting, "         \
  "call_sequence, inbox_id, recipient, started_at, updated_at, awaiting"

constexpr Query kLoadFlowState{
    "load_flow_state",
    "SELECT " FLOW_STATE_COLUMNS " FROM flow_states WHERE conversation_id = ?1"};
constexpr Query kSaveFlowState{
    "save_flow_state",
    "INSERT OR REPLACE INTO flow_states (" FLOW_STATE_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"};
constexpr Query kDeleteFlowState{"delete_flow_state",
                                 "DELETE FROM flow_states WHERE conversation_id = ?1"};
constexpr Query kListWaitingFlowStates{
    "list_waiting_flow_states",
    "SELECT " FLOW_STATE_COLUMNS
    " FROM flow_states WHERE waiting = 1 ORDER BY updated_at, conversation_id LIMIT ?1"};

std::string ValuesToJson(const std::map<std::string, std::string>& values) {
  json::object object;
  for (const auto& [name, value] : values) {
    object[name] = value;
  }
  return json::serialize(object);
}

std::map<std::string, std::string> ValuesFromJson(const std::string& text) {
  std::map<std::string, std::string> values;
  boost::system::error_code error;
  const json::value parsed = json::parse(text, error);
  if (error || !parsed.is_object()) {
    return values;
  }
  for (const auto& [name, value] : parsed.as_object()) {
    if (value.is_string()) {
      values[std::string(name)] = std::string(value.as_string());
    }
  }
  return values;
}

std::string NamesToJson(const std::set<std::string>& names) {
  json::array array;
  for (const auto& name : names) {
    array.push_back(json::value(name));
  }
  return json::serialize(array);
}

std::set<std::string> NamesFromJson(const std::string& text) {
  std::set<std::string> names;
  boost::system::error_code error;
  const json::value parsed = json::parse(text, error);
  if (error || !parsed.is_array()) {
    return names;
  }
  for (const auto& item : parsed.as_array()) {
    if (item.is_string()) {
      names.emplace(item.as_string());
    }
  }
  return names;
}

bot::FlowState ReadState(const Statement& row) {
  bot::FlowState state;
  state.conversation_id = row.Int(0);
  state.flow = row.Text(1);
  state.step = row.Text(2);
  state.values = ValuesFromJson(row.Text(3));
  state.sensitive = NamesFromJson(row.Text(4));
  state.retries = static_cast<int>(row.Int(5));
  state.waiting = row.Int(6) != 0;
  state.call_sequence = static_cast<int>(row.Int(7));
  state.inbox_id = row.Text(8);
  state.recipient = row.Text(9);
  state.started_at = FromMillis(row.Int(10));
  state.updated_at = FromMillis(row.Int(11));
  state.awaiting = row.Text(12);
  return state;
}

class SqliteFlowRepository final : public bot::FlowRepository {
 public:
  explicit SqliteFlowRepository(Connection& db) : db_(db) {}

  // bot::FlowRepository
  std::optional<bot::FlowState> Load(std::int64_t conversation_id) override {
    auto statement = db_.Prepare(kLoadFlowState);
    statement.Bind(1, conversation_id);
    if (!statement.Step()) {
      return std::nullopt;
    }
    return ReadState(statement);
  }

  void Save(const bot::FlowState& state) override {
    auto statement = db_.Prepare(kSaveFlowState);
    statement.Bind(1, state.conversation_id)
        .Bind(2, state.flow)
        .Bind(3, state.step)
        .Bind(4, ValuesToJson(state.values))
        .Bind(5, NamesToJson(state.sensitive))
        .Bind(6, state.retries)
        .Bind(7, state.waiting ? 1 : 0)
        .Bind(8, state.call_sequence)
        .Bind(9, state.inbox_id)
        .Bind(10, state.recipient)
        .Bind(11, ToMillis(state.started_at))
        .Bind(12, ToMillis(state.updated_at))
        .Bind(13, state.awaiting);
    statement.Run();
  }

  void Delete(std::int64_t conversation_id) override {
    auto statement = db_.Prepare(kDeleteFlowState);
    statement.Bind(1, conversation_id);
    statement.Run();
  }

  std::vector<bot::FlowState> ListWaiting(int limit) override {
    auto statement = db_.Prepare(kListWaitingFlowStates);
    statement.Bind(1, limit);
    std::vector<bot::FlowState> states;
    while (statement.Step()) {
      states.push_back(ReadState(statement));
    }
    return states;
  }

 private:
  Connection& db_;
};

}  // namespace

}  // namespace mobilelink::store

namespace mobilelink::bot {

std::unique_ptr<FlowRepository> OpenFlowRepository(core::Repository& unit) {
  return std::make_unique<store::SqliteFlowRepository>(
      static_cast<store::SqliteRepository&>(unit).Db());
}

}  // namespace mobilelink::bot
