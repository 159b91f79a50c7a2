#include "mobilelink/app/webhooks.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "mobilelink/channels/registry.hpp"
#include "mobilelink/common/log.hpp"
#include "mobilelink/common/metrics.hpp"
#include "mobilelink/outbox/outbox_worker.hpp"

namespace mobilelink::app {

namespace {

// Twilio bodies are small forms and WhatsApp batches stay well under this; a larger body is
// rejected before it is read.
constexpr std::size_t kMaxWebhookBodyBytes = 256 * 1024;

void CountWebhook(std::string_view channel, std::string_view outcome) {
  GlobalMetrics()
      .GetCounter("mobilelink_webhook_requests_total", "Provider webhook requests by outcome.",
                  {{"channel", std::string(channel)}, {"outcome", std::string(outcome)}})
      .Increment();
}

struct Batch {
  std::vector<core::InboundOutcome> inbound;
  std::vector<core::StatusOutcome> statuses;
};

void HandleWebhook(AppContext& context, const std::string& segment, bool status_route,
                   http::HttpRequest&& request, http::Responder respond) {
  const std::string inbox_id = request.path_params["inbox"];
  const auto found = context.inboxes.find(inbox_id);
  if (found == context.inboxes.end() || outbox::WebhookSegment(found->second.channel) != segment) {
    CountWebhook(segment, "inbox_not_found");
    respond(FieldError(404, "inbox_not_found", "inbox",
                       "no " + segment + " inbox '" + inbox_id +
                           "' is configured; check the webhook URL in the provider console"));
    return;
  }
  const channels::InboxConfig& inbox = found->second;
  const channels::ChannelAdapter* adapter = channels::FindAdapter(inbox.channel);
  channels::WebhookRequest webhook{&request,
                                   PublicUrlCandidates(request, context.config->server, inbox,
                                                       status_route),
                                   status_route};
  channels::ParsedWebhook parsed = adapter->ParseWebhook(inbox, webhook);
  CountWebhook(inbox.channel, channels::ToString(parsed.outcome));
  if (parsed.outcome != channels::WebhookOutcome::kAccepted) {
    const auto level = parsed.outcome == channels::WebhookOutcome::kIgnored ? spdlog::level::debug
                                                                           : spdlog::level::info;
    Logger("channel")->log(level, "webhook {} channel={} inbox_id={} request_id={} reason=\"{}\"",
                           channels::ToString(parsed.outcome), inbox.channel, inbox.id,
                           request.request_id, EscapeLogValue(parsed.reason));
    // Adapters build rejections as the server's JSON error body, naming the field.
    respond(parsed.response.value_or(
        http::HttpResponse::Error(400, channels::ToString(parsed.outcome), parsed.reason)));
    return;
  }

  auto batch = std::make_shared<Batch>();
  const core::ConversationService* service = context.service;
  http::HttpResponse success = parsed.response.value_or(http::HttpResponse::Text(200, ""));
  // A status that names its outbox row can settle a send whose outcome is unknown, which the
  // outbox worker does on its next pass.
  const bool names_outbox_row =
      std::any_of(parsed.statuses.begin(), parsed.statuses.end(),
                  [](const core::StatusUpdate& status) { return !status.callback_data.empty(); });
  context.store->Write(
      [service, batch, messages = std::move(parsed.messages),
       statuses = std::move(parsed.statuses)](core::Repository& repository) {
        batch->inbound.clear();
        batch->statuses.clear();
        for (const auto& message : messages) {
          batch->inbound.push_back(service->ReceiveInbound(repository, message));
        }
        for (const auto& status : statuses) {
          batch->statuses.push_back(service->ApplyStatus(repository, status));
        }
      },
      [batch, respond, success = std::move(success), notify = context.notify_outbox,
       names_outbox_row,
       request_id = request.request_id, channel = inbox.channel,
       inbox_id = inbox.id](const store::WriteResult& result) {
        if (!result.ok) {
          // Nothing was stored, so the provider's retry will find nothing to dedupe against.
          Logger("channel")->error("webhook not stored channel={} inbox_id={} request_id={} "
                                   "error=\"{}\"",
                                   channel, inbox_id, request_id, result.error);
          respond(http::HttpResponse::Error(503, "store_unavailable",
                                            "the message could not be stored; retry later"));
          return;
        }
        bool wake_outbox = names_outbox_row;
        for (const auto& outcome : batch->inbound) {
          wake_outbox = wake_outbox || !outcome.queued.empty();
          GlobalMetrics()
              .GetCounter("mobilelink_messages_total", "Messages by direction and status.",
                          {{"direction", "inbound"},
                           {"status", outcome.duplicate ? "duplicate" : "stored"}})
              .Increment();
        }
        for (const auto& outcome : batch->statuses) {
          const std::string status =
              !outcome.matched ? "unmatched"
                               : (outcome.changed ? std::string(core::ToString(outcome.status))
                                                  : "unchanged");
          GlobalMetrics()
              .GetCounter("mobilelink_messages_total", "Messages by direction and status.",
                          {{"direction", "outbound"}, {"status", status}})
              .Increment();
        }
        if (wake_outbox && notify) {
          notify();
        }
        respond(success);
      });
}

}  // namespace

std::vector<std::string> PublicUrlCandidates(const http::HttpRequest& request,
                                             const config::ServerConfig& server,
                                             const channels::InboxConfig& inbox,
                                             bool status_route) {
  std::vector<std::string> candidates;
  const std::string configured = inbox.Get("public_url");
  const std::string query = request.query.empty() ? "" : "?" + request.query;
  if (!configured.empty()) {
    candidates.push_back(configured + (status_route ? "/status" : "") + query);
  }
  const bool trusted = std::find(server.trusted_proxies.begin(), server.trusted_proxies.end(),
                                 request.remote_address) != server.trusted_proxies.end();
  const auto proto = request.headers.Get("X-Forwarded-Proto");
  const auto host = request.headers.Get("X-Forwarded-Host");
  if (trusted && proto && host) {
    candidates.push_back(*proto + "://" + *host + request.target);
  }
  candidates.push_back(server.public_url + request.target);
  return candidates;
}

void AddWebhookRoutes(http::Router& router, AppContext& context) {
  std::vector<std::string> segments;
  for (const auto& [id, inbox] : context.inboxes) {
    const std::string segment = outbox::WebhookSegment(inbox.channel);
    if (inbox.channel == "webchat" ||
        std::find(segments.begin(), segments.end(), segment) != segments.end()) {
      continue;
    }
    segments.push_back(segment);
    const std::string base = "/webhooks/" + segment + "/{inbox}";
    const http::RouteLimits limits{kMaxWebhookBodyBytes};
    for (const char* method : {"POST", "GET"}) {
      router.Add(
          method, base,
          [&context, segment](http::HttpRequest&& request, http::Responder respond) {
            HandleWebhook(context, segment, false, std::move(request), std::move(respond));
          },
          limits);
    }
    router.Add(
        "POST", base + "/status",
        [&context, segment](http::HttpRequest&& request, http::Responder respond) {
          HandleWebhook(context, segment, true, std::move(request), std::move(respond));
        },
        limits);
  }
}

}  // namespace mobilelink::app
