// The web chat survey prompt: the survey frame that follows the survey question, and the
// survey_answer frame that answers it with a tapped score.

#include <stdexcept>

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "mobilelink/app/webchat_hub.hpp"
#include "mobilelink/common/log.hpp"

namespace mobilelink::app {

namespace json = boost::json;

namespace {

struct SurveyRejection {
  std::string code;
  std::string field;
  std::string message;
};

std::string SurveyFrame(const bot::SurveyPrompt& prompt) {
  const bool nps = prompt.kind == bot::SurveyKind::kNps;
  return json::serialize(json::object{{"type", "survey"},
                                      {"survey_id", prompt.survey_id},
                                      {"conversation_id", prompt.conversation_id},
                                      {"kind", bot::ToString(prompt.kind)},
                                      {"question", prompt.question},
                                      {"min_score", nps ? 0 : 1},
                                      {"max_score", nps ? 10 : 5}});
}

// Checks that `survey_id` is the contact's open survey and `score` is on its scale, then stores
// the score as the customer's typed answer would be stored, thanks message included.
core::InboundOutcome ReceiveSurveyScore(core::Repository& repository,
                                        const core::ConversationService& service,
                                        const bot::SurveyService& surveys,
                                        const core::InboundMessage& inbound,
                                        std::int64_t contact_id, std::int64_t survey_id,
                                        std::int64_t score, core::TimePoint now,
                                        SurveyRejection& rejection) {
  const auto prompt = surveys.FindPrompt(repository, contact_id, inbound.inbox_id, now);
  if (!prompt || prompt->survey_id != survey_id) {
    rejection = {"survey_closed", "survey_id",
                 "survey " + std::to_string(survey_id) +
                     " is not open for this chat: it was answered, expired or never sent"};
    return {};
  }
  if (!bot::ParseSurveyAnswer(inbound.text, prompt->kind)) {
    const bool nps = prompt->kind == bot::SurveyKind::kNps;
    rejection = {"invalid_score", "score",
                 "score " + std::to_string(score) + " is outside the survey's scale of " +
                     (nps ? "0 to 10" : "1 to 5")};
    return {};
  }
  auto outcome = service.ReceiveInbound(repository, inbound);
  // The service does not record a survey score from a contact who opted out, so the frame
  // rolls back and stores nothing either.
  const auto still_open = surveys.FindPrompt(repository, contact_id, inbound.inbox_id, now);
  if (still_open && still_open->survey_id == survey_id) {
    rejection = {"survey_not_recorded", "survey_id",
                 "the answer was not recorded because this chat opted out of messages"};
    throw std::runtime_error(rejection.message);
  }
  return outcome;
}

}  // namespace

void WebchatHub::SendSurveyPrompt(
    const std::vector<std::shared_ptr<http::WebSocketSession>>& targets, std::int64_t contact_id,
    const std::string& inbox_id, const std::optional<core::Message>& question_message) {
  if (context_.surveys == nullptr || targets.empty()) {
    return;
  }
  std::optional<bot::SurveyPrompt> prompt;
  context_.store->Read([&](core::Repository& repository) {
    prompt = context_.surveys->FindPrompt(repository, contact_id, inbox_id, context_.clock->Now());
  });
  if (!prompt) {
    return;
  }
  if (question_message && (question_message->conversation_id != prompt->conversation_id ||
                           question_message->text != prompt->question)) {
    return;
  }
  const std::string frame = SurveyFrame(*prompt);
  for (const auto& target : targets) {
    target->Send(frame);
  }
}

void WebchatHub::HandleSurveyAnswer(const std::shared_ptr<http::WebSocketSession>& session,
                                    const Binding& binding, std::int64_t survey_id,
                                    std::int64_t score) {
  if (context_.surveys == nullptr || survey_id <= 0) {
    SendErrorFrame(session, "survey_closed", "survey_id",
                   "survey_id must be the id of the survey frame this chat received");
    return;
  }
  // The tapped score travels as the customer's message, with a dedupe key per survey.
  core::InboundMessage inbound;
  inbound.inbox_id = binding.inbox_id;
  inbound.client_message_id = "survey-" + std::to_string(survey_id);
  inbound.provider_message_id = binding.visitor_id + ":" + inbound.client_message_id;
  inbound.from = {core::IdentityKind::kWebchat, binding.visitor_id, binding.inbox_id};
  inbound.text = std::to_string(score);
  auto outcome = std::make_shared<core::InboundOutcome>();
  auto rejection = std::make_shared<SurveyRejection>();
  std::weak_ptr<http::WebSocketSession> weak = session;
  context_.store->Write(
      [service = context_.service, surveys = context_.surveys, clock = context_.clock, inbound,
       outcome, rejection, survey_id, score,
       contact_id = binding.contact_id](core::Repository& repository) {
        *outcome = ReceiveSurveyScore(repository, *service, *surveys, inbound, contact_id,
                                      survey_id, score, clock->Now(), *rejection);
      },
      [weak, outcome, rejection, survey_id, score,
       notify = context_.notify_outbox](const store::WriteResult& result) {
        auto open = weak.lock();
        if (!rejection->code.empty()) {
          if (open) {
            SendErrorFrame(open, rejection->code, rejection->field, rejection->message);
          }
          return;
        }
        if (!result.ok) {
          Logger("ws")->error("survey answer not stored survey_id={} error=\"{}\"", survey_id,
                              result.error);
          if (open) {
            SendErrorFrame(open, "internal", "", "the survey response was not stored; send it again");
          }
          return;
        }
        if (!outcome->queued.empty() && notify) {
          notify();
        }
        if (open) {
          open->Send(json::serialize(json::object{{"type", "survey_answered"},
                                                  {"survey_id", survey_id},
                                                  {"score", score},
                                                  {"message_id", outcome->message_id}}));
        }
      });
}

}  // namespace mobilelink::app
