#include "mobilelink/analytics/knowledge_freshness.hpp"

#include <chrono>

#include "mobilelink/bot/knowledge.hpp"

namespace mobilelink::analytics {

KnowledgeFreshness MeasureKnowledgeFreshness(AnalyticsRepository& repository, std::int64_t now_ms) {
  const std::int64_t stale_after_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(bot::kStaleAfter).count();
  // bot::IsStale flags an article whose age is the limit or more, so a fresh one is younger.
  const ArticleCounts counts = repository.CountArticles(now_ms - stale_after_ms);
  KnowledgeFreshness freshness;
  freshness.articles = counts.total;
  freshness.fresh = counts.updated_after;
  if (counts.total > 0) {
    freshness.ratio = static_cast<double>(counts.updated_after) / counts.total;
  }
  return freshness;
}

}  // namespace mobilelink::analytics
