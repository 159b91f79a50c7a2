#include "mobilelink/app/application.hpp"

#include <set>
#include <string>

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "mobilelink/analytics/worker.hpp"
#include "mobilelink/analytics/working_time.hpp"
#include "mobilelink/app/agent_api.hpp"
#include "mobilelink/app/agent_feed.hpp"
#include "mobilelink/app/attachment_routes.hpp"
#include "mobilelink/app/console_routes.hpp"
#include "mobilelink/app/customer_api.hpp"
#include "mobilelink/app/analytics_api.hpp"
#include "mobilelink/app/context.hpp"
#include "mobilelink/app/routing_api.hpp"
#include "mobilelink/app/webchat_hub.hpp"
#include "mobilelink/app/webhooks.hpp"
#include "mobilelink/bot/flow_worker.hpp"
#include "mobilelink/app/auth_link.hpp"
#include "mobilelink/app/knowledge_api.hpp"
#include "mobilelink/bot/survey_sweeper.hpp"
#include "mobilelink/channels/common/hmac.hpp"
#include "mobilelink/channels/registry.hpp"
#include "mobilelink/common/log.hpp"
#include "mobilelink/common/metrics.hpp"
#include "mobilelink/core/timer_worker.hpp"
#include "mobilelink/http/server.hpp"
#include "mobilelink/nlu/bot_intents.hpp"
#include "mobilelink/outbox/outbox_worker.hpp"
#include "mobilelink/routing/auto_assigner.hpp"
#include "mobilelink/routing/escalation_timers.hpp"
#include "mobilelink/routing/on_call.hpp"
#include "mobilelink/routing/sla_service.hpp"
#include "mobilelink/security/credentials.hpp"
#include "mobilelink/store/store_lock.hpp"

namespace mobilelink::app {

std::pair<std::string, std::uint16_t> ParseListen(const std::string& value) {
  const auto colon = value.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    throw std::invalid_argument("listen address '" + value + "' must be HOST:PORT");
  }
  const std::string port = value.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) > 65535) {
    throw std::invalid_argument("listen port in '" + value + "' must be a number 0-65535");
  }
  std::string host = value.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return {host, static_cast<std::uint16_t>(std::stoi(port))};
}

class Application::Impl {
 public:
  Impl(config::Config config, ApplicationOptions options)
      : config_(std::move(config)), options_(std::move(options)) {
    clock_ = options_.clock ? options_.clock : &system_clock_;
  }

  void Start() {
    security::InitCrypto();
    // The lock comes before anything reads or writes the store, so a second server on the same
    // store stops before migrations, outbox recovery or agent sync change it.
    store_lock_ = std::make_unique<store::StoreLock>(config_.store.path);
    store_ = store::OpenSqliteStore({config_.store.path, 512, config_.store.synchronous});
    SyncAgents();

    std::map<std::string, core::InboxProfile> profiles;
    for (const auto& inbox : config_.inboxes) {
      const auto* adapter = channels::FindAdapter(inbox.channel);
      profiles.emplace(inbox.id,
                       core::InboxProfile{inbox.id, inbox.channel, adapter->GetCapabilities()});
      context_.inboxes.emplace(inbox.id, inbox);
    }
    bot_ = std::make_shared<bot::TierZeroBot>(config_.bot, nlu::LoadIntentDetector(config_.bot));
    std::shared_ptr<const bot::FlowEngine> flows;
    if (!config_.flows.flows.empty()) {
      bot::FlowAuthOptions auth;
      auth.otp = std::make_shared<security::OtpService>(config_.auth.otp);
      auth.policy.in_app_inboxes.insert(config_.auth.in_app_inboxes.begin(),
                                        config_.auth.in_app_inboxes.end());
      auth.public_url = config_.server.public_url;
      auth.link_ttl = config_.auth.link_ttl;
      flows = std::make_shared<bot::FlowEngine>(config_.flows, *clock_, std::move(auth));
    }
    service_ = std::make_unique<core::ConversationService>(std::move(profiles), bot_,
                                                           config_.compliance, *clock_, flows,
                                                           config_.analytics.reopen_window);
    routing_ = std::make_unique<routing::RoutingService>(config_.routing, *service_, *clock_);
    store_->Read([&](core::Repository& repository) { routing_->ResolveAgents(repository); });
    service_->SetHandoffListener(routing_.get());
    // Every commit wakes the agent feed and the auto-assigner.
    hooked_store_ = std::make_unique<CommitNotifyingStore>(*store_, [this] {
      feed_->Notify();
      assigner_->Notify();
    });
    analytics_ = std::make_unique<analytics::AnalyticsWorker>(
        config_.analytics, analytics::TeamCalendarsOf(config_), *store_, *clock_,
        http::MakeHttpClient(options_.client));
    ImportKnowledgeBase(*store_, config_.bot, clock_->Now());
    service_->UseStoredArticles(true);
    if (config_.surveys) {
      surveys_ = std::make_unique<bot::SurveyService>(*config_.surveys);
      service_->UseSurveys(surveys_.get());
      survey_sweeper_ = std::make_unique<bot::SurveySweeper>(*surveys_, *store_, *clock_);
    }
    on_call_ = std::make_unique<routing::OnCallService>(config_.on_call, *service_, *clock_);
    sla_ = std::make_unique<routing::SlaService>(config_.sla, config_.calendars, on_call_.get(),
                                                 *clock_);
    service_->SetObserver(sla_.get());
    context_.sla = sla_.get();
    routing_->SetSlaService(sla_.get());
    routing_->SetTimers(&escalation_timers_);
    // SLA clocks count the business hours of the conversation's team, and a breach pages the
    // team's on-call rotation when it has one.
    sla_->SetScopeResolver([routing = routing_.get(), on_call = on_call_.get()](
                               core::Repository& repository,
                               const core::Conversation& conversation) {
      routing::SlaScope scope = routing->SlaScopeOf(repository, conversation);
      if (on_call->FindTeam(scope.team_id) != nullptr) {
        scope.on_call_team = scope.team_id;
      }
      return scope;
    });
    context_.config = &config_;
    context_.store = hooked_store_.get();
    context_.service = service_.get();
    context_.routing = routing_.get();
    context_.clock = clock_;
    context_.surveys = surveys_.get();
    hub_ = std::make_shared<WebchatHub>(context_);
    feed_ = std::make_shared<AgentFeed>(context_);
    context_.feed_connections = [feed = feed_](std::int64_t agent_id) {
      return feed->ConnectionsOf(agent_id);
    };
    assigner_ = std::make_unique<routing::AutoAssigner>(*hooked_store_, *routing_);
    context_.push_webchat = [hub = hub_](const std::string& visitor, const std::string& frame) {
      return hub->PushFrame(visitor, frame);
    };
    // Argon2id takes 64 MiB per check, so two at a time bounds memory as well as CPU.
    login_pool_ = std::make_unique<WorkPool>(2, 64);
    login_guard_ = std::make_unique<security::LoginGuard>(*clock_);
    context_.login_pool = login_pool_.get();
    context_.login_guard = login_guard_.get();

    outbox::WorkerOptions worker_options{config_.outbox, config_.server.public_url,
                                         options_.client};
    outbox_ = std::make_unique<outbox::OutboxWorker>(
        worker_options, config_.inboxes, *hooked_store_, *service_, *clock_,
        [hub = hub_](const core::OutboxEntry& entry) { return hub->Push(entry); });
    flow_worker_ = std::make_unique<bot::FlowWorker>(
        bot::FlowWorkerOptions{config_.crm, options_.client}, *hooked_store_, *service_,
        [worker = outbox_.get()] { worker->Notify(); });
    context_.notify_outbox = [worker = outbox_.get(), flow_worker = flow_worker_.get()] {
      worker->Notify();
      flow_worker->Notify();
    };

    core::TimerWorkerOptions timer_options;
    timer_options.idle_poll = options_.timer_idle_poll;
    // A handler may queue messages (an on-call page), which the outbox sends after the commit.
    // A firing may also move a conversation between queues, so the queues drain after it.
    timer_options.after_fire = [this](const core::Timer&) {
      routing_->RequestDrain();
      assigner_->Notify();
      outbox_->Notify();
    };
    timers_ =
        std::make_unique<core::TimerWorker>(*hooked_store_, *clock_, std::move(timer_options));
    context_.timers = timers_.get();
    sla_->RegisterTimers(*timers_);
    routing::RegisterEscalationTimers(*timers_, *routing_);

    auto router = std::make_shared<http::Router>();
    AddHealthRoutes(*router);
    AddWebhookRoutes(*router, context_);
    AddAgentApiRoutes(*router, context_);
    AddCustomerApiRoutes(*router, context_);
    AddAnalyticsApiRoutes(*router, context_, config_.analytics, analytics_->Zone());
    AddAuthLinkRoutes(*router, context_);
    AddKnowledgeApiRoutes(*router, context_);
    router->AddWebSocket("/webchat/{inbox}/socket", hub_);
    AddRoutingApiRoutes(*router, context_);
    router->AddWebSocket("/api/v1/feed", feed_);
    AddConsoleRoutes(*router, context_);
    AddAttachmentRoutes(*router, context_);

    outbox_->Start();
    timers_->Start();
    feed_->Start();
    assigner_->Start();
    flow_worker_->Start();
    analytics_->Start();
    if (survey_sweeper_) {
      survey_sweeper_->Start();
    }
    http::ServerOptions server_options;
    server_options.host = options_.host;
    server_options.port = options_.port;
    server_options.threads = config_.server.threads;
    server_ = std::make_unique<http::Server>(server_options, router);
    server_->Start();
    Logger("http")->info("listening host={} port={} inboxes={}", options_.host, server_->Port(),
                         config_.inboxes.size());
    if (config_.server.metrics_token.empty() && options_.host != "127.0.0.1" &&
        options_.host != "::1" && options_.host != "localhost") {
      Logger("http")->warn(
          "/metrics is open to anyone who reaches host={}; set server.metrics_token", options_.host);
    }
  }

  std::uint16_t Port() const { return server_ ? server_->Port() : 0; }

  void Stop(std::chrono::milliseconds grace) {
    if (stopped_) {
      return;
    }
    stopped_ = true;
    if (server_) {
      server_->Stop(grace);
    }
    // Timers stop first: a firing may queue messages for the outbox.
    if (timers_) {
      timers_->Stop();
    }
    if (assigner_) {
      assigner_->Stop();
    }
    if (flow_worker_) {
      flow_worker_->Stop();
    }
    if (outbox_) {
      outbox_->Stop(grace);
    }
    if (feed_) {
      feed_->Stop();
    }
    if (analytics_) {
      analytics_->Stop();
    }
    if (survey_sweeper_) {
      survey_sweeper_->Stop();
    }
    login_pool_.reset();
    if (store_) {
      store_->Stop();
    }
    store_lock_.reset();
    Logger("http")->info("stopped");
  }

 private:
  // Stores the config's agents and deactivates the stored agents that the config no longer
  // lists: they can no longer log in, and their tokens stop working.
  void SyncAgents() {
    auto result = store_->WriteAndWait([&](core::Repository& repository) {
      std::set<std::string, std::less<>> logins;
      for (const auto& configured : config_.agents) {
        core::Agent agent{0, configured.login, configured.name, configured.role,
                          configured.password_hash, true};
        repository.UpsertAgent(agent);
        logins.insert(configured.login);
      }
      for (auto& stored : repository.ListAgents()) {
        if (stored.active && !logins.contains(stored.login)) {
          stored.active = false;
          repository.UpsertAgent(stored);
          Logger("http")->warn("agent deactivated: not in the config agent_id={} login={}",
                               stored.id, stored.login);
        }
      }
    });
    if (!result.ok) {
      throw std::runtime_error("agents could not be stored: " + result.error);
    }
  }

  // Returns true when /metrics is open or the request carries its bearer token.
  [[nodiscard]] bool MetricsCallerAllowed(const http::HttpRequest& request) const {
    const std::string& token = config_.server.metrics_token;
    if (token.empty()) {
      return true;
    }
    const std::string presented = request.headers.Get("Authorization").value_or("");
    return channels::common::ConstantTimeEquals(presented, "Bearer " + token);
  }

  void AddHealthRoutes(http::Router& router) {
    router.Add("GET", "/healthz", [](http::HttpRequest&&, http::Responder respond) {
      respond(http::HttpResponse::Text(200, "ok\n"));
    });
    router.Add("GET", "/readyz", [this](http::HttpRequest&&, http::Responder respond) {
      if (store_->IsReachable()) {
        respond(http::HttpResponse::Text(200, "ready\n"));
      } else {
        respond(http::HttpResponse::Text(503, "store unreachable\n"));
      }
    });
    router.Add("GET", "/metrics", [this](http::HttpRequest&& request, http::Responder respond) {
      if (!MetricsCallerAllowed(request)) {
        Logger("http")->warn("metrics request rejected: missing or wrong bearer token");
        auto rejected = http::HttpResponse::Error(
            401, "unauthorized", "send Authorization: Bearer <server.metrics_token>",
            "Authorization");
        rejected.headers.Set("WWW-Authenticate", "Bearer realm=\"metrics\"");
        respond(std::move(rejected));
        return;
      }
      http::HttpResponse response(200);
      response.headers.Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      response.body = GlobalMetrics().Render();
      respond(std::move(response));
    });
  }

  config::Config config_;
  ApplicationOptions options_;
  core::SystemTimeSource system_clock_;
  const core::TimeSource* clock_ = nullptr;
  AppContext context_;
  std::unique_ptr<store::StoreLock> store_lock_;
  std::unique_ptr<store::Store> store_;
  std::shared_ptr<bot::TierZeroBot> bot_;
  std::unique_ptr<bot::SurveyService> surveys_;
  std::unique_ptr<core::ConversationService> service_;
  std::unique_ptr<routing::RoutingService> routing_;
  routing::StoredEscalationTimers escalation_timers_;
  std::unique_ptr<CommitNotifyingStore> hooked_store_;
  std::shared_ptr<AgentFeed> feed_;
  std::unique_ptr<routing::AutoAssigner> assigner_;
  std::unique_ptr<bot::SurveySweeper> survey_sweeper_;
  std::unique_ptr<routing::OnCallService> on_call_;
  std::unique_ptr<routing::SlaService> sla_;
  std::shared_ptr<WebchatHub> hub_;
  std::unique_ptr<outbox::OutboxWorker> outbox_;
  std::unique_ptr<core::TimerWorker> timers_;
  std::unique_ptr<bot::FlowWorker> flow_worker_;
  std::unique_ptr<analytics::AnalyticsWorker> analytics_;
  std::unique_ptr<WorkPool> login_pool_;
  std::unique_ptr<security::LoginGuard> login_guard_;
  std::unique_ptr<http::Server> server_;
  bool stopped_ = false;
};

Application::Application(config::Config config, ApplicationOptions options)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(options))) {}

Application::~Application() { impl_->Stop(std::chrono::milliseconds(1000)); }

void Application::Start() { impl_->Start(); }
std::uint16_t Application::Port() const { return impl_->Port(); }
void Application::Stop(std::chrono::milliseconds grace) { impl_->Stop(grace); }

}  // namespace mobilelink::app
