#pragma once

// The persistence port of the analytics layer: the fold's cursor and per-conversation state,
// the rollup rows, alert states, the alert webhook outbox and counts of the knowledge base's
// articles. It runs on the same transaction as the core::Repository it is opened from.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mobilelink/analytics/kpi_fold.hpp"
#include "mobilelink/analytics/rollup.hpp"
#include "mobilelink/core/repository.hpp"

namespace mobilelink::analytics {

/// Rows of one grouping set in a bucket range; an empty filter value matches every value.
struct RollupQuery {
  Granularity granularity = Granularity::kDay;
  std::int64_t first_bucket = 0;
  std::int64_t last_bucket = 0;  // Inclusive.
  std::string grouping = "all";
  Dimensions filter;
};

/// One queued alert webhook delivery.
struct WebhookDelivery {
  std::int64_t id = 0;
  std::string kind;  // The event type: alert.raised or alert.cleared.
  std::string body;
  int attempts = 0;
  std::int64_t due_at_ms = 0;
};

/// Article counts of the knowledge base.
struct ArticleCounts {
  std::int64_t total = 0;
  std::int64_t updated_after = 0;  // Articles whose update time is after the given instant.
};

class AnalyticsRepository {
 public:
  virtual ~AnalyticsRepository() = default;

  /// Returns the id of the last folded event, 0 before the first fold.
  virtual std::int64_t Cursor() = 0;
  virtual void SetCursor(std::int64_t last_event_id) = 0;

  /// Returns the stored states of the given conversations; absent ones are left out.
  virtual std::map<std::int64_t, ConversationState> LoadStates(
      const std::vector<std::int64_t>& conversation_ids) = 0;
  virtual void SaveState(std::int64_t conversation_id, const ConversationState& state) = 0;

  virtual std::optional<RollupValues> LoadRollup(const RollupKey& key) = 0;
  virtual void SaveRollup(const RollupKey& key, const RollupValues& values) = 0;
  /// Calls `row` for each matching rollup row, in no particular order.
  virtual void QueryRollups(
      const RollupQuery& query,
      const std::function<void(const RollupKey&, const RollupValues&)>& row) = 0;
  /// Calls `row` for every stored rollup row.
  virtual void ForEachRollup(
      const std::function<void(const RollupKey&, const RollupValues&)>& row) = 0;
  /// Deletes every rollup, state and the cursor, so the next fold starts from the first event.
  virtual void ClearAll() = 0;

  /// Returns the rules that are in breach now.
  virtual std::map<std::string, bool> AlertStates() = 0;
  virtual void SetAlertState(const std::string& rule, bool breached, double value,
                             std::int64_t at_ms) = 0;

  virtual void EnqueueWebhook(const std::string& kind, const std::string& body,
                              std::int64_t due_at_ms) = 0;
  /// Returns up to `limit` pending deliveries due at `now_ms`, oldest first.
  virtual std::vector<WebhookDelivery> DueWebhooks(std::int64_t now_ms, int limit) = 0;
  /// Records an attempt: `state` is pending (retry at `due_at_ms`), done or failed.
  virtual void UpdateWebhook(std::int64_t id, const std::string& state, int attempts,
                             std::int64_t due_at_ms, const std::string& last_error) = 0;
  virtual std::int64_t CountWebhooks(const std::string& state) = 0;

  /// Counts the knowledge-base articles, and those updated after `after_ms` (Unix ms).
  virtual ArticleCounts CountArticles(std::int64_t after_ms) = 0;
};

/// Opens the port over the same connection and transaction as `unit`.
std::unique_ptr<AnalyticsRepository> OpenAnalyticsRepository(core::Repository& unit);

}  // namespace mobilelink::analytics
