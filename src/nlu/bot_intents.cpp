#include "mobilelink/nlu/bot_intents.hpp"

#include <filesystem>
#include <set>
#include <stdexcept>

#include "mobilelink/common/log.hpp"
#include "mobilelink/nlu/intent_classifier.hpp"

namespace mobilelink::nlu {

std::vector<tools::Utterance> RuleExamples(const bot::BotConfig& config) {
  std::vector<tools::Utterance> examples;
  for (const auto& rule : config.rules) {
    for (const auto& text : rule.examples) {
      examples.push_back({text, rule.name});
    }
  }
  for (const auto& text : config.out_of_scope_texts) {
    examples.push_back({text, std::string(kOutOfScope)});
  }
  return examples;
}

std::shared_ptr<const bot::IntentDetector> LoadIntentDetector(const bot::BotConfig& config) {
  if (config.intent_model.empty()) {
    return nullptr;
  }
  const auto examples = RuleExamples(config);
  std::set<std::string> labels;
  for (const auto& example : examples) {
    if (example.label != kOutOfScope) {
      labels.insert(example.label);
    }
  }
  if (labels.size() < 2) {
    Logger("bot")->warn("intent model disabled path={} reason=\"{}\"", config.intent_model,
                        "fewer than two rules have examples");
    return nullptr;
  }
  // Rule examples are few, so all of them train, and the fit runs on out-of-fold predictions
  // of them. The bot's own minimum confidence decides when a detected intent may reply.
  if (config.out_of_scope_texts.empty()) {
    Logger("bot")->warn(
        "intent model has no out-of-scope examples path={}: a message that fits no rule gets the "
        "nearest rule, and only the confidence of {} stops it. Set bot.out_of_scope_examples",
        config.intent_model, bot::kDetectorMinConfidence);
  }
  bool retrained = false;
  try {
    const auto directory = std::filesystem::path(config.intent_model).parent_path();
    if (!directory.empty()) {
      std::filesystem::create_directories(directory);
    }
    auto classifier = std::make_shared<IntentClassifier>(
        LoadOrTrain(config.intent_model, examples, {}, TrainingOptions{}, &retrained));
    Logger("bot")->info("intent model ready path={} retrained={} intents={} examples={}",
                        config.intent_model, retrained, labels.size(), examples.size());
    return classifier;
  } catch (const std::exception& error) {
    throw std::runtime_error("intent model " + config.intent_model + " failed: " + error.what());
  }
}

}  // namespace mobilelink::nlu
