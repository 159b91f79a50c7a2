#pragma once

// The persistence port of SLA clocks, priority sources and on-call pages. The SQLite
// implementation (store/sqlite_sla_repository.cpp) runs on the connection and transaction of
// the core::Repository it is opened on, so its writes commit with the conversation's.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mobilelink/config/sla_config.hpp"
#include "mobilelink/core/model.hpp"
#include "mobilelink/core/repository.hpp"

namespace mobilelink::routing {

/// One SLA clock of a conversation. Running: `due_at` is set. Paused: `paused_at` is set and
/// `remaining` keeps the business time that was left (negative once breached). Stopped:
/// `stopped_at` is set.
struct SlaClock {
  std::int64_t id = 0;
  std::int64_t conversation_id = 0;
  config::SlaMetric metric = config::SlaMetric::kFirstResponse;
  core::Priority priority = core::Priority::kStandard;
  std::string calendar_id;  // Empty: every hour counts.
  std::chrono::seconds target{0};
  core::TimePoint started_at;
  std::optional<core::TimePoint> due_at;
  std::optional<core::TimePoint> paused_at;
  std::chrono::milliseconds remaining{0};
  std::optional<core::TimePoint> stopped_at;
  std::optional<core::TimePoint> breached_at;
};

/// One SMS page of an on-call incident.
struct OnCallPage {
  std::int64_t id = 0;
  std::string incident_key;
  std::string team_id;
  int attempt = 1;
  std::string person_name;
  std::string phone;
  std::string inbox_id;
  std::optional<std::int64_t> conversation_id;
  std::optional<std::int64_t> message_id;
  core::TimePoint paged_at;
  std::optional<core::TimePoint> acknowledged_at;
};

class SlaRepository {
 public:
  virtual ~SlaRepository() = default;

  // Clocks
  /// Inserts `clock` and sets its id. Throws when the conversation already has an active clock
  /// of that metric.
  virtual void InsertClock(SlaClock& clock) = 0;
  /// Writes every field of a stored clock.
  virtual void UpdateClock(const SlaClock& clock) = 0;
  virtual std::optional<SlaClock> GetClock(std::int64_t clock_id) = 0;
  /// Lists the clocks of a conversation that are not stopped, oldest first.
  virtual std::vector<SlaClock> ListActiveClocks(std::int64_t conversation_id) = 0;
  /// Lists every clock of a conversation, oldest first.
  virtual std::vector<SlaClock> ListClocks(std::int64_t conversation_id) = 0;

  // Priority sources
  /// Returns "default", "rule" or "agent", or nothing before the first priority decision.
  virtual std::optional<std::string> GetPrioritySource(std::int64_t conversation_id) = 0;
  virtual void SetPrioritySource(std::int64_t conversation_id, std::string_view source,
                                 std::optional<std::int64_t> agent_id, core::TimePoint now) = 0;

  // On-call pages
  /// Inserts `page` and sets its id.
  virtual void InsertPage(OnCallPage& page) = 0;
  /// Returns the latest unacknowledged page sent to `phone` from `inbox_id`.
  virtual std::optional<OnCallPage> FindOpenPage(std::string_view inbox_id,
                                                 std::string_view phone) = 0;
  /// Lists the pages of an incident by attempt.
  virtual std::vector<OnCallPage> ListPages(std::string_view incident_key) = 0;
  /// Marks every page of an incident acknowledged.
  virtual void AcknowledgeIncident(std::string_view incident_key, core::TimePoint now) = 0;
};

/// Opens the SLA port on the transaction of `unit`, which must come from the SQLite store.
std::unique_ptr<SlaRepository> OpenSlaRepository(core::Repository& unit);

}  // namespace mobilelink::routing
