#pragma once

// The KPI definitions of docs/kpis.md as code: folds events, in id order, into rollup deltas.
// Each conversation carries a small state between events (who has it, since when the customer
// has waited, when it was last resolved), which the store keeps beside the rollups so the fold
// can resume at any event id.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "mobilelink/analytics/rollup.hpp"
#include "mobilelink/analytics/settings.hpp"
#include "mobilelink/analytics/time_zone.hpp"
#include "mobilelink/analytics/working_time.hpp"
#include "mobilelink/core/model.hpp"

namespace mobilelink::analytics {

/// What the fold remembers of one conversation. Times are Unix milliseconds, 0 for none.
struct ConversationState {
  Dimensions dims;  // Channel and inbox of the message that opened the episode.
  int tier = 0;
  bool handed_off = false;           // The episode reached an agent.
  std::int64_t handed_off_at = 0;    // Latest handoff of the episode.
  std::int64_t assigned_at = 0;      // First assignment after the latest handoff.
  std::int64_t waiting_since = 0;    // Oldest customer message no agent has answered yet.
  bool first_response_done = false;  // Since the latest handoff or reopening.
  std::int64_t resolved_at = 0;      // Latest resolution.
  Dimensions resolved_dims;          // Dimensions at the latest resolution.
  bool reopen_counted = false;       // The latest resolution was already counted as reopened.

  bool operator==(const ConversationState&) const = default;
};

std::string EncodeState(const ConversationState& state);
/// Throws std::invalid_argument when `json` is not a stored state.
ConversationState DecodeState(std::string_view json);

/// Folds events into rollup deltas. Not thread safe; one per fold run.
class KpiFold final {
 public:
  /// Response and handle times count `working_time` for the conversation's team.
  KpiFold(const AnalyticsSettings& settings, const TimeZone& zone, const WorkingTime& working_time);

  /// Applies `event` to the state of its conversation and adds its facts to `deltas`. Events
  /// without a conversation are skipped.
  void Apply(const core::Event& event, ConversationState& state, RollupMap& deltas) const;

 private:
  void ApplyReopened(const std::string& channel, const std::string& inbox,
                     std::optional<std::int64_t> tier, std::int64_t at, ConversationState& state,
                     RollupMap& deltas) const;
  // Records the response facts of an agent message filed under `reply_dims`.
  void ApplyAgentMessage(const Dimensions& reply_dims, std::int64_t at, ConversationState& state,
                         RollupMap& deltas) const;
  void ApplyResolved(std::int64_t at, ConversationState& state, RollupMap& deltas) const;
  void ApplySurvey(const std::string& kind, std::int64_t score, std::int64_t at,
                   const ConversationState& state, RollupMap& deltas) const;
  void AddFact(RollupMap& deltas, std::int64_t at_ms, const Dimensions& dims,
               const std::function<void(RollupValues&)>& change) const;
  void Count(RollupMap& deltas, std::int64_t at_ms, const Dimensions& dims, Counter counter,
             std::int64_t amount = 1) const;

  const AnalyticsSettings& settings_;
  const TimeZone& zone_;
  const WorkingTime& working_time_;
};

/// Returns the rollups of every grouping set for deltas the fold filed under "full".
RollupMap ExpandGroupings(const RollupMap& full);

/// The forward window of first-contact resolution: a reopening within it undoes the FCR of
/// the resolution before it.
inline constexpr std::int64_t kFcrWindowMillis = 7 * kMillisPerDay;

}  // namespace mobilelink::analytics
