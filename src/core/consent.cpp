#include "mobilelink/core/consent.hpp"

#include <array>
#include <cctype>
#include <string>
#include <vector>

namespace mobilelink::core {

namespace {

// Twilio's default opt-out and opt-in keywords, plus the FCC's per-se revocation words
// (FCC 24-18): https://www.twilio.com/docs/messaging/tutorials/advanced-opt-out
constexpr std::array<std::string_view, 11> kOptOutPhrases{
    "stop",   "stopall", "unsubscribe", "cancel",          "end",
    "quit",   "revoke",  "optout",      "opt out",         "stop texting me",
    "stop messaging me"};
constexpr std::array<std::string_view, 3> kOptInPhrases{"start", "unstop", "opt in"};
constexpr std::array<std::string_view, 2> kHelpPhrases{"help", "info"};
constexpr std::array<std::string_view, 5> kCourtesyWords{"please", "pls", "thanks", "thank",
                                                         "now"};

bool IsSentenceEnd(char c) { return c == '.' || c == '!' || c == '?' || c == ',' || c == '\n'; }

std::vector<std::string> FirstSentenceWords(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (char c : text) {
    if (IsSentenceEnd(c) && !words.empty()) {
      break;
    }
    if (IsSentenceEnd(c) && !word.empty()) {
      break;
    }
    const unsigned char byte = static_cast<unsigned char>(c);
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

template <std::size_t N>
bool Contains(const std::array<std::string_view, N>& phrases, std::string_view phrase) {
  for (auto candidate : phrases) {
    if (candidate == phrase) {
      return true;
    }
  }
  return false;
}

}  // namespace

ConsentKeyword ClassifyConsentKeyword(std::string_view text, bool opted_out) {
  std::string phrase;
  for (const auto& word : FirstSentenceWords(text)) {
    if (Contains(kCourtesyWords, word) || word == "you") {
      continue;
    }
    if (!phrase.empty()) {
      phrase.push_back(' ');
    }
    phrase += word;
  }
  if (Contains(kOptOutPhrases, phrase)) {
    return ConsentKeyword::kOptOut;
  }
  if (Contains(kOptInPhrases, phrase) || (opted_out && phrase == "yes")) {
    return ConsentKeyword::kOptIn;
  }
  if (Contains(kHelpPhrases, phrase)) {
    return ConsentKeyword::kHelp;
  }
  return ConsentKeyword::kNone;
}

}  // namespace mobilelink::core
