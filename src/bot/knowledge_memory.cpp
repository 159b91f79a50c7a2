#include <algorithm>
#include <cmath>

#include "mobilelink/bot/knowledge.hpp"
#include "mobilelink/bot/tier_zero_bot.hpp"

namespace mobilelink::bot {

namespace {

// BM25 parameters, the usual defaults (also FTS5's).
constexpr double kBm25K1 = 1.2;
constexpr double kBm25B = 0.75;

}  // namespace

MemoryArticleIndex::MemoryArticleIndex(const std::vector<Article>& articles) {
  double total_length = 0;
  for (const auto& article : articles) {
    std::string text = article.title + " " + article.title + " " + article.body;
    for (const auto& tag : article.tags) {
      text += " " + tag + " " + tag;
    }
    Entry entry;
    entry.article.slug = "config/" + article.title;
    entry.article.title = article.title;
    entry.article.tags = article.tags;
    entry.article.locale = article.locale;
    entry.article.body = article.body;
    for (auto& term : ContentTerms(text)) {
      entry.term_counts[term] += 1;
      entry.length += 1;
    }
    for (const auto& [term, count] : entry.term_counts) {
      document_frequency_[term] += 1;
    }
    total_length += entry.length;
    entries_.push_back(std::move(entry));
  }
  if (!entries_.empty()) {
    average_length_ = total_length / static_cast<double>(entries_.size());
  }
}

std::vector<ArticleHit> MemoryArticleIndex::Search(std::string_view query,
                                                   std::size_t limit) const {
  std::vector<ArticleHit> ranked;
  if (entries_.empty()) {
    return ranked;
  }
  auto query_terms = ContentTerms(query);
  std::sort(query_terms.begin(), query_terms.end());
  query_terms.erase(std::unique(query_terms.begin(), query_terms.end()), query_terms.end());

  const double documents = static_cast<double>(entries_.size());
  for (const auto& entry : entries_) {
    double score = 0;
    for (const auto& term : query_terms) {
      const auto found = entry.term_counts.find(term);
      if (found == entry.term_counts.end()) {
        continue;
      }
      const double frequency = found->second;
      const double containing = document_frequency_.find(term)->second;
      const double idf = std::log(1 + (documents - containing + 0.5) / (containing + 0.5));
      score += idf * frequency * (kBm25K1 + 1) /
               (frequency + kBm25K1 * (1 - kBm25B + kBm25B * entry.length / average_length_));
    }
    if (score > 0) {
      ranked.push_back(entry.article);
      ranked.back().score = score;
    }
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.score > b.score; });
  if (ranked.size() > limit) {
    ranked.resize(limit);
  }
  return ranked;
}

}  // namespace mobilelink::bot
