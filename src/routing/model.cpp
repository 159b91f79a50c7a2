#include "mobilelink/routing/model.hpp"

namespace mobilelink::routing {

std::string_view ToString(Policy value) {
  switch (value) {
    case Policy::kLeastBusy:
      return "least_busy";
    case Policy::kRoundRobin:
      return "round_robin";
    case Policy::kSkills:
      return "skills";
  }
  return "least_busy";
}

std::string_view ToString(Presence value) {
  switch (value) {
    case Presence::kOnline:
      return "online";
    case Presence::kAway:
      return "away";
    case Presence::kOffline:
      return "offline";
  }
  return "offline";
}

std::optional<Policy> ParsePolicy(std::string_view text) {
  for (auto value : {Policy::kLeastBusy, Policy::kRoundRobin, Policy::kSkills}) {
    if (ToString(value) == text) {
      return value;
    }
  }
  return std::nullopt;
}

std::optional<Presence> ParsePresence(std::string_view text) {
  for (auto value : {Presence::kOnline, Presence::kAway, Presence::kOffline}) {
    if (ToString(value) == text) {
      return value;
    }
  }
  return std::nullopt;
}

std::string ChannelKind(std::string_view channel) {
  if (channel == "twilio_sms") {
    return "sms";
  }
  return std::string(channel);
}

}  // namespace mobilelink::routing
