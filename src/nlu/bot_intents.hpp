#pragma once

// The intent model of the running bot, trained from the example messages of its rules.

#include <memory>
#include <vector>

#include "mobilelink/bot/tier_zero_bot.hpp"
#include "mobilelink/tools/dataset.hpp"

namespace mobilelink::nlu {

/// Returns one training example per rule example, labelled with the rule's name.
std::vector<tools::Utterance> RuleExamples(const bot::BotConfig& config);

/// Loads the model at `config.intent_model`, training and saving it first when it is missing
/// or was trained on other examples. Returns nullptr when no model path is set or fewer than
/// two rules have examples. Throws std::runtime_error when training or saving fails.
std::shared_ptr<const bot::IntentDetector> LoadIntentDetector(const bot::BotConfig& config);

}  // namespace mobilelink::nlu
