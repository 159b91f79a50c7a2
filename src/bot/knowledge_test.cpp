#include "mobilelink/bot/knowledge.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "mobilelink/bot/tier_zero_bot.hpp"
#include "mobilelink/security/testing/conversation_store.hpp"

namespace mobilelink::bot {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

const core::TimePoint kNow = core::TimePoint(seconds(1'800'000'000));

std::vector<ArticleSource> Sources() {
  return {
      {"config/track",
       "Track an order",
       {"order", "delivery", "parcel", "track"},
       "en",
       "Track it at example.com.",
       std::nullopt},
      {"config/refund",
       "Refunds and returns",
       {"refund", "return", "money"},
       "en",
       "Returns are free for 30 days.",
       std::nullopt},
      {"config/card",
       "Lost or stolen card",
       {"card", "lost", "stolen", "freeze"},
       "en",
       "Freeze it in the app.",
       std::nullopt},
      {"config/address",
       "Change of address",
       {"address", "move", "change"},
       "en",
       "Change it under Profile.",
       std::nullopt},
      {"config/hours",
       "Opening hours",
       {"hours", "open"},
       "en",
       "We are open from 8 to 18 on weekdays.",
       std::nullopt},
  };
}

class KnowledgeTest : public ::testing::Test {
 protected:
  ImportReport Sync(const std::vector<ArticleSource>& sources, core::TimePoint now) {
    ImportReport report;
    db_.Write([&](core::Repository& unit) { report = SyncArticles(unit, sources, now); });
    return report;
  }

  std::vector<ArticleHit> Search(std::string_view query, std::size_t limit) {
    std::vector<ArticleHit> hits;
    db_.Store().Read([&](core::Repository& unit) {
      hits = OpenKnowledgeRepository(unit)->Search(query, limit);
    });
    return hits;
  }

  std::vector<ArticleHit> List() {
    std::vector<ArticleHit> articles;
    db_.Store().Read(
        [&](core::Repository& unit) { articles = OpenKnowledgeRepository(unit)->List(); });
    return articles;
  }

  testing::ConversationStore db_;
};

TEST_F(KnowledgeTest, RanksMatchingArticleFirst) {
  Sync(Sources(), kNow);
  const auto hits = Search("I lost my card, please freeze it", 3);
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits.front().title, "Lost or stolen card");
  EXPECT_GT(hits.front().score, 0);
}

TEST_F(KnowledgeTest, OrdersByScoreAndHonoursLimit) {
  Sync(Sources(), kNow);
  const auto hits = Search("refund refund money change", 4);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].title, "Refunds and returns");
  EXPECT_EQ(hits[1].title, "Change of address");
  EXPECT_GT(hits[0].score, hits[1].score);
  EXPECT_EQ(Search("refund change", 1).size(), 1u);
}

TEST_F(KnowledgeTest, SearchMatchesBodyText) {
  Sync(Sources(), kNow);
  const auto hits = Search("weekdays", 3);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].title, "Opening hours");
}

TEST_F(KnowledgeTest, QuerySyntaxIsNotInterpreted) {
  Sync(Sources(), kNow);
  // FTS5 operators and quotes in customer text must neither fail nor change the query.
  EXPECT_NO_THROW(Search("card\" OR title:* NEAR(", 3));
  EXPECT_TRUE(Search("\"\" * ^", 3).empty());
  EXPECT_TRUE(Search("what is the", 3).empty());
}

TEST_F(KnowledgeTest, ShortRepliesMatchNoArticle) {
  Sync(Sources(), kNow);
  EXPECT_EQ(ContentTerms("it's fine, no"), std::vector<std::string>{"fine"});
  for (const std::string reply : {"it's fine", "no", "No.", "ok", "he's here", "what's up"}) {
    EXPECT_TRUE(Search(reply, 3).empty()) << reply;
  }
}

TEST_F(KnowledgeTest, SyncAddsUpdatesAndRemoves) {
  const auto first = Sync(Sources(), kNow);
  EXPECT_EQ(first.added, 5);
  auto changed = Sources();
  changed[0].body = "Track it in the app.";
  changed.pop_back();
  const auto second = Sync(changed, kNow + hours(1));
  EXPECT_EQ(second.added, 0);
  EXPECT_EQ(second.updated, 1);
  EXPECT_EQ(second.removed, 1);
  EXPECT_EQ(second.unchanged, 3);
  EXPECT_TRUE(Search("weekdays", 3).empty());
  const auto hits = Search("track", 1);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].body, "Track it in the app.");
  EXPECT_EQ(hits[0].updated_at, kNow + hours(1));
}

TEST_F(KnowledgeTest, UnchangedArticleKeepsUpdatedAt) {
  Sync(Sources(), kNow);
  Sync(Sources(), kNow + hours(24 * 40));
  for (const auto& article : List()) {
    EXPECT_EQ(article.updated_at, kNow) << article.title;
  }
}

TEST_F(KnowledgeTest, FutureUpdatedDateIsRejected) {
  auto sources = Sources();
  sources[0].updated_at = kNow + hours(24);
  const auto report = Sync(sources, kNow);
  EXPECT_EQ(report.added, 4);
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_NE(report.errors[0].find("future date"), std::string::npos) << report.errors[0];
  EXPECT_EQ(List().size(), 4u);
}

TEST_F(KnowledgeTest, StaleAfterThirtyDays) {
  Sync(Sources(), kNow);
  const auto article = List().front();
  EXPECT_FALSE(IsStale(article, kNow + hours(24 * 30) - seconds(1)));
  EXPECT_TRUE(IsStale(article, kNow + hours(24 * 30)));
}

TEST_F(KnowledgeTest, BotAnswersFromStoredIndex) {
  Sync(Sources(), kNow);
  BotConfig config;
  config.handoff_message = "Passing you on.";
  config.fallback_message = "Sorry.";
  config.kb_min_score = 0.5;
  const TierZeroBot bot(config);  // No config articles: only the store contains them.
  BotDecision with_index;
  BotDecision without_index;
  db_.Store().Read([&](core::Repository& unit) {
    const auto index = OpenKnowledgeRepository(unit);
    with_index = bot.Respond({"where is my parcel, can I track it", "", 0, index.get()});
    without_index = bot.Respond({"where is my parcel, can I track it", "", 0, nullptr});
  });
  EXPECT_EQ(with_index.action, BotAction::kAnswer);
  EXPECT_EQ(with_index.intent, "kb:Track an order");
  EXPECT_EQ(with_index.text, "Track it at example.com.");
  EXPECT_EQ(without_index.action, BotAction::kFallback);
}

TEST_F(KnowledgeTest, BotFallsBackBelowThreshold) {
  Sync(Sources(), kNow);
  BotConfig config;
  config.handoff_message = "Passing you on.";
  config.fallback_message = "Sorry.";
  config.kb_min_score = 1000;
  const TierZeroBot bot(config);
  BotDecision decision;
  db_.Store().Read([&](core::Repository& unit) {
    const auto index = OpenKnowledgeRepository(unit);
    decision = bot.Respond({"where is my parcel", "", 0, index.get()});
  });
  EXPECT_EQ(decision.action, BotAction::kFallback);
}

TEST(MarkdownArticle, ParsesFrontMatter) {
  const auto article = ParseMarkdownArticle(
      "---\ntitle: Freeze a card\ntags: [card, freeze]\nlocale: de\nupdated: 2026-01-15\n---\n"
      "Open the app and tap Freeze.\n",
      "cards/freeze.md");
  EXPECT_EQ(article.slug, "cards/freeze.md");
  EXPECT_EQ(article.title, "Freeze a card");
  EXPECT_EQ(article.tags, (std::vector<std::string>{"card", "freeze"}));
  EXPECT_EQ(article.locale, "de");
  EXPECT_EQ(article.body, "Open the app and tap Freeze.");
  ASSERT_TRUE(article.updated_at.has_value());
  EXPECT_EQ(*article.updated_at,
            std::chrono::sys_days(std::chrono::year(2026) / std::chrono::January / 15));
}

TEST(MarkdownArticle, TitleFromHeading) {
  const auto article = ParseMarkdownArticle("# Opening hours\n\nWe open at 8.\n", "hours.md");
  EXPECT_EQ(article.title, "Opening hours");
  EXPECT_EQ(article.locale, "en");
  EXPECT_TRUE(article.tags.empty());
}

TEST(MarkdownArticle, CommaSeparatedTags) {
  const auto article = ParseMarkdownArticle("---\ntitle: T\ntags: a, b ,c\n---\nBody", "t.md");
  EXPECT_EQ(article.tags, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(MarkdownArticle, RejectsBadInput) {
  EXPECT_THROW(ParseMarkdownArticle("no title here", "x.md"), std::invalid_argument);
  EXPECT_THROW(ParseMarkdownArticle("---\ntitle: T\n", "x.md"), std::invalid_argument);
  EXPECT_THROW(ParseMarkdownArticle("---\ntitle: T\ncolour: red\n---\nBody", "x.md"),
               std::invalid_argument);
  EXPECT_THROW(ParseMarkdownArticle("---\ntitle: T\nupdated: 15/01/2026\n---\nBody", "x.md"),
               std::invalid_argument);
  EXPECT_THROW(ParseMarkdownArticle("---\ntitle: T\n---\n", "x.md"), std::invalid_argument);
}

TEST(ArticleFolder, ReadsMarkdownFilesAndReportsBadOnes) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.Path() / "cards");
  std::ofstream(dir.Path() / "cards" / "freeze.md") << "# Freeze a card\nTap Freeze.\n";
  std::ofstream(dir.Path() / "hours.md") << "# Opening hours\nWe open at 8.\n";
  std::ofstream(dir.Path() / "broken.md") << "no heading\n";
  std::ofstream(dir.Path() / "notes.txt") << "# Not an article\nIgnored.\n";
  std::vector<std::string> errors;
  const auto articles = ReadArticleFolder(dir.Path(), errors);
  ASSERT_EQ(articles.size(), 2u);
  EXPECT_EQ(articles[0].slug, "cards/freeze.md");
  EXPECT_EQ(articles[1].slug, "hours.md");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("broken.md"), std::string::npos);
}

TEST(FtsQuery, QuotesWordsAndDropsStopWords) {
  EXPECT_EQ(FtsQuery("How do I FREEZE my card?"), "\"card\" OR \"freeze\"");
  EXPECT_EQ(FtsQuery("the"), "");
}

}  // namespace
}  // namespace mobilelink::bot
