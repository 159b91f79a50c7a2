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
// Confidence at which an intent detector's result may select a rule.
constexpr double kDetectorMinConfidence = 0.6;
// BM25 parameters, the usual defaults.
constexpr double kBm25K1 = 1.2;
constexpr double kBm25B = 0.75;

const std::set<std::string, std::less<>>& StopWords() {
  static const std::set<std::string, std::less<>> words{
      "a",    "an",   "and",  "are",  "can",  "do",   "does", "for",  "how",  "i",
      "in",   "is",   "it",   "me",   "my",   "of",   "on",   "or",   "the",  "to",
      "what", "when", "where", "you", "your", "with", "be",   "there", "this", "that",
      "was",  "will", "we",   "our",  "have", "has",  "get",  "at",   "from", "about"};
  return words;
}

bool ContainsPhrase(const std::vector<std::string>& words, const std::vector<std::string>& phrase) {
  if (phrase.empty() || phrase.size() > words.size()) {
    return false;
  }
  return std::search(words.begin(), words.end(), phrase.begin(), phrase.end()) != words.end();
}

std::vector<std::string> ContentTerms(std::string_view text) {
  std::vector<std::string> terms;
  for (auto& word : Words(text)) {
    if (!StopWords().contains(word)) {
      terms.push_back(std::move(word));
    }
  }
  return terms;
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
    : config_(std::move(config)), detector_(std::move(detector)) {
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
  // Titles and tags count twice: they name what an article is about.
  double total_length = 0;
  for (const auto& article : config_.articles) {
    std::string text = article.title + " " + article.title + " " + article.body;
    for (const auto& tag : article.tags) {
      text += " " + tag + " " + tag;
    }
    IndexedArticle indexed{&article, {}, 0};
    for (auto& term : ContentTerms(text)) {
      indexed.term_counts[term] += 1;
      indexed.length += 1;
    }
    for (const auto& [term, count] : indexed.term_counts) {
      document_frequency_[term] += 1;
    }
    total_length += indexed.length;
    index_.push_back(std::move(indexed));
  }
  if (!index_.empty()) {
    average_length_ = total_length / static_cast<double>(index_.size());
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
  if (detector_) {
    const IntentResult detected = detector_->Detect(input.text);
    if (detected.confidence >= kDetectorMinConfidence) {
      for (const auto& rule : config_.rules) {
        if (rule.name == detected.intent) {
          return {BotAction::kAnswer, rule.answer, rule.name, detected.confidence, ""};
        }
      }
    }
  }
  const auto ranked = SearchArticles(input.text, 1);
  if (!ranked.empty() && ranked.front().second >= config_.kb_min_score) {
    const double score = ranked.front().second;
    return {BotAction::kAnswer, ranked.front().first->body, "kb:" + ranked.front().first->title,
            score / (score + config_.kb_min_score), ""};
  }

  if (input.unresolved_count + 1 >= config_.handoff_after) {
    return {BotAction::kHandoff, config_.handoff_message, "handoff", 0, "unresolved"};
  }
  return {BotAction::kFallback, config_.fallback_message, "", 0, ""};
}

std::vector<std::pair<const Article*, double>> TierZeroBot::SearchArticles(
    std::string_view query, std::size_t limit) const {
  std::vector<std::pair<const Article*, double>> ranked;
  if (index_.empty()) {
    return ranked;
  }
  auto query_terms = ContentTerms(query);
  std::sort(query_terms.begin(), query_terms.end());
  query_terms.erase(std::unique(query_terms.begin(), query_terms.end()), query_terms.end());

  const double documents = static_cast<double>(index_.size());
  for (const auto& entry : index_) {
    double score = 0;
    const double length = entry.length;
    for (const auto& term : query_terms) {
      const auto found = entry.term_counts.find(term);
      if (found == entry.term_counts.end()) {
        continue;
      }
      const double frequency = found->second;
      const double containing = document_frequency_.find(term)->second;
      const double idf = std::log(1 + (documents - containing + 0.5) / (containing + 0.5));
      score += idf * frequency * (kBm25K1 + 1) /
               (frequency + kBm25K1 * (1 - kBm25B + kBm25B * length / average_length_));
    }
    if (score > 0) {
      ranked.emplace_back(entry.article, score);
    }
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (ranked.size() > limit) {
    ranked.resize(limit);
  }
  return ranked;
}

}  // namespace mobilelink::bot
