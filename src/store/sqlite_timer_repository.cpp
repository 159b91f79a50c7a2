// SqliteRepository's timer methods over the `timers` table (migration 0002).

#include "mobilelink/store/sqlite_repository.hpp"

namespace mobilelink::store {

namespace {

#define TIMER_COLUMNS "id, kind, key, due_at, payload_json, state, attempts, fired_at, last_error"

// Scheduling again resets the row to a fresh pending timer, so a fired or failed timer of the
// same kind and key can be armed once more.
constexpr Query kScheduleTimer{
    "schedule_timer",
    "INSERT INTO timers (kind, key, due_at, payload_json, state, attempts) "
    "VALUES (?1, ?2, ?3, ?4, 'pending', 0) "
    "ON CONFLICT (kind, key) DO UPDATE SET due_at = excluded.due_at, "
    "payload_json = excluded.payload_json, state = 'pending', attempts = 0, fired_at = NULL, "
    "last_error = '' RETURNING id"};
constexpr Query kCancelTimer{
    "cancel_timer",
    "UPDATE timers SET state = 'cancelled' WHERE kind = ?1 AND key = ?2 AND state = 'pending'"};
constexpr Query kFindTimer{"find_timer",
                           "SELECT " TIMER_COLUMNS " FROM timers WHERE kind = ?1 AND key = ?2"};
constexpr Query kListDueTimers{"list_due_timers",
                               "SELECT " TIMER_COLUMNS
                               " FROM timers WHERE state = 'pending' AND due_at <= ?1 "
                               "ORDER BY due_at, id LIMIT ?2"};
constexpr Query kClaimDueTimer{
    "claim_due_timer",
    "UPDATE timers SET state = 'fired', fired_at = ?2, attempts = attempts + 1 "
    "WHERE id = ?1 AND state = 'pending' AND due_at <= ?2 RETURNING " TIMER_COLUMNS};
// The due time and state in the WHERE clause detect a reschedule or cancel that committed
// between the failed firing and this record.
constexpr Query kRecordTimerFailure{
    "record_timer_failure",
    "UPDATE timers SET attempts = attempts + 1, last_error = ?3, "
    "state = CASE WHEN ?4 IS NULL THEN 'failed' ELSE 'pending' END, "
    "due_at = COALESCE(?4, due_at) WHERE id = ?1 AND due_at = ?2 AND state = 'pending'"};
constexpr Query kNextTimerDue{"next_timer_due",
                              "SELECT MIN(due_at) FROM timers WHERE state = 'pending'"};

core::Timer ReadTimer(const Statement& row) {
  core::Timer timer;
  timer.id = row.Int(0);
  timer.kind = row.Text(1);
  timer.key = row.Text(2);
  timer.due_at = FromMillis(row.Int(3));
  timer.payload_json = row.Text(4);
  timer.state = core::ParseTimerState(row.Text(5)).value_or(core::TimerState::kPending);
  timer.attempts = static_cast<int>(row.Int(6));
  if (!row.IsNull(7)) {
    timer.fired_at = FromMillis(row.Int(7));
  }
  timer.last_error = row.Text(8);
  return timer;
}

}  // namespace

void SqliteRepository::ScheduleTimer(core::Timer& timer) {
  auto row = db_.Prepare(kScheduleTimer);
  row.Bind(1, timer.kind)
      .Bind(2, timer.key)
      .Bind(3, ToMillis(timer.due_at))
      .Bind(4, timer.payload_json);
  if (row.Step()) {
    timer.id = row.Int(0);
  }
  timer.state = core::TimerState::kPending;
  timer.attempts = 0;
  timer.fired_at.reset();
  timer.last_error.clear();
}

bool SqliteRepository::CancelTimer(std::string_view kind, std::string_view key) {
  db_.Prepare(kCancelTimer).Bind(1, kind).Bind(2, key).Run();
  return db_.Changes() > 0;
}

std::optional<core::Timer> SqliteRepository::FindTimer(std::string_view kind,
                                                       std::string_view key) {
  auto row = db_.Prepare(kFindTimer);
  row.Bind(1, kind).Bind(2, key);
  if (!row.Step()) {
    return std::nullopt;
  }
  return ReadTimer(row);
}

std::vector<core::Timer> SqliteRepository::ListDueTimers(core::TimePoint now, int limit) {
  auto row = db_.Prepare(kListDueTimers);
  row.Bind(1, ToMillis(now)).Bind(2, limit);
  std::vector<core::Timer> timers;
  while (row.Step()) {
    timers.push_back(ReadTimer(row));
  }
  return timers;
}

std::optional<core::Timer> SqliteRepository::ClaimDueTimer(std::int64_t timer_id,
                                                           core::TimePoint now) {
  auto row = db_.Prepare(kClaimDueTimer);
  row.Bind(1, timer_id).Bind(2, ToMillis(now));
  if (!row.Step()) {
    return std::nullopt;
  }
  return ReadTimer(row);
}

void SqliteRepository::RecordTimerFailure(const core::Timer& timer, std::string_view error,
                                          std::optional<core::TimePoint> retry_at) {
  auto statement = db_.Prepare(kRecordTimerFailure);
  statement.Bind(1, timer.id).Bind(2, ToMillis(timer.due_at)).Bind(3, error);
  if (retry_at) {
    statement.Bind(4, ToMillis(*retry_at));
  } else {
    statement.BindNull(4);
  }
  statement.Run();
}

std::optional<core::TimePoint> SqliteRepository::NextTimerDue() {
  auto row = db_.Prepare(kNextTimerDue);
  if (!row.Step() || row.IsNull(0)) {
    return std::nullopt;
  }
  return FromMillis(row.Int(0));
}

}  // namespace mobilelink::store
