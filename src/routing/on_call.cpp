#include "mobilelink/routing/on_call.hpp"

#include <algorithm>
#include <cctype>

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "mobilelink/common/log.hpp"
#include "mobilelink/common/metrics.hpp"
#include "mobilelink/events/event_types.hpp"
#include "mobilelink/routing/sla_repository.hpp"

namespace mobilelink::routing {

namespace json = boost::json;

namespace {

// Monday 5 January 1970 00:00 UTC, where rotation week 0 starts.
constexpr std::chrono::sys_days kFirstRotationMonday{std::chrono::days(4)};

// Keeps a page within a few SMS segments; the full runbook stays in the config.
constexpr std::size_t kMaxRunbookChars = 300;

std::string Lower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

void AppendEvent(core::Repository& repository, std::string_view type,
                 std::optional<std::int64_t> conversation_id,
                 std::optional<std::int64_t> message_id, const std::string& inbox_id,
                 json::object data, core::TimePoint now) {
  core::Event event;
  event.type = std::string(type);
  event.conversation_id = conversation_id;
  event.message_id = message_id;
  event.inbox_id = inbox_id;
  event.data_json = json::serialize(data);
  event.occurred_at = now;
  repository.AppendEvent(event);
}

}  // namespace

bool ContainsAckWord(std::string_view text) {
  const std::string lower = Lower(text);
  std::size_t i = 0;
  while (i < lower.size()) {
    while (i < lower.size() && !std::isalnum(static_cast<unsigned char>(lower[i]))) {
      ++i;
    }
    std::size_t end = i;
    while (end < lower.size() && std::isalnum(static_cast<unsigned char>(lower[end]))) {
      ++end;
    }
    const std::string_view word(lower.data() + i, end - i);
    if (word == "ack" || word.starts_with("acknowledg")) {
      return true;
    }
    i = end;
  }
  return false;
}

OnCallService::OnCallService(std::vector<config::OnCallConfig> teams,
                             const core::ConversationService& service,
                             const core::TimeSource& clock)
    : teams_(std::move(teams)), service_(service), clock_(clock) {}

const config::OnCallConfig* OnCallService::FindTeam(std::string_view team) const {
  for (const auto& candidate : teams_) {
    if (candidate.team == team) {
      return &candidate;
    }
  }
  return nullptr;
}

std::size_t OnCallService::CurrentIndex(const config::OnCallConfig& team,
                                        core::TimePoint now) const {
  const auto since = std::chrono::floor<std::chrono::days>(now) - kFirstRotationMonday;
  const auto weeks = std::chrono::floor<std::chrono::weeks>(since).count();
  const auto size = static_cast<std::int64_t>(team.rotation.size());
  return static_cast<std::size_t>(((weeks % size) + size) % size);
}

bool OnCallService::Page(core::Repository& repository, core::Conversation& conversation,
                         const std::string& team, const std::string& incident_key,
                         const std::string& summary) const {
  const auto* on_call = FindTeam(team);
  if (on_call == nullptr) {
    return false;
  }
  SendPage(repository, conversation, *on_call, incident_key, 1,
           CurrentIndex(*on_call, clock_.Now()), summary);
  return true;
}

void OnCallService::SendPage(core::Repository& repository, core::Conversation& conversation,
                             const config::OnCallConfig& team, const std::string& incident_key,
                             int attempt, std::size_t person_index,
                             const std::string& summary) const {
  const auto now = clock_.Now();
  const auto& person = team.rotation[person_index % team.rotation.size()];
  std::string text = summary + " Reply ACK to acknowledge.";
  if (!team.runbook.empty()) {
    text += " Runbook: " + team.runbook.substr(0, kMaxRunbookChars);
  }
  const auto queued =
      service_.SendSystemMessage(repository, conversation, team.inbox, person.phone, text);
  GlobalMetrics()
      .GetCounter("mobilelink_oncall_pages_total", "On-call pages by team and outcome.",
                  {{"team", team.team}, {"outcome", queued.ok() ? "queued" : "failed"}})
      .Increment();
  if (!queued.ok()) {
    // The next person is still paged when the window ends, so one bad number cannot stall it.
    Logger("routing")->error("on-call page not queued conversation_id={} attempt={} error={}",
                             conversation.id, attempt, queued.detail);
  }

  OnCallPage page;
  page.incident_key = incident_key;
  page.team_id = team.team;
  page.attempt = attempt;
  page.person_name = person.name;
  page.phone = person.phone;
  page.inbox_id = team.inbox;
  page.conversation_id = conversation.id;
  page.message_id = queued.message_id;
  page.paged_at = now;
  OpenSlaRepository(repository)->InsertPage(page);
  AppendEvent(repository, events::kOnCallPaged, conversation.id, queued.message_id, team.inbox,
              {{"incident_key", incident_key},
               {"team", team.team},
               {"attempt", attempt},
               {"person", person.name},
               {"phone", person.phone},
               {"inbox_id", team.inbox}},
              now);

  core::Timer timer;
  timer.kind = std::string(kAckTimerKind);
  timer.key = incident_key;
  timer.due_at = now + team.ack_window;
  timer.payload_json = json::serialize(
      json::object{{"team", team.team},
                   {"attempt", attempt},
                   {"person_index", static_cast<std::int64_t>(person_index % team.rotation.size())},
                   {"conversation_id", conversation.id},
                   {"summary", summary}});
  repository.ScheduleTimer(timer);
}

bool OnCallService::ConsumeAcknowledgement(core::Repository& repository,
                                           const core::InboundMessage& inbound) const {
  if (inbound.from.kind != core::IdentityKind::kPhone || !ContainsAckWord(inbound.text)) {
    return false;
  }
  const bool on_call_phone = std::any_of(teams_.begin(), teams_.end(), [&](const auto& team) {
    return team.inbox == inbound.inbox_id &&
           std::any_of(team.rotation.begin(), team.rotation.end(),
                       [&](const auto& person) { return person.phone == inbound.from.value; });
  });
  if (!on_call_phone) {
    return false;
  }
  auto sla = OpenSlaRepository(repository);
  const auto page = sla->FindOpenPage(inbound.inbox_id, inbound.from.value);
  if (!page) {
    return true;
  }
  const auto now = clock_.Now();
  sla->AcknowledgeIncident(page->incident_key, now);
  repository.CancelTimer(kAckTimerKind, page->incident_key);
  AppendEvent(repository, events::kOnCallAcknowledged, page->conversation_id, std::nullopt,
              inbound.inbox_id,
              {{"incident_key", page->incident_key},
               {"team", page->team_id},
               {"attempt", page->attempt},
               {"person", page->person_name}},
              now);
  Logger("routing")->info("on-call page acknowledged incident_key={} attempt={}",
                          page->incident_key, page->attempt);
  return true;
}

void OnCallService::HandleAckTimeout(core::Repository& repository, const core::Timer& timer) const {
  const auto payload = json::parse(timer.payload_json).as_object();
  const std::string team_id(payload.at("team").as_string());
  const int attempt = static_cast<int>(payload.at("attempt").to_number<std::int64_t>());
  const auto person_index = payload.at("person_index").to_number<std::int64_t>();
  const auto conversation_id = payload.at("conversation_id").to_number<std::int64_t>();
  const std::string summary(payload.at("summary").as_string());

  const auto pages = OpenSlaRepository(repository)->ListPages(timer.key);
  if (std::any_of(pages.begin(), pages.end(),
                  [](const OnCallPage& page) { return page.acknowledged_at.has_value(); })) {
    return;
  }
  const auto* team = FindTeam(team_id);
  if (team == nullptr) {
    Logger("routing")->error("on-call team not configured team={} incident_key={}", team_id,
                             timer.key);
    return;
  }
  if (attempt >= static_cast<int>(team->rotation.size())) {
    Logger("routing")->error(
        "on-call rotation exhausted without ack team={} incident_key={} "
        "attempt={}",
        team_id, timer.key, attempt);
    return;
  }
  auto conversation = repository.GetConversation(conversation_id);
  if (!conversation) {
    throw std::runtime_error("conversation " + std::to_string(conversation_id) +
                             " of on-call incident " + timer.key + " not found");
  }
  SendPage(repository, *conversation, *team, timer.key, attempt + 1,
           static_cast<std::size_t>(person_index + 1), summary);
}

}  // namespace mobilelink::routing
