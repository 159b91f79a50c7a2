#pragma once

// The knowledge base: Markdown articles with a title, tags and a locale, searched by BM25.
// The bot replies with the top article when its score passes the threshold, and agents get
// the top three as suggestions. Articles come from two sources: the `knowledge_base` list in
// the bot config and the Markdown files of `knowledge_base_dir`; an import keeps the store in
// step with both (new and changed articles written, vanished ones removed).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mobilelink/core/model.hpp"
#include "mobilelink/core/repository.hpp"

namespace mobilelink::bot {

struct Article;

/// An article as stored and ranked.
struct ArticleHit {
  std::int64_t id = 0;  // 0 for articles that are not in the store (the in-memory index).
  std::string slug;
  std::string title;
  std::vector<std::string> tags;
  std::string locale;
  std::string body;
  double score = 0;  // BM25, higher is better; 0 in listings.
  core::TimePoint updated_at;
};

/// Ranks articles for a query. The store's FTS5 index and the bot's in-memory index of its
/// config articles both implement it.
class ArticleSearch {
 public:
  virtual ~ArticleSearch() = default;
  /// Returns up to `limit` articles whose score is above 0, best first.
  [[nodiscard]] virtual std::vector<ArticleHit> Search(std::string_view query,
                                                       std::size_t limit) const = 0;
};

/// BM25 over the config articles in memory, for a bot that runs without the store's index.
/// Titles and tags count twice because they name what an article is about. Thread safe after
/// construction.
class MemoryArticleIndex final : public ArticleSearch {
 public:
  explicit MemoryArticleIndex(const std::vector<Article>& articles);
  [[nodiscard]] std::vector<ArticleHit> Search(std::string_view query,
                                               std::size_t limit) const override;

 private:
  struct Entry {
    ArticleHit article;
    std::map<std::string, int, std::less<>> term_counts;
    double length = 0;  // Terms in the article, repeats included.
  };
  std::vector<Entry> entries_;
  std::map<std::string, int, std::less<>> document_frequency_;
  double average_length_ = 0;
};

/// One article to import: `slug` identifies it across imports ("config/<title>" or the file's
/// path relative to the folder). `updated_at` is set when the source dates the article.
struct ArticleSource {
  std::string slug;
  std::string title;
  std::vector<std::string> tags;
  std::string locale = "en";
  std::string body;
  std::optional<core::TimePoint> updated_at;
};

/// Counts of one import.
struct ImportReport {
  int added = 0;
  int updated = 0;
  int removed = 0;
  int unchanged = 0;
  std::vector<std::string> errors;  // Files that were skipped, with the reason.
};

/// The persistence port of the knowledge base, with the FTS5 search. Runs on the unit of work
/// it was opened on.
class KnowledgeRepository : public ArticleSearch {
 public:
  /// Returns every stored article, ordered by title.
  virtual std::vector<ArticleHit> List() = 0;
  virtual std::optional<ArticleHit> FindBySlug(std::string_view slug) = 0;
  /// Inserts or replaces the article with `source.slug`; `content_hash` detects changes.
  virtual void Upsert(const ArticleSource& source, std::string_view content_hash,
                      core::TimePoint updated_at) = 0;
  /// Returns the stored content hash of an article.
  virtual std::optional<std::string> ContentHash(std::string_view slug) = 0;
  virtual void Remove(std::string_view slug) = 0;
};

std::unique_ptr<KnowledgeRepository> OpenKnowledgeRepository(core::Repository& unit);

/// Parses one Markdown article with optional YAML front matter between `---` lines (title,
/// tags, locale, updated as YYYY-MM-DD). Without a title in the front matter the first `# `
/// heading is the title. Throws std::invalid_argument naming what is wrong.
ArticleSource ParseMarkdownArticle(std::string_view text, std::string slug);

/// Reads every *.md file under `folder` (recursively, in path order). A file that cannot be
/// parsed is skipped and named in `errors`.
std::vector<ArticleSource> ReadArticleFolder(const std::filesystem::path& folder,
                                             std::vector<std::string>& errors);

/// Returns the config articles as import sources.
std::vector<ArticleSource> ConfigArticles(const std::vector<Article>& articles);

/// Brings the store in step with `sources`: adds new slugs, rewrites changed ones (updated_at
/// becomes the source's date or `now`), and removes stored articles whose slug is not in
/// `sources`.
ImportReport SyncArticles(core::Repository& unit, const std::vector<ArticleSource>& sources,
                          core::TimePoint now);

/// Articles whose updated_at is this old or older are stale.
inline constexpr std::chrono::hours kStaleAfter{24 * 30};

[[nodiscard]] inline bool IsStale(const ArticleHit& article, core::TimePoint now) {
  return now - article.updated_at >= kStaleAfter;
}

/// Returns the lower-case words of `text` without stop words ("the", "how", "no", ...) and
/// without words of one character.
std::vector<std::string> ContentTerms(std::string_view text);

/// Builds the FTS5 query for free text: its words, lower case, quoted and joined with OR, so
/// that no FTS5 syntax from the customer reaches the parser. Returns empty when no word is left.
std::string FtsQuery(std::string_view text);

}  // namespace mobilelink::bot
