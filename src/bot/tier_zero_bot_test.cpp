#include "mobilelink/bot/tier_zero_bot.hpp"

#include <string>

#include <gtest/gtest.h>

namespace mobilelink::bot {
namespace {

BotConfig TestConfig() {
  BotConfig config;
  config.handoff_after = 3;
  config.handoff_phrases = DefaultHandoffPhrases();
  config.handoff_message = "Passing you to a person.";
  config.fallback_message = "Sorry, I did not understand.";
  config.rules = {
      {"opening_hours", {"opening hours", "when are you open"}, {"hours"}, "We open at 8."},
      {"greeting", {"good morning"}, {}, "Hello!"},
  };
  config.articles = {
      {"Track an order", {"order", "delivery", "parcel", "track"}, "Track it at example.com."},
      {"Refunds and returns", {"refund", "return", "money"}, "Returns are free for 30 days."},
      {"Lost or stolen card", {"card", "lost", "stolen", "freeze"}, "Freeze it in the app."},
      {"Change of address", {"address", "move", "change"}, "Change it under Profile."},
  };
  return config;
}

BotDecision Ask(const TierZeroBot& bot, std::string_view text, int unresolved = 0) {
  return bot.Respond({text, "", unresolved});
}

TEST(TierZeroBot, PhraseMatchIsConfident) {
  const TierZeroBot bot(TestConfig());
  const BotDecision decision = Ask(bot, "What are your opening hours?");
  EXPECT_EQ(decision.action, BotAction::kAnswer);
  EXPECT_EQ(decision.intent, "opening_hours");
  EXPECT_EQ(decision.text, "We open at 8.");
  EXPECT_DOUBLE_EQ(decision.confidence, 0.95);
}

TEST(TierZeroBot, KeywordMatchIsLessConfident) {
  const TierZeroBot bot(TestConfig());
  const BotDecision decision = Ask(bot, "hours on sunday?");
  EXPECT_EQ(decision.action, BotAction::kAnswer);
  EXPECT_EQ(decision.intent, "opening_hours");
  EXPECT_DOUBLE_EQ(decision.confidence, 0.7);
}

TEST(TierZeroBot, PhraseNeedsWholeWords) {
  const TierZeroBot bot(TestConfig());
  // "good mornings" is not the phrase "good morning", and no article matches either word.
  const BotDecision decision = Ask(bot, "good mornings");
  EXPECT_EQ(decision.action, BotAction::kFallback);
}

TEST(TierZeroBot, HandoffPhraseHandsOffAtOnce) {
  const TierZeroBot bot(TestConfig());
  const BotDecision decision = Ask(bot, "Can I talk to a human please");
  EXPECT_EQ(decision.action, BotAction::kHandoff);
  EXPECT_EQ(decision.reason, "customer_request");
  EXPECT_EQ(decision.text, "Passing you to a person.");
}

TEST(TierZeroBot, MultiWordHandoffPhrase) {
  const TierZeroBot bot(TestConfig());
  const BotDecision decision = Ask(bot, "is there a REAL PERSON there?");
  EXPECT_EQ(decision.action, BotAction::kHandoff);
  EXPECT_EQ(decision.reason, "customer_request");
}

TEST(TierZeroBot, HandoffPhraseWinsOverRule) {
  const TierZeroBot bot(TestConfig());
  const BotDecision decision = Ask(bot, "opening hours, or an agent");
  EXPECT_EQ(decision.action, BotAction::kHandoff);
}

TEST(TierZeroBot, KnowledgeBaseAnswersParcelQuestion) {
  const TierZeroBot bot(TestConfig());
  const BotDecision decision = Ask(bot, "where is my parcel, can I track it");
  EXPECT_EQ(decision.action, BotAction::kAnswer);
  EXPECT_EQ(decision.intent, "kb:Track an order");
  EXPECT_EQ(decision.text, "Track it at example.com.");
  EXPECT_GT(decision.confidence, 0.5);
  EXPECT_LT(decision.confidence, 1.0);
}

TEST(TierZeroBot, SearchRanksMatchingArticleFirst) {
  const TierZeroBot bot(TestConfig());
  const auto ranked = bot.SearchArticles("I lost my card, please freeze it", 3);
  ASSERT_FALSE(ranked.empty());
  EXPECT_EQ(ranked.front().title, "Lost or stolen card");
}

TEST(TierZeroBot, SearchOrdersByScore) {
  const TierZeroBot bot(TestConfig());
  // Only one article contains "refund" and "money", and only another contains "change".
  const auto ranked = bot.SearchArticles("refund refund money change", 4);
  ASSERT_EQ(ranked.size(), 2u);
  EXPECT_EQ(ranked[0].title, "Refunds and returns");
  EXPECT_EQ(ranked[1].title, "Change of address");
  EXPECT_GT(ranked[0].score, ranked[1].score);
}

TEST(TierZeroBot, SearchHonoursLimit) {
  const TierZeroBot bot(TestConfig());
  EXPECT_EQ(bot.SearchArticles("refund change", 1).size(), 1u);
}

TEST(TierZeroBot, StopWordsAloneFindNothing) {
  const TierZeroBot bot(TestConfig());
  EXPECT_TRUE(bot.SearchArticles("what is the", 4).empty());
}

TEST(TierZeroBot, WeakArticleMatchFallsBack) {
  BotConfig config = TestConfig();
  config.kb_min_score = 100;
  const TierZeroBot bot(config);
  const BotDecision decision = Ask(bot, "where is my parcel");
  EXPECT_EQ(decision.action, BotAction::kFallback);
  EXPECT_EQ(decision.text, "Sorry, I did not understand.");
}

TEST(TierZeroBot, FallbackUntilHandoffAfter) {
  const TierZeroBot bot(TestConfig());
  const BotDecision first = Ask(bot, "blorp", 0);
  const BotDecision second = Ask(bot, "blorp", 1);
  const BotDecision third = Ask(bot, "blorp", 2);
  EXPECT_EQ(first.action, BotAction::kFallback);
  EXPECT_EQ(second.action, BotAction::kFallback);
  EXPECT_EQ(third.action, BotAction::kHandoff);
  EXPECT_EQ(third.reason, "unresolved");
  EXPECT_EQ(third.text, "Passing you to a person.");
}

TEST(TierZeroBot, HandoffAfterOneHandsOffFirstMiss) {
  BotConfig config = TestConfig();
  config.handoff_after = 1;
  const TierZeroBot bot(config);
  EXPECT_EQ(Ask(bot, "blorp", 0).action, BotAction::kHandoff);
}

class FixedDetector final : public IntentDetector {
 public:
  explicit FixedDetector(IntentResult result) : result_(std::move(result)) {}
  [[nodiscard]] IntentResult Detect(std::string_view) const override { return result_; }

 private:
  IntentResult result_;
};

TEST(TierZeroBot, ConfidentDetectorSelectsRule) {
  const TierZeroBot bot(TestConfig(),
                        std::make_shared<FixedDetector>(IntentResult{"greeting", 0.8}));
  const BotDecision decision = Ask(bot, "hiya");
  EXPECT_EQ(decision.action, BotAction::kAnswer);
  EXPECT_EQ(decision.intent, "greeting");
  EXPECT_DOUBLE_EQ(decision.confidence, 0.8);
}

TEST(TierZeroBot, UnsureDetectorIsIgnored) {
  const TierZeroBot bot(TestConfig(),
                        std::make_shared<FixedDetector>(IntentResult{"greeting", 0.3}));
  EXPECT_EQ(Ask(bot, "hiya").action, BotAction::kFallback);
}

TEST(BotWords, SplitsOnNonAlphanumeric) {
  const std::vector<std::string> expected{"don", "t", "stop", "4"};
  EXPECT_EQ(Words("Don't STOP-4!"), expected);
}

}  // namespace
}  // namespace mobilelink::bot
