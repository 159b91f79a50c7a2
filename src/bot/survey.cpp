#include "mobilelink/bot/survey.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <boost/json.hpp>

#include "mobilelink/bot/tier_zero_bot.hpp"
#include "mobilelink/events/event_types.hpp"

namespace mobilelink::bot {

namespace {

constexpr int kMessagesScanned = 500;

std::string Lowercase(std::string_view text) {
  std::string lower;
  for (char c : text) {
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return lower;
}

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

std::optional<int> ParseSmallNumber(std::string_view text) {
  static constexpr std::array<std::string_view, 11> kWords{
      "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"};
  if (!text.empty() && text.size() <= 2 &&
      text.find_first_not_of("0123456789") == std::string_view::npos) {
    return std::stoi(std::string(text));
  }
  for (std::size_t i = 0; i < kWords.size(); ++i) {
    if (text == kWords[i]) {
      return static_cast<int>(i);
    }
  }
  return std::nullopt;
}

// Counts star emoji in a text made only of stars, spaces and emoji variation selectors.
std::optional<int> CountStars(std::string_view text) {
  static constexpr std::array<std::string_view, 3> kStars{"\xE2\xAD\x90",       // U+2B50 ⭐
                                                          "\xE2\x98\x85",       // U+2605 ★
                                                          "\xF0\x9F\x8C\x9F"};  // U+1F31F 🌟
  constexpr std::string_view kVariationSelector = "\xEF\xB8\x8F";               // U+FE0F
  int stars = 0;
  while (!text.empty()) {
    if (text.front() == ' ') {
      text.remove_prefix(1);
      continue;
    }
    if (text.starts_with(kVariationSelector)) {
      text.remove_prefix(kVariationSelector.size());
      continue;
    }
    bool matched = false;
    for (auto star : kStars) {
      if (text.starts_with(star)) {
        text.remove_prefix(star.size());
        ++stars;
        matched = true;
        break;
      }
    }
    if (!matched) {
      return std::nullopt;
    }
  }
  return stars > 0 ? std::optional<int>(stars) : std::nullopt;
}

// Reads "<n>/<max>" or "<n> out of <max>"; the denominator must be the scale's maximum.
std::optional<int> ParseFraction(std::string_view text, int scale_max) {
  std::string_view numerator;
  std::string_view denominator;
  if (const auto slash = text.find('/'); slash != std::string_view::npos) {
    numerator = TrimSpaces(text.substr(0, slash));
    denominator = TrimSpaces(text.substr(slash + 1));
  } else if (const auto out_of = text.find(" out of "); out_of != std::string_view::npos) {
    numerator = TrimSpaces(text.substr(0, out_of));
    denominator = TrimSpaces(text.substr(out_of + 8));
  } else {
    return std::nullopt;
  }
  const auto value = ParseSmallNumber(numerator);
  const auto maximum = ParseSmallNumber(denominator);
  if (!value || !maximum || *maximum != scale_max) {
    return std::nullopt;
  }
  return value;
}

// Lower-cases `text` and drops surrounding spaces and final '.' or '!' characters.
std::string NormalizeReply(std::string_view text) {
  std::string lower = Lowercase(TrimSpaces(text));
  while (!lower.empty() && (lower.back() == '.' || lower.back() == '!')) {
    lower.pop_back();
  }
  return std::string(TrimSpaces(lower));
}

// Short replies that close a chat rather than start one, compared after NormalizeReply.
constexpr std::array<std::string_view, 24> kAcknowledgements{
    "thanks",     "thank you",   "thanks a lot", "thank you so much", "many thanks", "thx",
    "ty",         "ok",          "okay",         "ok thanks",         "ok thank you", "k",
    "cool",       "great",       "perfect",      "bye",               "goodbye",      "cheers",
    "you too",    "done",        "got it",
    "\xF0\x9F\x91\x8D",  // U+1F44D thumbs up
    "\xF0\x9F\x99\x8F",  // U+1F64F folded hands
    "\xF0\x9F\x98\x8A",  // U+1F60A smiling face
};

// The longest plain number that counts as a follow-up. Both scales end at 10, so longer
// numbers (an order number, say) are requests.
constexpr std::size_t kMaxFollowUpDigits = 2;

std::int64_t Millis(core::TimePoint time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

void AppendSurveyEvent(core::Repository& unit, std::string_view type, std::int64_t conversation_id,
                       std::string_view inbox_id, boost::json::object data, core::TimePoint now) {
  core::Event event;
  event.type = std::string(type);
  event.conversation_id = conversation_id;
  if (const auto conversation = unit.GetConversation(conversation_id)) {
    event.contact_id = conversation->contact_id;
  }
  event.inbox_id = std::string(inbox_id);
  event.data_json = boost::json::serialize(data);
  event.occurred_at = now;
  unit.AppendEvent(event);
}

}  // namespace

std::string_view ToString(SurveyKind kind) { return kind == SurveyKind::kNps ? "nps" : "csat"; }

std::optional<SurveyKind> ParseSurveyKind(std::string_view text) {
  if (text == "csat") {
    return SurveyKind::kCsat;
  }
  if (text == "nps") {
    return SurveyKind::kNps;
  }
  return std::nullopt;
}

std::optional<int> ParseSurveyAnswer(std::string_view text, SurveyKind kind) {
  const int scale_min = kind == SurveyKind::kCsat ? 1 : 0;
  const int scale_max = kind == SurveyKind::kCsat ? 5 : 10;
  const std::string normalized = NormalizeReply(text);
  const std::string_view answer = normalized;

  std::optional<int> value = ParseSmallNumber(answer);
  if (!value) {
    value = ParseFraction(answer, scale_max);
  }
  if (!value && kind == SurveyKind::kCsat) {
    value = CountStars(answer);
  }
  if (!value || *value < scale_min || *value > scale_max) {
    return std::nullopt;
  }
  return value;
}

bool IsSurveyFollowUp(std::string_view text) {
  const std::string reply = NormalizeReply(text);
  if (!reply.empty() && reply.size() <= kMaxFollowUpDigits &&
      reply.find_first_not_of("0123456789") == std::string::npos) {
    return true;
  }
  if (ParseSurveyAnswer(reply, SurveyKind::kCsat) || ParseSurveyAnswer(reply, SurveyKind::kNps)) {
    return true;
  }
  return std::find(kAcknowledgements.begin(), kAcknowledgements.end(), reply) !=
         kAcknowledgements.end();
}

std::optional<SurveyQuestion> SurveyService::Plan(core::Repository& unit,
                                                  const core::Conversation& conversation,
                                                  std::optional<std::chrono::hours> reply_window,
                                                  core::TimePoint now) const {
  if (OpenSurveyRepository(unit)->HasSurvey(conversation.id)) {
    return std::nullopt;
  }
  if (reply_window) {
    const auto last = unit.LastInboundAt(conversation.contact_id, conversation.last_inbox_id);
    if (!last || now - *last > *reply_window) {
      return std::nullopt;
    }
  }
  if (!options_.nps_question.empty() && !options_.nps_after_intents.empty()) {
    for (const auto& message : unit.ListMessages(conversation.id, 0, kMessagesScanned)) {
      if (options_.nps_after_intents.contains(message.intent) &&
          IsServedIntent(message.intent, message.intent_confidence)) {
        return SurveyQuestion{SurveyKind::kNps, options_.nps_question};
      }
    }
  }
  return SurveyQuestion{SurveyKind::kCsat, options_.csat_question};
}

void SurveyService::RecordSent(core::Repository& unit, const core::Conversation& conversation,
                               SurveyKind kind, core::TimePoint now) const {
  Survey survey;
  survey.conversation_id = conversation.id;
  survey.kind = kind;
  survey.state = "sent";
  survey.inbox_id = conversation.last_inbox_id;
  survey.sent_at = now;
  survey.expires_at = now + options_.expire_after;
  OpenSurveyRepository(unit)->Insert(survey);
  AppendSurveyEvent(unit, events::kSurveySent, conversation.id, survey.inbox_id,
                    {{"kind", ToString(kind)}, {"expires_at", Millis(survey.expires_at)}}, now);
}

std::optional<Survey> SurveyService::RecordAnswer(core::Repository& unit, std::int64_t contact_id,
                                                  std::string_view inbox_id, std::string_view text,
                                                  core::TimePoint now) const {
  auto surveys = OpenSurveyRepository(unit);
  auto survey = surveys->FindOpen(contact_id, inbox_id);
  if (!survey) {
    return std::nullopt;
  }
  if (now >= survey->expires_at) {
    Expire(unit, *survey, now);
    return std::nullopt;
  }
  const auto score = ParseSurveyAnswer(text, survey->kind);
  if (!score) {
    return std::nullopt;
  }
  survey->state = "answered";
  survey->score = *score;
  survey->answered_at = now;
  surveys->Update(*survey);
  AppendSurveyEvent(unit, events::kSurveyAnswered, survey->conversation_id, survey->inbox_id,
                    {{"kind", ToString(survey->kind)}, {"score", *score}}, now);
  return survey;
}

std::optional<Survey> SurveyService::FindFollowUp(core::Repository& unit,
                                                  std::int64_t contact_id,
                                                  std::string_view inbox_id,
                                                  std::string_view text,
                                                  core::TimePoint now) const {
  if (options_.followup_window.count() <= 0 || !IsSurveyFollowUp(text)) {
    return std::nullopt;
  }
  auto survey = OpenSurveyRepository(unit)->FindLatestAnswered(contact_id, inbox_id);
  if (!survey || !survey->answered_at || now - *survey->answered_at > options_.followup_window) {
    return std::nullopt;
  }
  return survey;
}

std::optional<SurveyPrompt> SurveyService::FindPrompt(core::Repository& unit,
                                                      std::int64_t contact_id,
                                                      std::string_view inbox_id,
                                                      core::TimePoint now) const {
  const auto survey = OpenSurveyRepository(unit)->FindOpen(contact_id, inbox_id);
  if (!survey || now >= survey->expires_at) {
    return std::nullopt;
  }
  const std::string& question =
      survey->kind == SurveyKind::kNps ? options_.nps_question : options_.csat_question;
  return SurveyPrompt{survey->id, survey->conversation_id, survey->kind, question};
}

void SurveyService::Expire(core::Repository& unit, Survey& survey, core::TimePoint now) const {
  survey.state = "expired";
  OpenSurveyRepository(unit)->Update(survey);
  AppendSurveyEvent(unit, events::kSurveyExpired, survey.conversation_id, survey.inbox_id,
                    {{"kind", ToString(survey.kind)}}, now);
}

int SurveyService::ExpireDue(core::Repository& unit, core::TimePoint now, int limit) const {
  auto due = OpenSurveyRepository(unit)->ListDue(now, limit);
  for (auto& survey : due) {
    Expire(unit, survey, now);
  }
  return static_cast<int>(due.size());
}

}  // namespace mobilelink::bot
