#include "mobilelink/analytics/kpi_fold.hpp"

#include <cmath>
#include <stdexcept>

#include <boost/json.hpp>

#include "mobilelink/events/event_types.hpp"

namespace mobilelink::analytics {

namespace json = boost::json;

namespace {

std::int64_t Millis(core::TimePoint time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

std::string TextField(const json::object& data, std::string_view key) {
  const auto* value = data.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
}

std::optional<std::int64_t> IntField(const json::object& data, std::string_view key) {
  const auto* value = data.if_contains(key);
  if (value == nullptr || !value->is_number()) {
    return std::nullopt;
  }
  boost::system::error_code error;
  const auto number = value->to_number<std::int64_t>(error);
  if (error) {
    return std::nullopt;
  }
  return number;
}

json::object DimsJson(const Dimensions& dims) {
  return {{"channel", dims.channel}, {"inbox", dims.inbox},   {"team", dims.team},
          {"agent", dims.agent},     {"intent", dims.intent}, {"priority", dims.priority}};
}

Dimensions DimsFrom(const json::object& object) {
  return {TextField(object, "channel"), TextField(object, "inbox"),  TextField(object, "team"),
          TextField(object, "agent"),   TextField(object, "intent"), TextField(object, "priority")};
}

ChannelPrice PriceOf(const AnalyticsSettings& settings, const std::string& channel) {
  const auto found = settings.prices.find(channel);
  return found == settings.prices.end() ? ChannelPrice{} : found->second;
}

// Prices are kept in millionths so that sums of fees stay exact.
std::int64_t Micros(double amount) { return std::llround(amount * 1e6); }

// Starts a new episode when a conversation is created or reopened.
void StartEpisode(ConversationState& state, const std::string& channel, const std::string& inbox) {
  state.dims.channel = channel;
  state.dims.inbox = inbox;
  state.handed_off = false;
  state.handed_off_at = 0;
  state.assigned_at = 0;
  state.waiting_since = 0;
  state.first_response_done = false;
}

}  // namespace

std::string EncodeState(const ConversationState& state) {
  return json::serialize(json::object{
      {"dims", DimsJson(state.dims)},
      {"tier", state.tier},
      {"handed_off", state.handed_off},
      {"handed_off_at", state.handed_off_at},
      {"assigned_at", state.assigned_at},
      {"waiting_since", state.waiting_since},
      {"first_response_done", state.first_response_done},
      {"resolved_at", state.resolved_at},
      {"resolved_dims", DimsJson(state.resolved_dims)},
      {"reopen_counted", state.reopen_counted},
  });
}

ConversationState DecodeState(std::string_view text) {
  boost::system::error_code error;
  const json::value parsed = json::parse(text, error);
  if (error || !parsed.is_object()) {
    throw std::invalid_argument("stored analytics state is not a JSON object");
  }
  const auto& object = parsed.as_object();
  ConversationState state;
  if (const auto* dims = object.if_contains("dims"); dims && dims->is_object()) {
    state.dims = DimsFrom(dims->as_object());
  }
  if (const auto* dims = object.if_contains("resolved_dims"); dims && dims->is_object()) {
    state.resolved_dims = DimsFrom(dims->as_object());
  }
  state.tier = static_cast<int>(IntField(object, "tier").value_or(0));
  state.handed_off_at = IntField(object, "handed_off_at").value_or(0);
  state.assigned_at = IntField(object, "assigned_at").value_or(0);
  state.waiting_since = IntField(object, "waiting_since").value_or(0);
  state.resolved_at = IntField(object, "resolved_at").value_or(0);
  auto flag = [&](std::string_view key) {
    const auto* value = object.if_contains(key);
    return value != nullptr && value->is_bool() && value->as_bool();
  };
  state.handed_off = flag("handed_off");
  state.first_response_done = flag("first_response_done");
  state.reopen_counted = flag("reopen_counted");
  return state;
}

KpiFold::KpiFold(const AnalyticsSettings& settings, const TimeZone& zone,
                 const WorkingTime& working_time)
    : settings_(settings), zone_(zone), working_time_(working_time) {}

void KpiFold::AddFact(RollupMap& deltas, std::int64_t at_ms, const Dimensions& dims,
                      const std::function<void(RollupValues&)>& change) const {
  const std::string full = "full";
  change(deltas[RollupKey{Granularity::kHour, zone_.HourStart(at_ms), full, dims}]);
  change(deltas[RollupKey{Granularity::kDay, zone_.LocalDate(at_ms), full, dims}]);
}

void KpiFold::Count(RollupMap& deltas, std::int64_t at_ms, const Dimensions& dims, Counter counter,
                    std::int64_t amount) const {
  AddFact(deltas, at_ms, dims, [&](RollupValues& values) { values[counter] += amount; });
}

void KpiFold::Apply(const core::Event& event, ConversationState& state, RollupMap& deltas) const {
  if (!event.conversation_id) {
    return;
  }
  boost::system::error_code error;
  const json::value parsed = json::parse(event.data_json, error);
  static const json::object kEmpty;
  const json::object& data = !error && parsed.is_object() ? parsed.as_object() : kEmpty;
  const std::int64_t at = Millis(event.occurred_at);
  const std::string_view type = event.type;

  // Routing and SLA events may carry the conversation's priority and team.
  if (auto priority = TextField(data, "priority"); !priority.empty()) {
    state.dims.priority = priority;
  }
  if (auto team = TextField(data, "team"); !team.empty()) {
    state.dims.team = team;
  }
  if (state.dims.priority.empty()) {
    state.dims.priority = "standard";
  }

  // Facts about one message are filed under that message's channel and inbox.
  Dimensions message_dims = state.dims;
  if (!event.inbox_id.empty()) {
    message_dims.inbox = event.inbox_id;
  }
  if (auto channel = TextField(data, "channel"); !channel.empty()) {
    message_dims.channel = channel;
  }

  if (type == events::kConversationCreated) {
    StartEpisode(state, TextField(data, "channel"), event.inbox_id);
    state.tier = 0;
    Count(deltas, at, state.dims, Counter::kConversationsCreated);
  } else if (type == events::kConversationReopened) {
    ApplyReopened(TextField(data, "channel"), event.inbox_id, IntField(data, "tier"), at, state,
                  deltas);
  } else if (type == events::kMessageReceived) {
    if (auto intent = TextField(data, "intent"); !intent.empty() && state.dims.intent.empty()) {
      state.dims.intent = intent;
      message_dims.intent = intent;
    }
    const ChannelPrice price = PriceOf(settings_, message_dims.channel);
    AddFact(deltas, at, message_dims, [&](RollupValues& values) {
      values[Counter::kMessagesIn] += 1;
      values[Counter::kProviderFeeMicros] += Micros(price.inbound_message);
    });
    if (state.tier >= 1 && state.waiting_since == 0) {
      state.waiting_since = at;
    }
  } else if (type == events::kConversationHandedOff) {
    if (auto intent = TextField(data, "intent"); !intent.empty() && state.dims.intent.empty()) {
      state.dims.intent = intent;
    }
    state.tier = static_cast<int>(IntField(data, "tier").value_or(1));
    state.handed_off = true;
    state.handed_off_at = at;
    state.assigned_at = 0;
    state.waiting_since = at;  // Measured from the handoff, not from the first message.
    state.first_response_done = false;
    const std::string label = "handoff:" + TextField(data, "reason");
    AddFact(deltas, at, state.dims, [&](RollupValues& values) {
      values[Counter::kHandoffs] += 1;
      values.labels[label] += 1;
    });
  } else if (type == events::kEscalationRaised) {
    if (auto to_tier = IntField(data, "to_tier")) {
      state.tier = static_cast<int>(*to_tier);
    }
    const std::string label = "escalation:" + TextField(data, "reason");
    AddFact(deltas, at, state.dims, [&](RollupValues& values) {
      values[Counter::kEscalations] += 1;
      values.labels[label] += 1;
    });
  } else if (type == events::kConversationHandedBack) {
    state.tier = 0;
    state.waiting_since = 0;
  } else if (type == events::kConversationAssigned) {
    if (event.agent_id) {
      state.dims.agent = std::to_string(*event.agent_id);
    }
    if (state.assigned_at == 0) {
      state.assigned_at = at;
    }
  } else if (type == events::kMessageQueued) {
    const std::string sender = TextField(data, "sender");
    if (sender == "agent") {
      Dimensions reply_dims = message_dims;
      if (event.agent_id) {
        reply_dims.agent = std::to_string(*event.agent_id);
      }
      ApplyAgentMessage(reply_dims, at, state, deltas);
    } else if (sender == "bot") {
      Count(deltas, at, message_dims, Counter::kBotMessages);
    }
  } else if (type == events::kMessageSent) {
    const std::int64_t segments = IntField(data, "segments").value_or(0);
    const ChannelPrice price = PriceOf(settings_, message_dims.channel);
    const std::int64_t fee =
        Micros(price.outbound_message) + segments * Micros(price.outbound_segment);
    AddFact(deltas, at, message_dims, [&](RollupValues& values) {
      values[Counter::kMessagesOut] += 1;
      values[Counter::kSegmentsOut] += segments;
      values[Counter::kProviderFeeMicros] += fee;
    });
  } else if (type == events::kConversationResolved) {
    ApplyResolved(at, state, deltas);
  } else if (type == events::kSurveyAnswered) {
    if (const auto score = IntField(data, "score")) {
      ApplySurvey(TextField(data, "kind"), *score, at, state, deltas);
    }
  } else if (type == events::kSlaBreached) {
    const std::string label = "sla_breach:" + TextField(data, "metric");
    AddFact(deltas, at, state.dims, [&](RollupValues& values) {
      values[Counter::kSlaBreaches] += 1;
      values.labels[label] += 1;
    });
  } else if (type == events::kBotAnswered) {
    Count(deltas, at, message_dims, Counter::kBotAnswered);
  } else if (type == events::kBotMissed) {
    Count(deltas, at, message_dims, Counter::kBotMissed);
  } else if (type == events::kFlowCompleted) {
    Count(deltas, at, state.dims, Counter::kFlowsCompleted);
  }
}

void KpiFold::ApplyReopened(const std::string& channel, const std::string& inbox,
                            std::optional<std::int64_t> tier, std::int64_t at,
                            ConversationState& state, RollupMap& deltas) const {
  // A reopening within the FCR window undoes the first-contact resolution of the resolution
  // before it, in that resolution's bucket.
  if (state.resolved_at != 0 && !state.reopen_counted &&
      at - state.resolved_at <= kFcrWindowMillis) {
    Count(deltas, state.resolved_at, state.resolved_dims, Counter::kReopenedAfterResolution);
    state.reopen_counted = true;
  }
  StartEpisode(state, channel, inbox);
  state.tier = static_cast<int>(tier.value_or(state.tier));
  if (state.tier >= 1) {
    // Reopened straight to agents: the customer waits from the reopening message.
    state.handed_off = true;
    state.handed_off_at = at;
    state.waiting_since = at;
  }
  Count(deltas, at, state.dims, Counter::kConversationsReopened);
}

void KpiFold::ApplyAgentMessage(const Dimensions& reply_dims, std::int64_t at,
                                ConversationState& state, RollupMap& deltas) const {
  const std::int64_t waited = state.waiting_since != 0
                                  ? working_time_.Millis(state.dims.team, state.waiting_since, at)
                                  : -1;
  const bool first = waited >= 0 && !state.first_response_done;
  const auto target_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             SlaFor(settings_, state.dims.priority).first_response)
                             .count();
  AddFact(deltas, at, reply_dims, [&](RollupValues& values) {
    values[Counter::kAgentMessages] += 1;
    if (waited < 0) {
      return;
    }
    values[Counter::kResponses] += 1;
    values[Counter::kResponseMillis] += waited;
    values.response.Add(waited);
    if (first) {
      values[Counter::kFirstResponses] += 1;
      values[Counter::kFirstResponseMillis] += waited;
      values.first_response.Add(waited);
      if (waited <= target_ms) {
        values[Counter::kFirstResponsesWithinTarget] += 1;
      }
    }
  });
  if (waited >= 0) {
    state.waiting_since = 0;
    state.first_response_done = true;
  }
}

void KpiFold::ApplyResolved(std::int64_t at, ConversationState& state, RollupMap& deltas) const {
  const bool contained = !state.handed_off;
  const std::int64_t handle_from = state.assigned_at != 0 ? state.assigned_at : state.handed_off_at;
  const std::int64_t handle =
      contained ? 0 : working_time_.Millis(state.dims.team, handle_from, at);
  AddFact(deltas, at, state.dims, [&](RollupValues& values) {
    values[Counter::kResolved] += 1;
    if (contained) {
      values[Counter::kContained] += 1;
      return;
    }
    values[Counter::kHandled] += 1;
    values[Counter::kHandleMillis] += handle;
    values.handle.Add(handle);
  });
  state.resolved_at = at;
  state.resolved_dims = state.dims;
  state.reopen_counted = false;
  state.waiting_since = 0;
}

void KpiFold::ApplySurvey(const std::string& kind, std::int64_t score, std::int64_t at,
                          const ConversationState& state, RollupMap& deltas) const {
  if (kind == "csat" && score >= 1 && score <= 5) {
    AddFact(deltas, at, state.dims, [&](RollupValues& values) {
      values[Counter::kCsatResponses] += 1;
      values[Counter::kCsatSatisfied] += score >= 4 ? 1 : 0;
    });
  } else if (kind == "nps" && score >= 0 && score <= 10) {
    AddFact(deltas, at, state.dims, [&](RollupValues& values) {
      values[Counter::kNpsResponses] += 1;
      values[Counter::kNpsPromoters] += score >= 9 ? 1 : 0;
      values[Counter::kNpsDetractors] += score <= 6 ? 1 : 0;
    });
  }
}

RollupMap ExpandGroupings(const RollupMap& full) {
  RollupMap expanded;
  for (const auto& [key, values] : full) {
    for (const GroupingSet& grouping : kGroupings) {
      RollupKey rolled{key.granularity, key.bucket, std::string(grouping.name),
                       RollUp(key.dims, grouping.mask)};
      expanded[rolled].Merge(values);
    }
  }
  return expanded;
}

const SlaTarget& SlaFor(const AnalyticsSettings& settings, const std::string& priority) {
  static const SlaTarget kDefault;
  const auto found = settings.sla.find(priority);
  return found == settings.sla.end() ? kDefault : found->second;
}

}  // namespace mobilelink::analytics
