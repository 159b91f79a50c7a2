#include "mobilelink/app/auth_link.hpp"

#include <boost/json.hpp>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include "mobilelink/app/web_assets.hpp"
#include "mobilelink/app/webchat_hub.hpp"
#include "mobilelink/bot/flow_worker.hpp"
#include "mobilelink/common/log.hpp"
#include "mobilelink/security/app_token.hpp"
#include "mobilelink/security/credentials.hpp"
#include "mobilelink/security/signed_link.hpp"

namespace mobilelink::app {

namespace {

// The confirmation form carries an HMAC of the link token under a key that never leaves the
// process. A page on another site cannot read that value from the customer's browser, so it
// cannot post a valid confirmation. A restart makes open pages stale: their POST is rejected and
// opening the link again shows a fresh form.
class CsrfKey final {
 public:
  CsrfKey() {
    key_.resize(32);
    randombytes_buf(key_.data(), key_.size());
  }

  [[nodiscard]] std::string For(std::string_view token) const {
    const std::string digest = security::HmacSha256(key_, token);
    std::string hex(digest.size() * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(digest.data()),
                   digest.size());
    hex.pop_back();
    return hex;
  }

  [[nodiscard]] bool Matches(std::string_view token, std::string_view value) const {
    const std::string expected = For(token);
    return value.size() == expected.size() &&
           sodium_memcmp(expected.data(), value.data(), expected.size()) == 0;
  }

 private:
  std::string key_;
};

http::HttpResponse Page(int status, std::string_view title, std::string_view text,
                        std::string_view form = {}) {
  http::HttpResponse page(status);
  page.headers.Set("Content-Type", "text/html; charset=utf-8");
  // The token is in the URL: no caching, no referrer, no framing (clickjacking).
  page.headers.Set("Cache-Control", "no-store");
  page.headers.Set("Referrer-Policy", "no-referrer");
  page.headers.Set("X-Frame-Options", "DENY");
  page.headers.Set("X-Content-Type-Options", "nosniff");
  page.headers.Set("Content-Security-Policy",
                   "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                   "frame-ancestors 'none'; base-uri 'none'");
  page.body =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>" +
      EscapeHtml(title) +
      "</title>"
      "<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;"
      "padding:0 1rem}button{font-size:1.1rem;padding:.6rem 1.4rem}</style></head>"
      "<body><h1>" +
      EscapeHtml(title) + "</h1><p>" + EscapeHtml(text) + "</p>" + std::string(form) +
      "</body></html>";
  return page;
}

http::HttpResponse StatePage(security::LinkState state) {
  switch (state) {
    case security::LinkState::kUsed:
      return Page(410, "Link already used",
                  "This link has already been used. Ask in the chat for a new one.");
    case security::LinkState::kExpired:
      return Page(410, "Link expired", "This link has expired. Ask in the chat for a new one.");
    case security::LinkState::kUnknown:
    case security::LinkState::kValid:
      break;
  }
  return Page(404, "Link not found",
              "This link is not valid. Check that you opened the whole link from the message.");
}

// Wakes the outbox for the flow's replies, and the flow worker for a call the flow now waits on.
void NotifyAfterResume(const AppContext& context, const core::InboundOutcome& outcome) {
  if ((!outcome.queued.empty() || outcome.flow_waiting) && context.notify_outbox) {
    context.notify_outbox();
  }
}

// Returns scheme://host[:port] of a URL.
std::string OriginOf(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return std::string(url);
  }
  const auto path_start = url.find('/', scheme_end + 3);
  return std::string(url.substr(0, path_start));
}

void ShowLink(AppContext& context, const CsrfKey& csrf, const http::HttpRequest& request,
              http::Responder respond) {
  const std::string token = request.path_params.at("token");
  security::LinkLookup lookup;
  context.store->Read([&](core::Repository& unit) {
    lookup = security::InspectSignedLink(unit, token, context.clock->Now());
  });
  if (lookup.state != security::LinkState::kValid) {
    respond(StatePage(lookup.state));
    return;
  }
  const std::string form = "<form method=\"post\"><input type=\"hidden\" name=\"csrf\" value=\"" +
                           csrf.For(token) + "\"><button type=\"submit\">Confirm</button></form>";
  respond(Page(200, "Confirm it is you",
               "Tap Confirm to continue in the chat (" + lookup.record->purpose + ").", form));
}

void ConfirmLink(AppContext& context, const CsrfKey& csrf, const http::HttpRequest& request,
                 http::Responder respond) {
  const std::string token = request.path_params.at("token");
  const auto origin = request.headers.Get("Origin");
  if (origin && *origin != OriginOf(context.config->server.public_url)) {
    Logger("security")
        ->info("link confirmation rejected reason=cross_origin request_id={}", request.request_id);
    respond(Page(403, "Not allowed", "This confirmation came from another site."));
    return;
  }
  const auto form = http::ParseForm(request.body);
  std::string value;
  for (const auto& [name, field] : form.value_or(decltype(form)::value_type{})) {
    if (name == "csrf") {
      value = field;
    }
  }
  if (!csrf.Matches(token, value)) {
    respond(Page(403, "Page out of date", "Open the link from the message again and confirm."));
    return;
  }
  auto confirmed = std::make_shared<security::LinkLookup>();
  auto resumed = std::make_shared<core::InboundOutcome>();
  const auto now = context.clock->Now();
  context.store->Write(
      [&context, token, now, confirmed, resumed](core::Repository& unit) {
        *confirmed = security::ConfirmSignedLink(unit, token, now);
        if (confirmed->state == security::LinkState::kValid) {
          *resumed = bot::ResumeAwaitingFlow(*context.service, unit, confirmed->record->conversation_id,
                                        security::AuthMethod::kLink, true);
        }
      },
      [&context, confirmed, resumed, respond,
       request_id = request.request_id](const store::WriteResult& result) {
        if (!result.ok) {
          Logger("security")
              ->error("link confirmation not stored request_id={} error=\"{}\"", request_id,
                      result.error);
          respond(Page(503, "Try again", "The confirmation could not be saved. Try again."));
          return;
        }
        if (confirmed->state != security::LinkState::kValid) {
          respond(StatePage(confirmed->state));
          return;
        }
        Logger("security")
            ->info("link confirmed conversation_id={} request_id={}",
                   confirmed->record->conversation_id, request_id);
        NotifyAfterResume(context, *resumed);
        respond(Page(200, "Confirmed", "Thank you. You can return to the chat now."));
      });
}

// Reads the two string fields of the app token request body.
std::optional<std::pair<std::string, std::string>> AppTokenFields(const std::string& body) {
  boost::system::error_code error;
  const boost::json::value parsed = boost::json::parse(body, error);
  if (error || !parsed.is_object()) {
    return std::nullopt;
  }
  const auto* session = parsed.as_object().if_contains("session_token");
  const auto* token = parsed.as_object().if_contains("token");
  if (session == nullptr || token == nullptr || !session->is_string() || !token->is_string()) {
    return std::nullopt;
  }
  return std::make_pair(std::string(session->as_string()), std::string(token->as_string()));
}

void VerifyAppToken(AppContext& context, std::shared_ptr<const security::AppTokenVerifier> verifier,
                    const http::HttpRequest& request, http::Responder respond) {
  const auto fields = AppTokenFields(request.body);
  if (!fields) {
    respond(FieldError(400, "invalid_request", "body",
                       "send a JSON object with the web chat session_token and the app token"));
    return;
  }
  const auto now = context.clock->Now();
  std::optional<std::int64_t> conversation_id;
  context.store->Read([&](core::Repository& unit) {
    const auto session = unit.FindWebchatSession(security::HashToken(fields->first), now);
    if (session) {
      if (const auto active = unit.FindActiveConversation(session->contact_id)) {
        conversation_id = active->id;
      }
    }
  });
  if (!conversation_id) {
    respond(FieldError(409, "no_conversation", "session_token",
                       "the session is unknown or expired, or has no open conversation yet; "
                       "send a chat message first"));
    return;
  }
  auto result = std::make_shared<security::AppTokenResult>();
  auto resumed = std::make_shared<core::InboundOutcome>();
  context.store->Write(
      [&context, verifier, id = *conversation_id, token = fields->second, now, result,
       resumed](core::Repository& unit) {
        *result = security::VerifyAppTokenForConversation(unit, *verifier, id, token, now);
        // A rejected token counts as an invalid attempt at a step that awaits an app token.
        *resumed = bot::ResumeAwaitingFlow(*context.service, unit, id, security::AuthMethod::kApp,
                                      result->ok());
      },
      [&context, result, resumed, respond, id = *conversation_id](const store::WriteResult& written) {
        if (!written.ok) {
          Logger("security")
              ->error("app token result not stored conversation_id={} error=\"{}\"", id,
                      written.error);
          respond(http::HttpResponse::Error(503, "store_unavailable", "retry the request"));
          return;
        }
        NotifyAfterResume(context, *resumed);
        if (!result->ok()) {
          Logger("security")
              ->info("app token rejected conversation_id={} reason={}", id,
                     security::ToString(result->error));
          respond(FieldError(
              401, "invalid_app_token", "token",
              "the app token was rejected: " + std::string(security::ToString(result->error)) +
                  "; get a new token from the app backend"));
          return;
        }
        respond(http::HttpResponse::Json(
            200, boost::json::serialize(boost::json::object{
                     {"conversation_id", id}, {"level", "app"}, {"subject", result->subject}})));
      });
}

}  // namespace

void AddAuthLinkRoutes(http::Router& router, AppContext& context) {
  auto csrf = std::make_shared<CsrfKey>();
  router.Add("GET", "/auth/link/{token}",
             [&context, csrf](http::HttpRequest&& request, http::Responder respond) {
               ShowLink(context, *csrf, request, std::move(respond));
             });
  router.Add("POST", "/auth/link/{token}",
             [&context, csrf](http::HttpRequest&& request, http::Responder respond) {
               ConfirmLink(context, *csrf, request, std::move(respond));
             });
  if (!context.config->auth.app_token) {
    return;
  }
  auto verifier =
      std::make_shared<const security::AppTokenVerifier>(*context.config->auth.app_token);
  router.Add("POST", "/auth/app-token",
             [&context, verifier](http::HttpRequest&& request, http::Responder respond) {
               VerifyAppToken(context, verifier, request, std::move(respond));
             });
}

}  // namespace mobilelink::app
