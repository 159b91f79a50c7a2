#pragma once

// Folds the events table into the rollups incrementally: each batch reads the events after
// the cursor, applies them to the stored conversation states, merges the deltas into the
// stored rollup rows and moves the cursor, all in the caller's transaction, so a batch is
// folded exactly once. A full recomputation runs the same fold from the first event in memory,
// which is how `mobilelink analytics verify` checks the stored rollups.

#include <cstdint>
#include <string>
#include <vector>

#include "mobilelink/analytics/kpi_fold.hpp"
#include "mobilelink/analytics/repository.hpp"
#include "mobilelink/core/repository.hpp"

namespace mobilelink::analytics {

struct BatchResult {
  int events = 0;           // Events read in this batch.
  std::int64_t cursor = 0;  // Last folded event id after the batch.
  int rows_written = 0;     // Rollup rows inserted or updated.
};

class AnalyticsProcessor final {
 public:
  /// Response and handle times count `working_time`, which must outlive the processor.
  AnalyticsProcessor(const AnalyticsSettings& settings, const TimeZone& zone,
                     const WorkingTime& working_time);

  /// Folds up to `limit` events after the cursor. Runs inside a write transaction.
  BatchResult ProcessBatch(core::Repository& unit, int limit) const;

  /// Folds every event with id up to `last_event_id` from scratch, in memory, and returns the
  /// rollups of every grouping set. Reads only.
  RollupMap Recompute(core::Repository& unit, std::int64_t last_event_id) const;

  /// Compares the stored rollups with a full recomputation up to the stored cursor and returns
  /// one line per difference; empty when they are equal. Reads only.
  std::vector<std::string> Verify(core::Repository& unit) const;

 private:
  const AnalyticsSettings& settings_;
  const TimeZone& zone_;
  KpiFold fold_;
};

/// Describes a rollup key for messages, e.g. "day 2026-03-08 all *|*|*|*|*|*".
std::string DescribeKey(const RollupKey& key);

}  // namespace mobilelink::analytics
