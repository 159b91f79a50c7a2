#pragma once

// The Repository over one SQLite connection. It runs inside whatever transaction the store has
// opened on that connection.

#include "mobilelink/core/repository.hpp"
#include "mobilelink/store/sqlite_connection.hpp"

namespace mobilelink::store {

class SqliteRepository final : public core::Repository {
 public:
  explicit SqliteRepository(Connection& connection) : db_(connection) {}

  /// The connection and transaction this repository runs on. The SQLite implementations of the
  /// other layers' ports (routing, bot, security, analytics) run on it too, so one unit of work
  /// spans them all.
  [[nodiscard]] Connection& Db() { return db_; }

  // core::Repository
  std::int64_t ResolveContact(const core::ContactIdentity& identity, std::string_view name,
                              core::TimePoint now) override;
  std::optional<core::Contact> GetContact(std::int64_t contact_id) override;
  std::vector<core::ContactIdentity> ListIdentities(std::int64_t contact_id) override;
  std::optional<core::Conversation> FindActiveConversation(std::int64_t contact_id) override;
  std::optional<core::Conversation> FindLatestResolvedConversation(
      std::int64_t contact_id) override;
  void InsertConversation(core::Conversation& conversation) override;
  std::optional<core::Conversation> GetConversation(std::int64_t conversation_id) override;
  void UpdateConversation(const core::Conversation& conversation) override;
  bool AssignIfUnassigned(std::int64_t conversation_id, std::int64_t agent_id,
                          core::TimePoint now) override;
  std::vector<core::Conversation> ListConversations(
      const core::ConversationFilter& filter) override;
  std::optional<std::int64_t> FindInboundMessage(std::string_view inbox_id,
                                                 std::string_view provider_message_id) override;
  std::optional<core::Message> FindOutboundMessage(std::string_view inbox_id,
                                                   std::string_view provider_message_id) override;
  std::optional<core::Message> GetMessage(std::int64_t message_id) override;
  void InsertMessage(core::Message& message) override;
  void UpdateMessageDelivery(const core::Message& message) override;
  std::vector<core::Message> ListMessages(std::int64_t conversation_id, std::int64_t after_id,
                                          int limit) override;
  std::optional<core::TimePoint> LastInboundAt(std::int64_t contact_id,
                                               std::string_view inbox_id) override;
  void SaveOrphanStatus(const core::StatusUpdate& update, core::TimePoint now) override;
  std::vector<core::StatusUpdate> TakeOrphanStatuses(
      std::string_view inbox_id, std::string_view provider_message_id) override;
  void AppendEvent(const core::Event& event) override;
  std::vector<core::Event> ListEvents(std::int64_t after_id, int limit) override;
  bool IsOptedOut(std::string_view inbox_id, std::string_view address) override;
  void SetOptedOut(std::string_view inbox_id, std::string_view address, bool opted_out,
                   core::TimePoint now) override;
  void EnqueueOutbox(core::OutboxEntry& entry) override;
  std::vector<core::OutboxEntry> ClaimDueOutbox(core::TimePoint now, int limit) override;
  void UpdateOutbox(const core::OutboxEntry& entry, std::string_view last_error) override;
  std::vector<core::OutboxEntry> RecoverInterruptedOutbox() override;
  std::vector<core::OutboxEntry> ListUnknownOutbox(int limit) override;
  std::int64_t CountOutbox(std::string_view state) override;
  std::optional<core::TimePoint> NextOutboxDue() override;
  void UpsertAgent(core::Agent& agent) override;
  std::optional<core::Agent> FindAgentByLogin(std::string_view login) override;
  std::optional<core::Agent> GetAgent(std::int64_t agent_id) override;
  std::vector<core::Agent> ListAgents() override;
  void InsertAccessToken(std::string_view token_hash, std::int64_t agent_id,
                         core::TimePoint expires_at) override;
  std::optional<std::int64_t> FindAccessToken(std::string_view token_hash,
                                              core::TimePoint now) override;
  bool RevokeAccessToken(std::string_view token_hash) override;
  int CountAssigned(std::int64_t agent_id) override;
  void InsertWebchatSession(const core::WebchatSession& session) override;
  std::optional<core::WebchatSession> FindWebchatSession(std::string_view token_hash,
                                                         core::TimePoint now) override;
  // Timers, in sqlite_timer_repository.cpp.
  void ScheduleTimer(core::Timer& timer) override;
  bool CancelTimer(std::string_view kind, std::string_view key) override;
  std::optional<core::Timer> FindTimer(std::string_view kind, std::string_view key) override;
  std::vector<core::Timer> ListDueTimers(core::TimePoint now, int limit) override;
  std::optional<core::Timer> ClaimDueTimer(std::int64_t timer_id, core::TimePoint now) override;
  void RecordTimerFailure(const core::Timer& timer, std::string_view error,
                          std::optional<core::TimePoint> retry_at) override;
  std::optional<core::TimePoint> NextTimerDue() override;

 private:
  std::vector<core::OutboxEntry> ReadOutbox(Statement& statement);
  Connection& db_;
};

/// Converts a time point to Unix milliseconds, the storage unit of every time column.
std::int64_t ToMillis(core::TimePoint time);
core::TimePoint FromMillis(std::int64_t millis);

}  // namespace mobilelink::store
