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

TEST(OutOfFoldFit, DemoRuleExamplesAnswerWithoutPhrases) {
  const testing::TempDir directory;
  bot::BotConfig config = config::LoadDemoConfig().bot;
  config.intent_model = (directory.Path() / "demo.intent-model").string();
  for (auto& rule : config.rules) {
    rule.phrases.clear();
    rule.keywords.clear();
  }
  config.articles.clear();
  const bot::TierZeroBot bot(config, LoadIntentDetector(config));
  for (const auto& rule : config.rules) {
    for (const auto& text : rule.examples) {
      const bot::BotDecision decision = bot.Respond({text, "", 0, nullptr});
      EXPECT_EQ(decision.intent, rule.name) << text;
      EXPECT_GE(decision.confidence, bot::kDetectorMinConfidence) << text;
    }
  }
}

}  // namespace
}  // namespace mobilelink::nlu
