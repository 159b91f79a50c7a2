#include "mobilelink/security/auth_level.hpp"

#include <ctime>

#include <boost/json.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "mobilelink/events/event_types.hpp"

namespace mobilelink::security {

namespace {

void Append(core::Repository& unit, std::string_view type, const core::Conversation& conversation,
            boost::json::object data, core::TimePoint now) {
  core::Event event;
  event.type = std::string(type);
  event.conversation_id = conversation.id;
  event.contact_id = conversation.contact_id;
  event.inbox_id = conversation.last_inbox_id;
  event.data_json = boost::json::serialize(data);
  event.occurred_at = now;
  unit.AppendEvent(event);
}

}  // namespace

std::string_view ToString(AuthMethod method) {
  switch (method) {
    case AuthMethod::kNone:
      return "none";
    case AuthMethod::kOtp:
      return "otp";
    case AuthMethod::kApp:
      return "app";
    case AuthMethod::kLink:
      return "link";
  }
  return "none";
}

std::optional<AuthMethod> ParseAuthMethod(std::string_view text) {
  for (AuthMethod method :
       {AuthMethod::kNone, AuthMethod::kOtp, AuthMethod::kApp, AuthMethod::kLink}) {
    if (ToString(method) == text) {
      return method;
    }
  }
  return std::nullopt;
}

AuthLevel GetAuthLevel(core::Repository& unit, std::int64_t conversation_id) {
  const auto verifications = OpenAuthLevelRepository(unit)->List(conversation_id);
  if (verifications.empty()) {
    return {};
  }
  return {verifications.front().method, verifications.front().verified_at};
}

std::string DescribeAuthLevel(core::Repository& unit, std::int64_t conversation_id) {
  const AuthLevel level = GetAuthLevel(unit, conversation_id);
  if (!level.verified_at) {
    return "none";
  }
  const std::time_t seconds = core::Clock::to_time_t(*level.verified_at);
  return fmt::format("{} at {:%Y-%m-%d %H:%M} UTC", ToString(level.method), fmt::gmtime(seconds));
}

void RecordVerification(core::Repository& unit, const core::Conversation& conversation,
                        const AuthVerification& verification) {
  OpenAuthLevelRepository(unit)->Upsert(conversation.id, verification);
  Append(unit, events::kAuthVerified, conversation, {{"method", ToString(verification.method)}},
         verification.verified_at);
}

void RecordFailure(core::Repository& unit, const core::Conversation& conversation,
                   AuthMethod method, std::string_view reason, core::TimePoint now) {
  Append(unit, events::kAuthFailed, conversation,
         {{"method", ToString(method)}, {"reason", reason}}, now);
}

bool HasVerification(core::Repository& unit, std::int64_t conversation_id, AuthMethod method,
                     core::TimePoint since) {
  for (const auto& verification : OpenAuthLevelRepository(unit)->List(conversation_id)) {
    if (verification.method == method && verification.verified_at >= since) {
      return true;
    }
  }
  return false;
}

std::vector<AuthMethod> MissingFactors(core::Repository& unit,
                                       const core::Conversation& conversation,
                                       const ConfirmationPolicy& policy, core::TimePoint since) {
  std::vector<AuthMethod> required{AuthMethod::kOtp};
  if (policy.in_app_inboxes.contains(conversation.last_inbox_id)) {
    required.push_back(AuthMethod::kApp);
  }
  std::vector<AuthMethod> missing;
  for (AuthMethod factor : required) {
    if (!HasVerification(unit, conversation.id, factor, since)) {
      missing.push_back(factor);
    }
  }
  return missing;
}

bool RecordConfirmation(core::Repository& unit, const core::Conversation& conversation,
                        const ConfirmationPolicy& policy, std::string_view action,
                        core::TimePoint since, core::TimePoint now) {
  if (!MissingFactors(unit, conversation, policy, since).empty()) {
    return false;
  }
  boost::json::array factors{"otp"};
  if (policy.in_app_inboxes.contains(conversation.last_inbox_id)) {
    factors.push_back("app");
  }
  Append(unit, events::kAuthConfirmed, conversation,
         {{"action", action}, {"factors", std::move(factors)}}, now);
  return true;
}

}  // namespace mobilelink::security
