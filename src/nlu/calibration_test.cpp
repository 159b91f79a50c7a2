#include "mobilelink/nlu/calibration.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mobilelink/bot/tier_zero_bot.hpp"
#include "mobilelink/common/testing/temp_dir.hpp"
#include "mobilelink/config/testing/demo_config.hpp"
#include "mobilelink/nlu/bot_intents.hpp"
#include "mobilelink/nlu/intent_classifier.hpp"

namespace mobilelink::nlu {
namespace {

// A bot's rule examples: a few intents with five short messages each.
std::vector<tools::Utterance> BotExamples() {
  return {
      {"where is my order", "order_status"},
      {"has my package shipped yet", "order_status"},
      {"what is the status of my order", "order_status"},
      {"when will my order arrive", "order_status"},
      {"track my delivery", "order_status"},
      {"i want a refund", "refund"},
      {"can i get my money back", "refund"},
      {"refund my last order please", "refund"},
      {"i want to return my order", "refund"},
      {"how do i get a refund", "refund"},
      {"i lost my card", "card_freeze"},
      {"please freeze my card", "card_freeze"},
      {"someone stole my wallet with my card", "card_freeze"},
      {"block my credit card", "card_freeze"},
      {"my card is missing", "card_freeze"},
      {"what is my balance", "balance"},
      {"how much money is on my account", "balance"},
      {"did my last payment go through", "balance"},
      {"show me my account balance", "balance"},
      {"when was my last payment", "balance"},
  };
}

// Messages that reword one training example each.
std::vector<tools::Utterance> Paraphrases() {
  return {
      {"where is my order now", "order_status"},
      {"has my parcel shipped", "order_status"},
      {"i would like a refund", "refund"},
      {"i want my money back", "refund"},
      {"i lost my credit card", "card_freeze"},
      {"freeze my card please", "card_freeze"},
      {"what is my account balance", "balance"},
      {"did my payment go through", "balance"},
  };
}

std::string ReadBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Expects the model to give each message its label, with at least the bot's minimum confidence.
void ExpectBotConfidence(const IntentClassifier& model,
                         const std::vector<tools::Utterance>& messages) {
  for (const auto& message : messages) {
    const Prediction prediction = model.Predict(message.text);
    EXPECT_EQ(prediction.intent, message.label) << message.text;
    EXPECT_GE(prediction.confidence, bot::kDetectorMinConfidence) << message.text;
  }
}

TEST(OutOfFoldFit, TrainingExamplesReachBotConfidence) {
  ExpectBotConfidence(IntentClassifier::Train(BotExamples(), {}, TrainingOptions{}),
                      BotExamples());
}

TEST(OutOfFoldFit, ParaphrasesReachBotConfidence) {
  ExpectBotConfidence(IntentClassifier::Train(BotExamples(), {}, TrainingOptions{}),
                      Paraphrases());
}

TEST(OutOfFoldFit, FitsScalesAndWeights) {
  const auto model = IntentClassifier::Train(BotExamples(), {}, TrainingOptions{});
  // fastText, one linear model and the nearest-neighbour model, which only fitting adds.
  ASSERT_EQ(model.Weights().size(), 3u);
  EXPECT_NE(model.Weights(), std::vector<float>(3, 1.0f / 3));
}

TEST(OutOfFoldFit, SameDataSameModelBytes) {
  const testing::TempDir directory;
  const auto first = directory.Path() / "first.intent-model";
  const auto second = directory.Path() / "second.intent-model";
  IntentClassifier::Train(BotExamples(), {}, TrainingOptions{}).Save(first);
  IntentClassifier::Train(BotExamples(), {}, TrainingOptions{}).Save(second);
  EXPECT_EQ(ReadBytes(first), ReadBytes(second));
}

TEST(OutOfFoldFit, SingleExampleIntentKeepsEqualWeights) {
  auto examples = BotExamples();
  examples.push_back({"what are your opening hours", "opening_hours"});
  const auto model = IntentClassifier::Train(examples, {}, TrainingOptions{});
  // No folds: fastText and one linear model, equal weights, no neighbour model.
  EXPECT_EQ(model.Weights(), std::vector<float>(2, 0.5f));
  EXPECT_EQ(model.Threshold(), 0);
}

// Returns the demo's bot config with the intent model as its only matcher: no phrases,
// keywords or articles.
bot::BotConfig DemoModelOnlyConfig(const std::filesystem::path& model) {
  bot::BotConfig config = config::LoadDemoConfig().bot;
  config.intent_model = model.string();
  for (auto& rule : config.rules) {
    rule.phrases.clear();
    rule.keywords.clear();
  }
  config.articles.clear();
  return config;
}

TEST(OutOfFoldFit, DemoRuleExamplesAnswerWithoutPhrases) {
  const testing::TempDir directory;
  const auto config = DemoModelOnlyConfig(directory.Path() / "demo.intent-model");
  const bot::TierZeroBot bot(config, LoadIntentDetector(config));
  for (const auto& rule : config.rules) {
    for (const auto& text : rule.examples) {
      const bot::BotDecision decision = bot.Respond({text, "", 0, nullptr});
      EXPECT_EQ(decision.intent, rule.name) << text;
      EXPECT_GE(decision.confidence, bot::kDetectorMinConfidence) << text;
    }
  }
}

// CLINC150's oos_test queries, which the demo's out-of-scope examples leave out, reach a rule
// far less often with those examples than without them.
TEST(OutOfFoldFit, DemoOutOfScopeExamplesStopUnrelatedMessages) {
  const testing::TempDir directory;
  const auto unrelated = tools::ReadUtterances(
      std::filesystem::path(MOBILELINK_SOURCE_DIR) / "data/clinc150/data_full.json",
      {"oos_test"});
  ASSERT_EQ(unrelated.size(), 1000u);
  const auto answered = [&](const bot::BotConfig& config) {
    const bot::TierZeroBot bot(config, LoadIntentDetector(config));
    int count = 0;
    for (const auto& example : unrelated) {
      if (bot.Respond({example.text, "", 0, nullptr}).action == bot::BotAction::kAnswer) {
        count += 1;
      }
    }
    return count;
  };
  const auto with_examples = DemoModelOnlyConfig(directory.Path() / "with.intent-model");
  ASSERT_FALSE(with_examples.out_of_scope_texts.empty());
  auto without_examples = DemoModelOnlyConfig(directory.Path() / "without.intent-model");
  without_examples.out_of_scope_texts.clear();
  // Of 1,000 unrelated queries, 10 reach a rule with the examples and 449 without.
  EXPECT_LE(answered(with_examples), 50);
  EXPECT_GE(answered(without_examples), 200);
}

TEST(OutOfFoldFit, DemoOutOfScopeExamplesKeepParaphrases) {
  const testing::TempDir directory;
  const auto config = DemoModelOnlyConfig(directory.Path() / "demo.intent-model");
  const bot::TierZeroBot bot(config, LoadIntentDetector(config));
  for (const auto& [text, intent] : std::vector<std::pair<std::string, std::string>>{
           {"i changed my address", "change_address"},
           {"my card was stolen", "card_freeze"},
           {"i would like my money back", "refund_request"}}) {
    const auto decision = bot.Respond({text, "", 0, nullptr});
    EXPECT_EQ(decision.action, bot::BotAction::kAnswer) << text;
    EXPECT_EQ(decision.intent, intent) << text;
  }
  for (const std::string text :
       {"what is the weather tomorrow", "how do i bake bread", "is the earth flat"}) {
    EXPECT_EQ(bot.Respond({text, "", 0, nullptr}).action, bot::BotAction::kFallback) << text;
  }
}

}  // namespace
}  // namespace mobilelink::nlu
