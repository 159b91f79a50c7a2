#pragma once

// On-call paging for critical SLA breaches.
//
// Each team in the `on_call` config has a rotation and an SMS inbox. The person on call is
// chosen by week: weeks start on Monday 00:00 UTC, and week n since the Unix epoch's first
// Monday (1970-01-05) belongs to rotation[n % size]. A breach opens an incident and pages that
// person: an SMS through the outbox, queued in the transaction that records the breach, with an
// `oncall.paged` event and an `oncall_pages` row. A reply from that phone to the paging inbox
// containing the word ACK acknowledges the incident (`oncall.acknowledged`). When no ACK
// arrives within ack_window_s, a stored timer pages the next person in the rotation. Each
// person is paged once per incident. After the last one the incident stays unacknowledged and
// an error is logged.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mobilelink/config/sla_config.hpp"
#include "mobilelink/core/clock.hpp"
#include "mobilelink/core/conversation_service.hpp"
#include "mobilelink/core/repository.hpp"
#include "mobilelink/core/timer.hpp"

namespace mobilelink::routing {

/// Thread safe: holds only configuration.
class OnCallService final {
 public:
  /// Kind of the timer that pages the next person when a page is not acknowledged in time.
  static constexpr std::string_view kAckTimerKind = "oncall.ack_timeout";

  OnCallService(std::vector<config::OnCallConfig> teams, const core::ConversationService& service,
                const core::TimeSource& clock);

  [[nodiscard]] const config::OnCallConfig* FindTeam(std::string_view team) const;

  /// Returns the rotation index of the person on call in the week that contains `now`.
  [[nodiscard]] std::size_t CurrentIndex(const config::OnCallConfig& team,
                                         core::TimePoint now) const;

  /// Opens incident `incident_key` about `conversation` and pages the person on call of `team`
  /// with `summary`. Returns false when `team` has no on_call entry.
  bool Page(core::Repository& repository, core::Conversation& conversation, const std::string& team,
            const std::string& incident_key, const std::string& summary) const;

  /// Acknowledges the open incident paged to the sender when the message is an ACK from an
  /// on-call phone to its paging inbox. Returns true for every such ACK, also when nothing is
  /// open any more, so a repeated ACK never reaches the bot.
  bool ConsumeAcknowledgement(core::Repository& repository,
                              const core::InboundMessage& inbound) const;

  /// Timer handler of kAckTimerKind: pages the next person unless the incident was
  /// acknowledged.
  void HandleAckTimeout(core::Repository& repository, const core::Timer& timer) const;

 private:
  void SendPage(core::Repository& repository, core::Conversation& conversation,
                const config::OnCallConfig& team, const std::string& incident_key, int attempt,
                std::size_t person_index, const std::string& summary) const;

  std::vector<config::OnCallConfig> teams_;
  const core::ConversationService& service_;
  const core::TimeSource& clock_;
};

/// Returns true when `text` contains the word "ack", or a word starting with "acknowledg", in
/// any letter case.
bool ContainsAckWord(std::string_view text);

}  // namespace mobilelink::routing
