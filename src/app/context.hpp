#pragma once

// What the HTTP handlers of the application share. Everything here outlives the server.

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "mobilelink/common/work_pool.hpp"
#include "mobilelink/config/config.hpp"
#include "mobilelink/core/clock.hpp"
#include "mobilelink/core/conversation_service.hpp"
#include "mobilelink/core/timer_worker.hpp"
#include "mobilelink/routing/sla_service.hpp"
#include "mobilelink/routing/routing_service.hpp"
#include "mobilelink/security/login_guard.hpp"
#include "mobilelink/store/store.hpp"

namespace mobilelink::app {

struct AppContext {
  const config::Config* config = nullptr;
  store::Store* store = nullptr;
  const core::ConversationService* service = nullptr;
  const routing::RoutingService* routing = nullptr;
  const core::TimeSource* clock = nullptr;
  std::map<std::string, channels::InboxConfig> inboxes;
  /// Runs password checks, which take tens of milliseconds, off the HTTP threads.
  WorkPool* login_pool = nullptr;
  security::LoginGuard* login_guard = nullptr;
  /// Sends a frame to the open web chat sockets of a visitor; returns true when one took it.
  std::function<bool(const std::string& visitor_id, const std::string& frame)> push_webchat;
  /// Wakes the outbox after a commit that queued messages.
  std::function<void()> notify_outbox;
  /// Fires stored timers. Handlers are registered before Application::Start starts it.
  core::TimerWorker* timers = nullptr;
  /// SLA clocks and priorities; SetPriority is the agent's priority action.
  const routing::SlaService* sla = nullptr;
  /// The survey rules, or nullptr when the config has no surveys section.
  const bot::SurveyService* surveys = nullptr;
  /// Returns how many agent feed sockets of an agent are open and authenticated.
  std::function<int(std::int64_t agent_id)> feed_connections;
};

/// Returns a JSON error response that names the field, the reason and the fix.
http::HttpResponse FieldError(int status, std::string_view code, std::string_view field,
                              std::string_view message);

}  // namespace mobilelink::app
