// SQLite implementation of the knowledge-base port: the articles table and its FTS5 index
// (migration 0005), on the unit of work's own connection and transaction.

#include <sstream>

#include "mobilelink/bot/knowledge.hpp"
#include "mobilelink/store/sqlite_repository.hpp"

namespace mobilelink::store {

namespace {

// FTS5's bm25() is lower for better matches, so its negation is the score. Titles and tags
// weigh twice as much as the body, as in the bot's in-memory index.
constexpr Query kSearchArticles{
    "search_articles",
    "SELECT a.id, a.slug, a.title, a.tags, a.locale, a.body, a.updated_at, "
    "-bm25(articles_fts, 2.0, 2.0, 1.0) AS score "
    "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
    "WHERE articles_fts MATCH ?1 ORDER BY score DESC, a.id LIMIT ?2"};
constexpr Query kListArticles{
    "list_articles",
    "SELECT id, slug, title, tags, locale, body, updated_at, 0 FROM articles ORDER BY title, id"};
constexpr Query kFindArticle{
    "find_article",
    "SELECT id, slug, title, tags, locale, body, updated_at, 0 FROM articles WHERE slug = ?1"};
constexpr Query kArticleHash{"article_hash", "SELECT content_hash FROM articles WHERE slug = ?1"};
constexpr Query kUpsertArticle{
    "upsert_article",
    "INSERT INTO articles (slug, title, tags, locale, body, content_hash, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (slug) DO UPDATE SET "
    "title = excluded.title, tags = excluded.tags, locale = excluded.locale, "
    "body = excluded.body, content_hash = excluded.content_hash, "
    "updated_at = excluded.updated_at"};
constexpr Query kRemoveArticle{"remove_article", "DELETE FROM articles WHERE slug = ?1"};

std::string JoinTags(const std::vector<std::string>& tags) {
  std::string joined;
  for (const auto& tag : tags) {
    joined += joined.empty() ? tag : ", " + tag;
  }
  return joined;
}

std::vector<std::string> SplitTags(const std::string& joined) {
  std::vector<std::string> tags;
  std::stringstream list(joined);
  for (std::string tag; std::getline(list, tag, ',');) {
    const auto begin = tag.find_first_not_of(' ');
    if (begin != std::string::npos) {
      tags.push_back(tag.substr(begin));
    }
  }
  return tags;
}

class SqliteKnowledgeRepository final : public bot::KnowledgeRepository {
 public:
  explicit SqliteKnowledgeRepository(Connection& db) : db_(db) {}

  std::vector<bot::ArticleHit> Search(std::string_view query, std::size_t limit) const override {
    const std::string match = bot::FtsQuery(query);
    if (match.empty() || limit == 0) {
      return {};
    }
    auto statement = db_.Prepare(kSearchArticles);
    statement.Bind(1, match).Bind(2, static_cast<std::int64_t>(limit));
    auto hits = ReadAll(statement);
    std::erase_if(hits, [](const bot::ArticleHit& hit) { return hit.score <= 0; });
    return hits;
  }

  std::vector<bot::ArticleHit> List() override {
    auto statement = db_.Prepare(kListArticles);
    return ReadAll(statement);
  }

  std::optional<bot::ArticleHit> FindBySlug(std::string_view slug) override {
    auto statement = db_.Prepare(kFindArticle);
    statement.Bind(1, slug);
    auto hits = ReadAll(statement);
    if (hits.empty()) {
      return std::nullopt;
    }
    return hits.front();
  }

  void Upsert(const bot::ArticleSource& source, std::string_view content_hash,
              core::TimePoint updated_at) override {
    db_.Prepare(kUpsertArticle)
        .Bind(1, source.slug)
        .Bind(2, source.title)
        .Bind(3, JoinTags(source.tags))
        .Bind(4, source.locale)
        .Bind(5, source.body)
        .Bind(6, content_hash)
        .Bind(7, ToMillis(updated_at))
        .Run();
  }

  std::optional<std::string> ContentHash(std::string_view slug) override {
    auto statement = db_.Prepare(kArticleHash);
    statement.Bind(1, slug);
    if (!statement.Step()) {
      return std::nullopt;
    }
    return statement.Text(0);
  }

  void Remove(std::string_view slug) override { db_.Prepare(kRemoveArticle).Bind(1, slug).Run(); }

 private:
  static std::vector<bot::ArticleHit> ReadAll(Statement& statement) {
    std::vector<bot::ArticleHit> hits;
    while (statement.Step()) {
      bot::ArticleHit hit;
      hit.id = statement.Int(0);
      hit.slug = statement.Text(1);
      hit.title = statement.Text(2);
      hit.tags = SplitTags(statement.Text(3));
      hit.locale = statement.Text(4);
      hit.body = statement.Text(5);
      hit.updated_at = FromMillis(statement.Int(6));
      hit.score = statement.Real(7);
      hits.push_back(std::move(hit));
    }
    return hits;
  }

  Connection& db_;
};

}  // namespace

}  // namespace mobilelink::store

namespace mobilelink::bot {

std::unique_ptr<KnowledgeRepository> OpenKnowledgeRepository(core::Repository& unit) {
  return std::make_unique<store::SqliteKnowledgeRepository>(
      static_cast<store::SqliteRepository&>(unit).Db());
}

}  // namespace mobilelink::bot
