#pragma once

// Surveys after resolution: a CSAT question (1-5), or an NPS question (0-10) when the
// conversation served one of the configured transaction intents. A conversation gets at most
// one survey, however often it is reopened and resolved. The question goes out over the
// conversation's channel through the outbox, and only while the channel can still deliver a
// free-form message (the WhatsApp 24-hour window). A survey not answered in time expires.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "mobilelink/core/model.hpp"
#include "mobilelink/core/repository.hpp"

namespace mobilelink::bot {

enum class SurveyKind { kCsat, kNps };

std::string_view ToString(SurveyKind kind);
std::optional<SurveyKind> ParseSurveyKind(std::string_view text);

/// Survey settings (the `surveys:` config section).
///
/// | key | meaning | unit | default |
/// | --- | --- | --- | --- |
/// | csat_question | question sent after resolution, for 1 to 5 | text | required |
/// | nps_question | question sent instead after a transaction intent, for 0 to 10 | text | none |
/// | nps_after_intents | intents that count as transactions | list | [] |
/// | thanks_message | reply to an answer | text | required |
/// | expire_after_minutes | how long a survey waits for its answer | minutes | 1440 |
/// | followup_window_minutes | how long after an answer a follow-up stays on the answered conversation (0: never) | minutes | 10 |
struct SurveyOptions {
  std::string csat_question;
  std::string nps_question;
  std::set<std::string, std::less<>> nps_after_intents;
  std::string thanks_message;
  std::chrono::minutes expire_after{1440};
  std::chrono::minutes followup_window{10};
};

/// A survey sent for a conversation.
struct Survey {
  std::int64_t id = 0;
  std::int64_t conversation_id = 0;
  SurveyKind kind = SurveyKind::kCsat;
  std::string state;  // sent, answered, expired.
  std::string inbox_id;
  std::optional<int> score;
  core::TimePoint sent_at;
  core::TimePoint expires_at;
  std::optional<core::TimePoint> answered_at;
};

/// The persistence port of surveys. Runs on the unit of work it was opened on.
class SurveyRepository {
 public:
  virtual ~SurveyRepository() = default;
  /// Inserts `survey` and sets its id.
  virtual void Insert(Survey& survey) = 0;
  /// Returns true when the conversation already had a survey of any kind.
  virtual bool HasSurvey(std::int64_t conversation_id) = 0;
  /// Returns the contact's newest survey in state sent on `inbox_id`.
  virtual std::optional<Survey> FindOpen(std::int64_t contact_id, std::string_view inbox_id) = 0;
  /// Returns the contact's survey on `inbox_id` with the newest answer, or nullopt.
  virtual std::optional<Survey> FindLatestAnswered(std::int64_t contact_id,
                                                   std::string_view inbox_id) = 0;
  /// Writes state, score and answered_at.
  virtual void Update(const Survey& survey) = 0;
  /// Returns up to `limit` surveys in state sent whose expires_at is at or before `now`.
  virtual std::vector<Survey> ListDue(core::TimePoint now, int limit) = 0;
};

std::unique_ptr<SurveyRepository> OpenSurveyRepository(core::Repository& unit);

/// Parses a survey answer leniently: digits ("4"), a fraction of the scale's maximum ("4/5",
/// "8 / 10", "4 out of 5"), English number words ("five", "ten") and, for CSAT, one to five
/// star emoji (⭐ or ★). Surrounding spaces and a final "." or "!" are ignored. Returns nullopt
/// for anything else or for a value outside the scale (CSAT 1-5, NPS 0-10).
std::optional<int> ParseSurveyAnswer(std::string_view text, SurveyKind kind);

/// Returns whether `text` reads as a follow-up to a survey answer rather than a new request.
/// A follow-up is only a number (at most two digits, or an answer of either scale such as
/// "five" or stars) or a short acknowledgement such as "thanks", "ok" or "bye". Case and a
/// final "." or "!" do not matter.
bool IsSurveyFollowUp(std::string_view text);

/// The question sent after a resolution.
struct SurveyQuestion {
  SurveyKind kind = SurveyKind::kCsat;
  std::string text;
};

/// An open survey, as a channel with its own survey prompt (web chat) shows it.
struct SurveyPrompt {
  std::int64_t survey_id = 0;
  std::int64_t conversation_id = 0;
  SurveyKind kind = SurveyKind::kCsat;
  std::string question;
};

/// The survey rules. Thread safe: holds only its options.
class SurveyService final {
 public:
  explicit SurveyService(SurveyOptions options) : options_(std::move(options)) {}

  /// Returns the question for a conversation that was just resolved. Returns nullopt when it
  /// already had a survey, or when `reply_window` is set and the contact last wrote to the inbox
  /// longer ago than that, because the channel would reject a free-form message.
  std::optional<SurveyQuestion> Plan(core::Repository& unit, const core::Conversation& conversation,
                                     std::optional<std::chrono::hours> reply_window,
                                     core::TimePoint now) const;

  /// Records that the question was queued and appends survey.sent {kind}.
  void RecordSent(core::Repository& unit, const core::Conversation& conversation, SurveyKind kind,
                  core::TimePoint now) const;

  /// Records `text` as the answer to the contact's open survey on `inbox_id` when it parses
  /// as one, and appends survey.answered {kind, score}. Returns the survey, or nullopt when
  /// there is no open survey or `text` is not an answer. An open survey past its expiry is
  /// expired instead.
  std::optional<Survey> RecordAnswer(core::Repository& unit, std::int64_t contact_id,
                                     std::string_view inbox_id, std::string_view text,
                                     core::TimePoint now) const;

  /// Returns the contact's survey on `inbox_id` that `text` follows up: answered at most
  /// `followup_window` before `now`, with `text` a follow-up by IsSurveyFollowUp. Returns
  /// nullopt otherwise. Changes nothing.
  std::optional<Survey> FindFollowUp(core::Repository& unit, std::int64_t contact_id,
                                     std::string_view inbox_id, std::string_view text,
                                     core::TimePoint now) const;

  /// Returns the prompt of the contact's open survey on `inbox_id` while it can still be
  /// answered, or nullopt. Changes nothing.
  std::optional<SurveyPrompt> FindPrompt(core::Repository& unit, std::int64_t contact_id,
                                         std::string_view inbox_id, core::TimePoint now) const;

  /// Expires up to `limit` surveys that are due and appends survey.expired {kind} for each.
  /// Returns how many expired.
  int ExpireDue(core::Repository& unit, core::TimePoint now, int limit = 500) const;

  [[nodiscard]] const SurveyOptions& Options() const { return options_; }

 private:
  void Expire(core::Repository& unit, Survey& survey, core::TimePoint now) const;

  SurveyOptions options_;
};

}  // namespace mobilelink::bot
