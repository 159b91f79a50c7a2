#include "mobilelink/config/survey_config.hpp"

#include "mobilelink/config/yaml_node.hpp"

namespace mobilelink::config {

std::optional<bot::SurveyOptions> ParseSurveys(const Node& node) {
  if (!node.node.IsDefined()) {
    return std::nullopt;
  }
  RequireMap(node);
  CheckKeys(node, {"csat_question", "nps_question", "nps_after_intents", "thanks_message",
                   "expire_after_minutes", "followup_window_minutes"});
  bot::SurveyOptions surveys;
  surveys.csat_question = Text(Child(node, "csat_question"), true);
  surveys.nps_question = Text(Child(node, "nps_question"), false);
  for (auto& intent : TextList(Child(node, "nps_after_intents"))) {
    surveys.nps_after_intents.insert(std::move(intent));
  }
  if (!surveys.nps_after_intents.empty() && surveys.nps_question.empty()) {
    Fail(node.path + ".nps_question",
         "missing; nps_after_intents is set, so an NPS question is needed");
  }
  surveys.thanks_message = Text(Child(node, "thanks_message"), true);
  surveys.expire_after = std::chrono::minutes(
      Integer(Child(node, "expire_after_minutes"), static_cast<int>(surveys.expire_after.count()),
              1, 60 * 24 * 30));
  surveys.followup_window = std::chrono::minutes(
      Integer(Child(node, "followup_window_minutes"),
              static_cast<int>(surveys.followup_window.count()), 0, 24 * 60));
  return surveys;
}

}  // namespace mobilelink::config
