// SQLite implementation of the survey port, on the unit of work's own connection and
// transaction.

#include "mobilelink/bot/survey.hpp"
#include "mobilelink/store/sqlite_repository.hpp"

namespace mobilelink::store {

namespace {

#define SURVEY_COLUMNS                                                                \
  "SELECT s.id, s.conversation_id, s.kind, s.state, s.inbox_id, s.score, s.sent_at, " \
  "s.expires_at, s.answered_at FROM surveys s "
constexpr Query kInsertSurvey{
    "insert_survey",
    "INSERT INTO surveys (conversation_id, kind, state, inbox_id, sent_at, expires_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"};
constexpr Query kHasSurvey{"has_survey",
                           "SELECT 1 FROM surveys WHERE conversation_id = ?1 LIMIT 1"};
constexpr Query kFindOpenSurvey{"find_open_survey", SURVEY_COLUMNS
                                "JOIN conversations c ON c.id = s.conversation_id "
                                "WHERE c.contact_id = ?1 AND s.inbox_id = ?2 AND s.state = 'sent' "
                                "ORDER BY s.sent_at DESC, s.id DESC LIMIT 1"};
constexpr Query kFindLatestAnsweredSurvey{
    "find_latest_answered_survey", SURVEY_COLUMNS
    "JOIN conversations c ON c.id = s.conversation_id "
    "WHERE c.contact_id = ?1 AND s.inbox_id = ?2 AND s.state = 'answered' "
    "ORDER BY s.answered_at DESC, s.id DESC LIMIT 1"};
constexpr Query kUpdateSurvey{
    "update_survey", "UPDATE surveys SET state = ?2, score = ?3, answered_at = ?4 WHERE id = ?1"};
constexpr Query kListDueSurveys{
    "list_due_surveys",
    SURVEY_COLUMNS "WHERE s.state = 'sent' AND s.expires_at <= ?1 ORDER BY s.expires_at LIMIT ?2"};
#undef SURVEY_COLUMNS

class SqliteSurveyRepository final : public bot::SurveyRepository {
 public:
  explicit SqliteSurveyRepository(Connection& db) : db_(db) {}

  void Insert(bot::Survey& survey) override {
    db_.Prepare(kInsertSurvey)
        .Bind(1, survey.conversation_id)
        .Bind(2, bot::ToString(survey.kind))
        .Bind(3, survey.state)
        .Bind(4, survey.inbox_id)
        .Bind(5, ToMillis(survey.sent_at))
        .Bind(6, ToMillis(survey.expires_at))
        .Run();
    survey.id = db_.LastInsertId();
  }

  bool HasSurvey(std::int64_t conversation_id) override {
    auto statement = db_.Prepare(kHasSurvey);
    statement.Bind(1, conversation_id);
    return statement.Step();
  }

  std::optional<bot::Survey> FindOpen(std::int64_t contact_id, std::string_view inbox_id) override {
    return FindForContact(kFindOpenSurvey, contact_id, inbox_id);
  }

  std::optional<bot::Survey> FindLatestAnswered(std::int64_t contact_id,
                                                std::string_view inbox_id) override {
    return FindForContact(kFindLatestAnsweredSurvey, contact_id, inbox_id);
  }

  void Update(const bot::Survey& survey) override {
    std::optional<std::int64_t> score;
    if (survey.score) {
      score = *survey.score;
    }
    std::optional<std::int64_t> answered_at;
    if (survey.answered_at) {
      answered_at = ToMillis(*survey.answered_at);
    }
    db_.Prepare(kUpdateSurvey)
        .Bind(1, survey.id)
        .Bind(2, survey.state)
        .Bind(3, score)
        .Bind(4, answered_at)
        .Run();
  }

  std::vector<bot::Survey> ListDue(core::TimePoint now, int limit) override {
    auto statement = db_.Prepare(kListDueSurveys);
    statement.Bind(1, ToMillis(now)).Bind(2, limit);
    return ReadAll(statement);
  }

 private:
  // Runs `query` with the contact and inbox as ?1 and ?2 and returns its first row.
  std::optional<bot::Survey> FindForContact(const Query& query, std::int64_t contact_id,
                                            std::string_view inbox_id) {
    auto statement = db_.Prepare(query);
    statement.Bind(1, contact_id).Bind(2, inbox_id);
    auto surveys = ReadAll(statement);
    if (surveys.empty()) {
      return std::nullopt;
    }
    return surveys.front();
  }

  static std::vector<bot::Survey> ReadAll(Statement& statement) {
    std::vector<bot::Survey> surveys;
    while (statement.Step()) {
      bot::Survey survey;
      survey.id = statement.Int(0);
      survey.conversation_id = statement.Int(1);
      survey.kind = bot::ParseSurveyKind(statement.Text(2)).value_or(bot::SurveyKind::kCsat);
      survey.state = statement.Text(3);
      survey.inbox_id = statement.Text(4);
      if (!statement.IsNull(5)) {
        survey.score = static_cast<int>(statement.Int(5));
      }
      survey.sent_at = FromMillis(statement.Int(6));
      survey.expires_at = FromMillis(statement.Int(7));
      if (!statement.IsNull(8)) {
        survey.answered_at = FromMillis(statement.Int(8));
      }
      surveys.push_back(std::move(survey));
    }
    return surveys;
  }

  Connection& db_;
};

}  // namespace

}  // namespace mobilelink::store

namespace mobilelink::bot {

std::unique_ptr<SurveyRepository> OpenSurveyRepository(core::Repository& unit) {
  return std::make_unique<store::SqliteSurveyRepository>(
      static_cast<store::SqliteRepository&>(unit).Db());
}

}  // namespace mobilelink::bot
