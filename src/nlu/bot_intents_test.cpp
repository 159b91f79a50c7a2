#include "mobilelink/nlu/bot_intents.hpp"

#include <filesystem>
#include <stdlib.h>
#include <string>

#include <gtest/gtest.h>

#include "mobilelink/nlu/intent_classifier.hpp"

namespace mobilelink::nlu {
namespace {

bot::BotConfig ConfigWithExamples(const std::filesystem::path& model) {
  bot::BotConfig config;
  config.intent_model = model.string();
  config.rules.push_back({"refund",
                          {},
                          {},
                          "Refunds take 5 days.",
                          {"i want my money back", "refund my order", "give me a refund"}});
  config.rules.push_back({"delivery",
                          {},
                          {},
                          "Track it online.",
                          {"where is my parcel", "track my package", "has my order shipped"}});
  return config;
}

TEST(LoadIntentDetector, TrainsFromRuleExamplesAndSaves) {
  std::string pattern = std::filesystem::temp_directory_path() / "bot-intents-XXXXXX";
  const std::filesystem::path directory = mkdtemp(pattern.data());
  const auto model = directory / "bot.intent-model";
  const bot::BotConfig config = ConfigWithExamples(model);

  const auto detector = LoadIntentDetector(config);
  ASSERT_NE(detector, nullptr);
  EXPECT_TRUE(std::filesystem::exists(model));
  EXPECT_EQ(detector->Detect("where is my parcel").intent, "delivery");
  EXPECT_EQ(IntentClassifier::ReadDataHash(model),
            HashTrainingData(RuleExamples(config), {}, TrainingOptions{}));
  std::filesystem::remove_all(directory);
}

TEST(LoadIntentDetector, DisabledWithoutPathOrExamples) {
  bot::BotConfig config = ConfigWithExamples("");
  EXPECT_EQ(LoadIntentDetector(config), nullptr);
  config.intent_model = "unused.intent-model";
  config.rules.pop_back();
  EXPECT_EQ(LoadIntentDetector(config), nullptr);
}

}  // namespace
}  // namespace mobilelink::nlu
