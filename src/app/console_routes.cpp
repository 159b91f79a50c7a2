#include "mobilelink/app/console_routes.hpp"

#include <boost/json.hpp>

#include "mobilelink/app/agent_api_internal.hpp"
#include "mobilelink/app/chat_page.hpp"
#include "mobilelink/app/session_auth.hpp"
#include "mobilelink/app/web_assets.hpp"
#include "mobilelink/common/log.hpp"
#include "mobilelink/security/credentials.hpp"
#include "mobilelink/store/store.hpp"

namespace mobilelink::app {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxLoginBodyBytes = 8 * 1024;

bool UsesHttps(const AppContext& context) {
  return context.config->server.public_url.rfind("https://", 0) == 0;
}

http::HttpResponse Page(std::string body, std::string_view frame_ancestors) {
  http::HttpResponse page(200);
  page.headers.Set("Content-Type", "text/html; charset=utf-8");
  SetPageSecurityHeaders(page, frame_ancestors);
  page.body = std::move(body);
  return page;
}

// Turns the token response of POST /oauth/token into the console's login response: the token
// goes into the HttpOnly cookie and the body carries only the CSRF token.
http::HttpResponse ToSessionResponse(http::HttpResponse token_response, bool secure) {
  if (token_response.status != 200) {
    return token_response;
  }
  const json::object issued = json::parse(token_response.body).as_object();
  const std::string token(issued.at("access_token").as_string());
  http::HttpResponse response = http::HttpResponse::Json(
      200, json::serialize(json::object{{"csrf_token", CsrfTokenFor(token)},
                                        {"role", issued.at("role")},
                                        {"expires_in", issued.at("expires_in")}}));
  response.headers.Set("Set-Cookie",
                       SessionCookie(token, issued.at("expires_in").to_number<long>(), secure));
  response.headers.Set("Cache-Control", "no-store");
  return response;
}

json::object SessionJson(const AppContext& context, const agent_api::Caller& caller,
                         const std::string& session_token) {
  json::array inboxes;
  for (const auto& [id, inbox] : context.inboxes) {
    inboxes.push_back(json::object{{"id", id}, {"channel", inbox.channel}});
  }
  json::array canned;
  for (const auto& response : context.config->canned_responses) {
    canned.push_back(json::object{{"code", response.code}, {"text", response.text}});
  }
  return json::object{{"agent", json::object{{"id", caller.agent.id},
                                             {"login", caller.agent.login},
                                             {"name", caller.agent.name},
                                             {"role", caller.agent.role}}},
                      {"csrf_token", CsrfTokenFor(session_token)},
                      {"inboxes", inboxes},
                      {"canned_responses", canned}};
}

void AddSessionRoutes(http::Router& router, AppContext& context) {
  router.Add(
      "POST", "/console/session",
      [&context](http::HttpRequest&& request, http::Responder respond) {
        // A login from another origin would sign the victim's browser into the attacker's
        // account (login CSRF), so only the console's own pages may post here.
        if (!IsSameOriginOrAbsent(request)) {
          respond(http::HttpResponse::Error(403, "csrf_rejected",
                                            "log in from this server's /console page", "Origin"));
          return;
        }
        const bool secure = UsesHttps(context);
        agent_api::IssueToken(context, std::move(request),
                              [respond, secure](http::HttpResponse response) {
                                respond(ToSessionResponse(std::move(response), secure));
                              });
      },
      http::RouteLimits{kMaxLoginBodyBytes});

  router.Add(
      "GET", "/console/session", [&context](http::HttpRequest&& request, http::Responder respond) {
        const auto token = CookieValue(request, kSessionCookieName);
        const auto caller = agent_api::Authenticate(context, request);
        if (!token || !caller) {
          respond(
              http::HttpResponse::Error(401, "unauthorized", "no console session; log in first"));
          return;
        }
        auto response =
            http::HttpResponse::Json(200, json::serialize(SessionJson(context, *caller, *token)));
        response.headers.Set("Cache-Control", "no-store");
        respond(std::move(response));
      });

  router.Add("DELETE", "/console/session",
             [&context](http::HttpRequest&& request, http::Responder respond) {
               auto credential = ReadCredential(request);
               if (auto* rejection = std::get_if<http::HttpResponse>(&credential)) {
                 respond(std::move(*rejection));
                 return;
               }
               const bool https = UsesHttps(context);
               const auto* found = std::get_if<RequestCredential>(&credential);
               if (found == nullptr) {
                 http::HttpResponse response(204);
                 response.headers.Set("Set-Cookie", ExpiredSessionCookie(https));
                 respond(std::move(response));
                 return;
               }
               // The token is deleted from the store before the response, so a copy of the cookie
               // or the same value as a bearer token stops working at once.
               const std::string hash = security::HashToken(found->token);
               context.store->Write(
                   [hash](core::Repository& repository) { repository.RevokeAccessToken(hash); },
                   [https, respond](const store::WriteResult& result) {
                     if (!result.ok) {
                       Logger("http")->error("logout failed: token not revoked error={}",
                                             result.error);
                       respond(http::HttpResponse::Error(
                           503, "store_unavailable",
                           "the session could not be ended; try logging out again"));
                       return;
                     }
                     http::HttpResponse response(204);
                     response.headers.Set("Set-Cookie", ExpiredSessionCookie(https));
                     respond(std::move(response));
                   });
             });
}

void AddChatRoutes(http::Router& router, AppContext& context) {
  // /chat opens the first web chat inbox, so a bare link works when there is only one.
  router.Add("GET", "/chat", [&context](http::HttpRequest&&, http::Responder respond) {
    for (const auto& inbox : context.config->inboxes) {
      if (inbox.channel == "webchat") {
        http::HttpResponse redirect(302);
        redirect.headers.Set("Location", "/chat/" + inbox.id);
        respond(std::move(redirect));
        return;
      }
    }
    respond(http::HttpResponse::Error(404, "inbox_not_found", "no web chat inbox is configured"));
  });
  // Pages cached before the widget bundle got hashed names load /chat/app.js.
  router.Add("GET", "/chat/app.js", [](http::HttpRequest&& request, http::Responder respond) {
    const auto url = WebAssets::Embedded().Url("widget.js");
    respond(WebAssets::Embedded().Serve(request, url.substr(url.rfind('/') + 1)));
  });
  router.Add(
      "GET", "/chat/{inbox}", [&context](http::HttpRequest&& request, http::Responder respond) {
        const auto found = context.inboxes.find(request.path_params["inbox"]);
        if (found == context.inboxes.end() || found->second.channel != "webchat") {
          respond(
              http::HttpResponse::Error(404, "inbox_not_found", "no such web chat inbox", "inbox"));
          return;
        }
        respond(Page(ChatPage(found->first, found->second.Get("title")),
                     ChatFrameAncestors(context.config->web)));
      });
}

}  // namespace

void AddConsoleRoutes(http::Router& router, AppContext& context) {
  // Indexing the bundle here makes a broken bundle stop the start instead of failing requests.
  (void)WebAssets::Embedded();
  router.Add("GET", "/console", [](http::HttpRequest&&, http::Responder respond) {
    respond(Page(ConsolePage(), "'none'"));
  });
  router.Add("GET", "/assets/{file}", [](http::HttpRequest&& request, http::Responder respond) {
    respond(WebAssets::Embedded().Serve(request, request.path_params["file"]));
  });
  AddSessionRoutes(router, context);
  AddChatRoutes(router, context);
}

}  // namespace mobilelink::app
