// SQLite implementation of outbox::OutboxRepository, on the connection and transaction of the
// core repository it is opened from.

#include "mobilelink/store/sqlite_outbox_repository.hpp"

#include "mobilelink/outbox/outbox_repository.hpp"
#include "mobilelink/store/sqlite_repository.hpp"

namespace mobilelink::store {

// A row matches a kept status of its inbox whose callback data is the prefix and the row id.
// The term callback_data <> '' lets the planner look each unknown row's statuses up in the
// partial index orphan_statuses_callback instead of scanning every status of the inbox. Only
// the columns that recording a send result reads are selected.
const Query kFindStatusMatches{
    "find_outbox_status_matches",
    "SELECT o.id, o.message_id, o.conversation_id, o.inbox_id, o.recipient, o.attempts, "
    "o.due_at, o.claimed_at, s.provider_message_id, s.id, s.recipient "
    "FROM outbox o JOIN orphan_statuses s "
    "ON s.inbox_id = o.inbox_id AND s.callback_data = ?1 || o.id "
    "WHERE o.state = 'unknown' AND s.callback_data <> '' ORDER BY o.id, s.id LIMIT ?2"};

namespace {

constexpr Query kDelaySendingRows{
    "delay_sending_outbox",
    "UPDATE outbox SET due_at = ?2, last_error = ?3 WHERE state = 'sending' AND inbox_id = ?1"};
constexpr Query kClearStatusCallbackData{
    "clear_orphan_status_callback_data",
    "UPDATE orphan_statuses SET callback_data = '' WHERE id = ?1"};
constexpr Query kPruneOrphanStatuses{"prune_orphan_statuses",
                                     "DELETE FROM orphan_statuses WHERE received_at < ?1"};

class SqliteOutboxRepository final : public outbox::OutboxRepository {
 public:
  explicit SqliteOutboxRepository(Connection& db) : db_(db) {}

  int DelaySendingRows(std::string_view inbox_id, core::TimePoint due_at,
                       std::string_view last_error) override {
    db_.Prepare(kDelaySendingRows)
        .Bind(1, inbox_id)
        .Bind(2, ToMillis(due_at))
        .Bind(3, last_error)
        .Run();
    return db_.Changes();
  }

  std::vector<outbox::StatusMatch> FindStatusMatches(int limit) override {
    std::vector<outbox::StatusMatch> matches;
    auto row = db_.Prepare(kFindStatusMatches);
    row.Bind(1, outbox::kCallbackDataPrefix).Bind(2, limit);
    while (row.Step()) {
      outbox::StatusMatch match;
      match.entry.id = row.Int(0);
      match.entry.message_id = row.Int(1);
      match.entry.conversation_id = row.Int(2);
      match.entry.inbox_id = row.Text(3);
      match.entry.recipient = row.Text(4);
      match.entry.attempts = static_cast<int>(row.Int(5));
      match.entry.due_at = FromMillis(row.Int(6));
      match.entry.claimed_at = FromMillis(row.Int(7));
      match.entry.state = "unknown";
      match.entry.outcome_unknown = true;
      match.provider_message_id = row.Text(8);
      match.status_id = row.Int(9);
      match.status_recipient = row.Text(10);
      matches.push_back(std::move(match));
    }
    return matches;
  }

  void ClearStatusCallbackData(std::int64_t status_id) override {
    db_.Prepare(kClearStatusCallbackData).Bind(1, status_id).Run();
  }

  int PruneOrphanStatuses(core::TimePoint received_before) override {
    db_.Prepare(kPruneOrphanStatuses).Bind(1, ToMillis(received_before)).Run();
    return db_.Changes();
  }

 private:
  Connection& db_;
};

}  // namespace

}  // namespace mobilelink::store

namespace mobilelink::outbox {

std::unique_ptr<OutboxRepository> OpenOutboxRepository(core::Repository& unit) {
  return std::make_unique<store::SqliteOutboxRepository>(
      static_cast<store::SqliteRepository&>(unit).Db());
}

}  // namespace mobilelink::outbox
