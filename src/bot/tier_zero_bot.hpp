#pragma once

// The first bot (tier 0): keyword and phrase rules and knowledge-base answers from the config,
// with a handoff to the agent queue when it cannot help. It is a pure function of its config
// and its input, so the core can run it inside the transaction that stores the message.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mobilelink/bot/knowledge.hpp"

namespace mobilelink::bot {

/// A rule that answers when one of its phrases or keywords appears in the message.
struct Rule {
  std::string name;  // Also the intent name that the rule serves.
  std::vector<std::string> phrases;   // Whole-word, case-insensitive substrings.
  std::vector<std::string> keywords;  // Single words; any one of them matches.
  std::string answer;
  std::vector<std::string> examples;  // Customer messages that train the intent model.
};

/// A knowledge-base article.
struct Article {
  std::string title;
  std::vector<std::string> tags;
  std::string body;
  std::string locale = "en";
};

/// Bot settings.
///
/// | key | meaning | unit | default |
/// | --- | --- | --- | --- |
/// | handoff_after | unresolved customer messages before a handoff | count | 3 |
/// | handoff_phrases | words that ask for a person and hand off at once | list | agent, human, ... |
/// | handoff_message | text sent to the customer on handoff | text | required |
/// | fallback_message | text sent when nothing matched | text | required |
/// | kb_min_score | lowest BM25 score that counts as an answer | score | 2.0 |
/// | knowledge_base_dir | folder of Markdown articles, imported at start | path | none |
/// | intent_model | intent model file, trained from the rules' examples when stale | path | none |
/// | out_of_scope_examples | CSV of messages that fit no rule, all labelled oos | path | none |
struct BotConfig {
  int handoff_after = 3;
  std::vector<std::string> handoff_phrases;
  std::string handoff_message;
  std::string fallback_message;
  double kb_min_score = 2.0;
  std::string intent_model;
  std::string out_of_scope_examples;
  // The texts of out_of_scope_examples, read when the config loads.
  std::vector<std::string> out_of_scope_texts;
  std::string knowledge_base_dir;
  std::vector<Rule> rules;
  std::vector<Article> articles;
};

/// Returns the default phrases that ask for a person.
std::vector<std::string> DefaultHandoffPhrases();

/// Confidence from which an intent detector's result selects the rule of that intent.
inline constexpr double kDetectorMinConfidence = 0.6;

/// The intent that an intent detector returns when no intent fits the message.
inline constexpr std::string_view kOutOfScopeIntent = "oos";

/// An intent and its confidence in [0, 1].
struct IntentResult {
  std::string intent;
  double confidence = 0;
};

/// The seam for a statistical intent detector. Thread safe.
class IntentDetector {
 public:
  virtual ~IntentDetector() = default;
  [[nodiscard]] virtual IntentResult Detect(std::string_view text) const = 0;
};

enum class BotAction { kAnswer, kFallback, kHandoff };

struct BotInput {
  std::string_view text;      // Already card-masked.
  std::string_view reply_id;  // Quick reply id, if the customer tapped one.
  int unresolved_count = 0;   // Unresolved customer messages before this one.
  // The store's article index for this unit of work; the config articles in memory when null.
  const ArticleSearch* articles = nullptr;
};

struct BotDecision {
  BotAction action = BotAction::kFallback;
  std::string text;    // Text to send to the customer.
  std::string intent;  // Rule name, "kb:<title>", "handoff" or empty.
  double confidence = 0;
  std::string reason;  // For handoffs: customer_request or unresolved.
  // The intent detector's result, `oos` included, when the message reached it; an empty intent
  // when no rule or handoff phrase left it to the detector or there is no detector.
  IntentResult detected;
};

/// Returns whether a message's stored intent and confidence name what the bot served: a rule
/// (matched, or detected from kDetectorMinConfidence up), "kb:<title>", "flow:<name>" or
/// "handoff". False for an empty intent and for what a fallback stores, the detector's answer:
/// kOutOfScopeIntent, or a rule name below kDetectorMinConfidence.
bool IsServedIntent(std::string_view intent, double confidence);

/// Thread safe after construction.
class TierZeroBot final {
 public:
  explicit TierZeroBot(BotConfig config, std::shared_ptr<const IntentDetector> detector = nullptr);

  /// Decides the bot's answer to one customer message.
  [[nodiscard]] BotDecision Respond(const BotInput& input) const;

  /// Returns up to `limit` config articles ranked by BM25 for `query`, best first.
  [[nodiscard]] std::vector<ArticleHit> SearchArticles(std::string_view query,
                                                       std::size_t limit) const;

  [[nodiscard]] const BotConfig& Config() const { return config_; }

 private:
  // Rules and handoff phrases split into words once, in config order.
  struct IndexedRule {
    const Rule* rule;
    std::vector<std::vector<std::string>> phrases;
  };
  [[nodiscard]] const Rule* MatchRule(const std::vector<std::string>& words, double& confidence) const;

  BotConfig config_;
  std::shared_ptr<const IntentDetector> detector_;
  MemoryArticleIndex memory_index_;
  std::vector<IndexedRule> rules_;
  std::vector<std::vector<std::string>> handoff_phrases_;
};

/// Splits text into lower-case ASCII words; other bytes separate words.
std::vector<std::string> Words(std::string_view text);

}  // namespace mobilelink::bot
