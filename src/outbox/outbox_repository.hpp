#pragma once

// The persistence port of the outbox worker for sends whose outcome is unknown and that a
// status webhook can settle. An implementation runs on the same connection and transaction as
// the core::Repository it is opened from, so a settled row commits together with its message.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mobilelink/core/repository.hpp"

namespace mobilelink::outbox {

/// Prefix of the value a send carries for the provider to echo in its status webhooks. The
/// outbox row id follows it: "mobilelink-outbox-42".
inline constexpr std::string_view kCallbackDataPrefix = "mobilelink-outbox-";

/// Returns the value a send of outbox row `outbox_id` carries for the provider to echo.
std::string CallbackDataFor(std::int64_t outbox_id);

/// An outbox row in state `unknown` and a kept status that names it by its callback data.
struct StatusMatch {
  core::OutboxEntry entry;
  std::int64_t status_id = 0;  // The orphan_statuses row.
  std::string provider_message_id;
  std::string status_recipient;  // As the provider wrote it, or empty.
};

class OutboxRepository {
 public:
  virtual ~OutboxRepository() = default;

  /// Sets the due time and last error of the rows of `inbox_id` in state `sending`, before a
  /// restart moves them to `unknown`. Returns the number of rows changed.
  virtual int DelaySendingRows(std::string_view inbox_id, core::TimePoint due_at,
                               std::string_view last_error) = 0;
  /// Returns up to `limit` pairs of a row in state `unknown` and a kept status that names it by
  /// its callback data, oldest row first. A row that several statuses name appears once for
  /// each, oldest status first.
  virtual std::vector<StatusMatch> FindStatusMatches(int limit) = 0;
  /// Clears the callback data of kept status `status_id`, so it no longer names any row. The
  /// status stays kept for its provider message id.
  virtual void ClearStatusCallbackData(std::int64_t status_id) = 0;
  /// Deletes the kept statuses received before `received_before`. Returns the number deleted.
  virtual int PruneOrphanStatuses(core::TimePoint received_before) = 0;
};

std::unique_ptr<OutboxRepository> OpenOutboxRepository(core::Repository& unit);

}  // namespace mobilelink::outbox
