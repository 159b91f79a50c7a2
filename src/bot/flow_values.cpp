#include <algorithm>
#include <cctype>
#include <chrono>
#include <regex>

#include <boost/json.hpp>

#include "mobilelink/bot/flow_engine.hpp"
#include "mobilelink/bot/flow_internal.hpp"
#include "mobilelink/channels/common/phone.hpp"
#include "mobilelink/channels/common/sms_encoding.hpp"
#include "mobilelink/core/text.hpp"
#include "mobilelink/customers/crm_connector.hpp"

namespace mobilelink::bot {

namespace {

constexpr std::size_t kMaxAnswerBytes = 500;

std::string Trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

std::string Lower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

std::string JsonEscape(const std::string& value) {
  const std::string quoted = boost::json::serialize(boost::json::value(value));
  return quoted.substr(1, quoted.size() - 2);
}

std::optional<std::string> ValidateNumber(const FlowStep& step, const std::string& text) {
  if (text.empty() || text.size() > 32) {
    return std::nullopt;
  }
  char* end = nullptr;
  const double number = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(number)) {
    return std::nullopt;
  }
  if ((step.min && number < *step.min) || (step.max && number > *step.max)) {
    return std::nullopt;
  }
  return text;
}

std::optional<std::string> ValidateDate(const std::string& text) {
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  char dash1 = 0;
  char dash2 = 0;
  if (text.size() != 10 || std::sscanf(text.c_str(), "%4d%c%2u%c%2u", &year, &dash1, &month,
                                       &dash2, &day) != 5 ||
      dash1 != '-' || dash2 != '-') {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(month),
                                         std::chrono::day(day)};
  return date.ok() ? std::optional<std::string>(text) : std::nullopt;
}

std::optional<std::string> ValidateChoice(const std::vector<core::QuickReply>& options,
                                          const std::string& text, std::string_view reply_id) {
  for (const auto& option : options) {
    if (!reply_id.empty() && option.id == reply_id) {
      return option.id;
    }
  }
  const std::string lower = Lower(text);
  for (std::size_t i = 0; i < options.size(); ++i) {
    if (lower == std::to_string(i + 1) || lower == Lower(options[i].id) ||
        lower == Lower(options[i].title)) {
      return options[i].id;
    }
  }
  return std::nullopt;
}

std::optional<std::string> ValidateEmail(const std::string& text) {
  const auto at = text.find('@');
  if (at == std::string::npos || at == 0 || text.find('@', at + 1) != std::string::npos ||
      text.find_first_of(" \t,;<>") != std::string::npos) {
    return std::nullopt;
  }
  const auto dot = text.find('.', at);
  if (dot == std::string::npos || dot == at + 1 || dot + 1 == text.size()) {
    return std::nullopt;
  }
  return text;
}

}  // namespace

std::string_view ToString(StepKind kind) {
  switch (kind) {
    case StepKind::kAsk:
      return "ask";
    case StepKind::kLookup:
      return "lookup";
    case StepKind::kBranch:
      return "branch";
    case StepKind::kAnswer:
      return "answer";
    case StepKind::kConfirm:
      return "confirm";
    case StepKind::kCall:
      return "call";
    case StepKind::kUpdate:
      return "update";
    case StepKind::kAuthenticate:
      return "authenticate";
    case StepKind::kHandoff:
      return "handoff";
    case StepKind::kEnd:
      return "end";
  }
  return "answer";
}

const FlowStep* Flow::FindStep(const std::string& id) const {
  const int index = IndexOf(id);
  return index < 0 ? nullptr : &steps[static_cast<std::size_t>(index)];
}

int Flow::IndexOf(const std::string& id) const {
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].id == id) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

std::string MaskValue(std::string_view value) {
  // Counts UTF-8 code points so that a masked name keeps its visible length.
  std::vector<std::string_view> characters;
  for (std::size_t i = 0; i < value.size();) {
    std::size_t length = 1;
    while (i + length < value.size() &&
           (static_cast<unsigned char>(value[i + length]) & 0xC0) == 0x80) {
      ++length;
    }
    characters.push_back(value.substr(i, length));
    i += length;
  }
  const std::size_t visible = characters.size() > 6 ? 4 : 0;
  std::string masked(characters.size() - visible, '*');
  for (std::size_t i = characters.size() - visible; i < characters.size(); ++i) {
    masked += characters[i];
  }
  return masked;
}

std::string NumberOptions(const std::string& text, const std::vector<core::QuickReply>& options) {
  std::string numbered = text;
  for (std::size_t i = 0; i < options.size(); ++i) {
    numbered += "\n" + std::to_string(i + 1) + ". " + options[i].title;
  }
  return numbered;
}

std::vector<LongMessage> FindLongMessages(const FlowsConfig& config) {
  std::vector<LongMessage> long_messages;
  for (const auto& flow : config.flows) {
    for (const auto& step : flow.steps) {
      const auto& options =
          step.kind == StepKind::kConfirm ? flow_internal::YesNoOptions() : step.options;
      for (const std::string* text : {&step.text, &step.reprompt, &step.code_message,
                                       &step.link_message, &step.code_prompt, &step.app_prompt}) {
        if (text->empty()) {
          continue;
        }
        const auto split = channels::common::SplitSms(NumberOptions(*text, options));
        if (split.segments > 2) {
          long_messages.push_back({flow.name, step.id, split.segments});
        }
      }
    }
  }
  return long_messages;
}

std::string FlowEngine::Summarize(const FlowState& state) {
  std::string summary = "Flow: " + state.flow + " at step " + state.step + ".";
  std::string answers;
  for (const auto& [name, value] : state.values) {
    if (name.rfind("contact.", 0) == 0) {
      continue;
    }
    answers += (answers.empty() ? "" : ", ") + name + "=" +
               (state.sensitive.contains(name) ? MaskValue(value) : value);
  }
  if (!answers.empty()) {
    summary += " Answers: " + answers + ".";
  }
  return summary;
}

namespace flow_internal {

std::string Render(std::string_view text, const FlowState& state, Escape escape) {
  std::string rendered;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto open = text.find("{{", at);
    const auto close = open == std::string_view::npos ? open : text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      rendered += text.substr(at);
      break;
    }
    rendered += text.substr(at, open - at);
    std::string name = Trim(text.substr(open + 2, close - open - 2));
    bool mask = false;
    if (const auto bar = name.find('|'); bar != std::string::npos) {
      mask = Trim(name.substr(bar + 1)) == "mask";
      name = Trim(name.substr(0, bar));
    }
    const auto found = state.values.find(name);
    const std::string value = found == state.values.end() ? std::string() : found->second;
    switch (escape) {
      case Escape::kMasked:
        rendered += mask || state.sensitive.contains(name) ? MaskValue(value) : value;
        break;
      case Escape::kJson:
        rendered += JsonEscape(value);
        break;
      case Escape::kUrl:
        rendered += customers::PercentEncode(value);
        break;
    }
    at = close + 2;
  }
  return rendered;
}

std::optional<std::string> Validate(const FlowStep& step, std::string_view raw,
                                    std::string_view reply_id) {
  const std::string text = Trim(raw);
  if (step.validation == Validation::kChoice) {
    return ValidateChoice(step.options, text, reply_id);
  }
  if (core::IsBlank(text) || text.size() > kMaxAnswerBytes) {
    return std::nullopt;
  }
  switch (step.validation) {
    case Validation::kText:
      return text;
    case Validation::kRegex:
      // The pattern compiled when the config loaded, so it cannot throw here.
      return std::regex_match(text, std::regex(step.pattern, std::regex::ECMAScript))
                 ? std::optional<std::string>(text)
                 : std::nullopt;
    case Validation::kNumber:
      return ValidateNumber(step, text);
    case Validation::kDate:
      return ValidateDate(text);
    case Validation::kPhone:
      return channels::common::NormalizePhone(text, step.region);
    case Validation::kEmail:
      return ValidateEmail(text);
    case Validation::kChoice:
      break;
  }
  return std::nullopt;
}

const std::vector<core::QuickReply>& YesNoOptions() {
  static const std::vector<core::QuickReply> kOptions{{"yes", "Yes"}, {"no", "No"}};
  return kOptions;
}

std::optional<bool> ReadYesNo(std::string_view text, std::string_view reply_id) {
  if (reply_id == "yes" || reply_id == "no") {
    return reply_id == "yes";
  }
  static const std::vector<std::string> kYes{"1", "yes", "y", "yeah", "yep", "ok", "okay",
                                             "confirm", "sure"};
  static const std::vector<std::string> kNo{"2", "no", "n", "nope", "cancel", "stop it"};
  std::string lower = Lower(Trim(text));
  while (!lower.empty() && (lower.back() == '.' || lower.back() == '!')) {
    lower.pop_back();
  }
  if (std::find(kYes.begin(), kYes.end(), lower) != kYes.end()) {
    return true;
  }
  if (std::find(kNo.begin(), kNo.end(), lower) != kNo.end()) {
    return false;
  }
  return std::nullopt;
}

}  // namespace flow_internal

}  // namespace mobilelink::bot
