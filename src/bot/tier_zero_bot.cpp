#include "mobilelink/bot/tier_zero_bot.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <unordered_map>

namespace mobilelink::bot {

namespace {

// Confidence given to a phrase match and to a keyword match. A phrase is specific, a single
// keyword less so; both answer, and the stored confidence lets reports tell them apart.
constexpr double kPhraseConfidence = 0.95;
constexpr double kKeywordConfidence = 0.7;
// IsServedIntent separates a matched rule from a fallback's detected intent by confidence.
static_assert(kKeywordConfidence >= kDetectorMinConfidence);

bool ContainsPhrase(const std::vector<std::string>& words, const std::vector<std::string>& phrase) {
  if (phrase.empty() || phrase.size() > words.size()) {
    return false;
  }
  return std::search(words.begin(), words.end(), phrase.begin(), phrase.end()) != words.end();
}

}  // namespace

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte)) {
      word.push_back(static_cast<char>(std::tolower(byte)));
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) {
    words.push_back(std::move(word));
  }
  return words;
}

std::vector<std::string> DefaultHandoffPhrases() {
  return {"agent",          "human",          "person",           "representative",
          "operator",       "real person",    "talk to someone",  "speak to someone",
          "customer service", "live chat",    "someone real"};
}

TierZeroBot::TierZeroBot(BotConfig config, std::shared_ptr<const IntentDetector> detector)
    : config_(std::move(config)),
      detector_(std::move(detector)),
      memory_index_(config_.articles) {
  for (const auto& phrase : config_.handoff_phrases) {
    handoff_phrases_.push_back(Words(phrase));
  }
  for (const auto& rule : config_.rules) {
    IndexedRule indexed{&rule, {}};
    for (const auto& phrase : rule.phrases) {
      indexed.phrases.push_back(Words(phrase));
    }
    rules_.push_back(std::move(indexed));
  }
}

const Rule* TierZeroBot::MatchRule(const std::vector<std::string>& words,
                                   double& confidence) const {
  for (const auto& indexed : rules_) {
    for (const auto& phrase : indexed.phrases) {
      if (ContainsPhrase(words, phrase)) {
        confidence = kPhraseConfidence;
        return indexed.rule;
      }
    }
  }
  for (const auto& rule : config_.rules) {
    for (const auto& keyword : rule.keywords) {
      if (std::find(words.begin(), words.end(), keyword) != words.end()) {
        confidence = kKeywordConfidence;
        return &rule;
      }
    }
  }
  return nullptr;
}

BotDecision TierZeroBot::Respond(const BotInput& input) const {
  const auto words = Words(input.text);
  for (const auto& phrase : handoff_phrases_) {
    if (ContainsPhrase(words, phrase)) {
      return {BotAction::kHandoff, config_.handoff_message, "handoff", 1.0, "customer_request"};
    }
  }

  double confidence = 0;
  if (const Rule* rule = MatchRule(words, confidence)) {
    return {BotAction::kAnswer, rule->answer, rule->name, confidence, ""};
  }
  const IntentResult detected = detector_ ? detector_->Detect(input.text) : IntentResult{};
  if (detected.confidence >= kDetectorMinConfidence) {
    for (const auto& rule : config_.rules) {
      if (rule.name == detected.intent) {
        return {BotAction::kAnswer, rule.answer, rule.name, detected.confidence, "", detected};
      }
    }
  }
  const ArticleSearch& articles = input.articles != nullptr ? *input.articles : memory_index_;
  const auto ranked = articles.Search(input.text, 1);
  if (!ranked.empty() && ranked.front().score >= config_.kb_min_score) {
    const double score = ranked.front().score;
    return {BotAction::kAnswer,
            ranked.front().body,
            "kb:" + ranked.front().title,
            score / (score + config_.kb_min_score),
            "",
            detected};
  }

  if (input.unresolved_count + 1 >= config_.handoff_after) {
    return {BotAction::kHandoff, config_.handoff_message, "handoff", 0, "unresolved", detected};
  }
  return {BotAction::kFallback, config_.fallback_message, "", 0, "", detected};
}

bool IsServedIntent(std::string_view intent, double confidence) {
  if (intent.empty() || intent == kOutOfScopeIntent) {
    return false;
  }
  if (intent == "handoff" || intent.starts_with("kb:") || intent.starts_with("flow:")) {
    return true;
  }
  // A rule name: phrase and keyword matches store more than the minimum, fallbacks less.
  return confidence >= kDetectorMinConfidence;
}

std::vector<ArticleHit> TierZeroBot::SearchArticles(std::string_view query,
                                                    std::size_t limit) const {
  return memory_index_.Search(query, limit);
}

}  // namespace mobilelink::bot
