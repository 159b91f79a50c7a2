#pragma once

// Knowledge-base freshness: the share of articles updated within the last 30 days, the same
// age at which the knowledge base flags an article as stale (bot::kStaleAfter). An article's
// update time moves only when an import changes its content, so the share is a figure of the
// moment it is measured, with no history.

#include <cstdint>
#include <optional>

#include "mobilelink/analytics/repository.hpp"

namespace mobilelink::analytics {

struct KnowledgeFreshness {
  std::int64_t articles = 0;    // Articles in the knowledge base.
  std::int64_t fresh = 0;       // Articles updated less than 30 days before the measurement.
  std::optional<double> ratio;  // fresh / articles, or nullopt without articles.
};

/// Counts the stored articles and the fresh ones at `now_ms` (Unix milliseconds).
KnowledgeFreshness MeasureKnowledgeFreshness(AnalyticsRepository& repository, std::int64_t now_ms);

}  // namespace mobilelink::analytics
