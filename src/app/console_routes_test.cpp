// The console's cookie session, CSRF rejection and pages over real HTTP on 127.0.0.1.

#include "mobilelink/app/console_routes.hpp"

#include "../../tests/integration/server_fixture.hpp"
#include "mobilelink/app/session_auth.hpp"

namespace mobilelink::integration {
namespace {

class ConsoleRoutes : public ServerFixture {
 protected:
  struct Session {
    std::string cookie;  // "mobilelink_session=..." for the Cookie header.
    std::string csrf_token;
  };

  http::ClientResponse PostLogin(const std::string& login, const std::string& password,
                                 const std::string& origin = {}) const {
    http::Headers headers;
    headers.Set("Content-Type", "application/x-www-form-urlencoded");
    if (!origin.empty()) {
      headers.Set("Origin", origin);
    }
    return Request("POST", "/console/session",
                   channels::common::EncodeForm(
                       {{"grant_type", "password"}, {"username", login}, {"password", password}}),
                   headers);
  }

  Session LogIn() const {
    const auto response = PostLogin("alice", kAgentPassword);
    EXPECT_EQ(response.status, 200) << response.body;
    const std::string set_cookie = response.headers.Get("Set-Cookie").value_or("");
    const auto body = ParseJson(response.body);
    if (!body.is_object()) {
      return {};
    }
    return {set_cookie.substr(0, set_cookie.find(';')),
            std::string(body.as_object().at("csrf_token").as_string())};
  }

  http::ClientResponse WithCookie(const std::string& method, const std::string& path,
                                  const Session& session, const std::string& csrf,
                                  const std::string& origin = {}) const {
    http::Headers headers;
    headers.Set("Cookie", session.cookie);
    if (!csrf.empty()) {
      headers.Set("X-CSRF-Token", csrf);
    }
    if (!origin.empty()) {
      headers.Set("Origin", origin);
    }
    return Request(method, path, {}, headers);
  }

  // Hands an SMS conversation to the queue and returns its id.
  std::int64_t QueuedConversation() const {
    EXPECT_EQ(PostSms("SM60000000000000000000000000000001", "+12025550123", "agent").status, 200);
    const auto token = Login("bob", kSupervisorPassword);
    const auto queue = ParseJson(Api("GET", "/api/v1/conversations?view=queue", token).body);
    const auto& items = queue.as_object().at("conversations").as_array();
    EXPECT_EQ(items.size(), 1u);
    return items.empty() ? 0 : items[0].as_object().at("id").as_int64();
  }

  std::string OwnOrigin() const { return public_url_; }
};

TEST_F(ConsoleRoutes, LoginSetsHttpOnlyCookie) {
  const auto response = PostLogin("alice", kAgentPassword);
  ASSERT_EQ(response.status, 200) << response.body;
  const std::string cookie = response.headers.Get("Set-Cookie").value_or("");
  EXPECT_EQ(cookie.rfind("mobilelink_session=", 0), 0u) << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(cookie.find("Secure"), std::string::npos);  // The test server is plain http.
  const auto body = ParseJson(response.body).as_object();
  EXPECT_FALSE(body.contains("access_token"));
  EXPECT_FALSE(body.at("csrf_token").as_string().empty());
}

TEST_F(ConsoleRoutes, WrongPasswordSetsNoCookie) {
  const auto response = PostLogin("alice", "wrong-password");
  EXPECT_EQ(response.status, 401);
  EXPECT_FALSE(response.headers.Get("Set-Cookie").has_value());
}

TEST_F(ConsoleRoutes, LoginFromForeignOriginIsRejected) {
  const auto response = PostLogin("alice", kAgentPassword, "http://evil.example");
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(ErrorCode(response.body), "csrf_rejected");
  EXPECT_FALSE(response.headers.Get("Set-Cookie").has_value());
}

TEST_F(ConsoleRoutes, SessionReturnsAgentAndSameCsrfToken) {
  const Session session = LogIn();
  const auto response = WithCookie("GET", "/console/session", session, "");
  ASSERT_EQ(response.status, 200) << response.body;
  const auto body = ParseJson(response.body).as_object();
  EXPECT_EQ(body.at("agent").as_object().at("login").as_string(), "alice");
  EXPECT_EQ(body.at("csrf_token").as_string(), session.csrf_token);
  EXPECT_EQ(body.at("inboxes").as_array().size(), 3u);
}

TEST_F(ConsoleRoutes, SessionWithoutCookieIs401) {
  EXPECT_EQ(Request("GET", "/console/session").status, 401);
}

TEST_F(ConsoleRoutes, CookieReadsApiWithoutCsrf) {
  const Session session = LogIn();
  EXPECT_EQ(WithCookie("GET", "/api/v1/me", session, "").status, 200);
}

TEST_F(ConsoleRoutes, ClaimWithoutCsrfIsRejectedAndChangesNothing) {
  const auto id = QueuedConversation();
  const Session session = LogIn();
  const std::string path = "/api/v1/conversations/" + std::to_string(id) + "/claim";

  const auto missing = WithCookie("POST", path, session, "");
  EXPECT_EQ(missing.status, 403);
  EXPECT_EQ(ErrorCode(missing.body), "csrf_rejected");
  const auto wrong = WithCookie("POST", path, session, std::string(64, 'a'));
  EXPECT_EQ(wrong.status, 403);
  const auto foreign = WithCookie("POST", path, session, session.csrf_token, "http://evil.example");
  EXPECT_EQ(foreign.status, 403);
  EXPECT_EQ(
      Store().Integer("SELECT COUNT(*) FROM conversations WHERE assignee_agent_id IS NOT NULL"), 0);

  const auto accepted = WithCookie("POST", path, session, session.csrf_token, OwnOrigin());
  EXPECT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(
      Store().Integer("SELECT COUNT(*) FROM conversations WHERE assignee_agent_id IS NOT NULL"), 1);
}

TEST_F(ConsoleRoutes, LogoutNeedsCsrfAndExpiresCookie) {
  const Session session = LogIn();
  EXPECT_EQ(WithCookie("DELETE", "/console/session", session, "").status, 403);
  const auto response = WithCookie("DELETE", "/console/session", session, session.csrf_token);
  EXPECT_EQ(response.status, 204);
  EXPECT_NE(response.headers.Get("Set-Cookie").value_or("").find("Max-Age=0"), std::string::npos);
}

TEST_F(ConsoleRoutes, ConsolePageHasSecurityHeadersAndHashedAssets) {
  const auto response = Request("GET", "/console");
  ASSERT_EQ(response.status, 200);
  const auto csp = response.headers.Get("Content-Security-Policy").value_or("");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(response.headers.Get("X-Frame-Options").value_or(""), "DENY");
  EXPECT_EQ(response.headers.Get("Referrer-Policy").value_or(""), "no-referrer");
  EXPECT_FALSE(response.headers.Get("Permissions-Policy").value_or("").empty());
  EXPECT_EQ(response.body.find("<script>"), std::string::npos);

  const auto start = response.body.find("/assets/console-");
  ASSERT_NE(start, std::string::npos);
  const std::string path = response.body.substr(start, response.body.find('"', start) - start);
  const auto script = Request("GET", path);
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.headers.Get("Cache-Control").value_or(""),
            "public, max-age=31536000, immutable");
  http::Headers conditional;
  conditional.Set("If-None-Match", script.headers.Get("ETag").value_or(""));
  EXPECT_EQ(Request("GET", path, {}, conditional).status, 304);
}

TEST_F(ConsoleRoutes, AssetRouteRejectsTraversal) {
  EXPECT_EQ(Request("GET", "/assets/..%2f..%2fetc%2fpasswd").status, 404);
  EXPECT_EQ(Request("GET", "/assets/manifest.json").status, 404);
  EXPECT_EQ(Request("GET", "/assets/%2e%2e").status, 404);
}

TEST_F(ConsoleRoutes, ChatPageMayBeFramedBySelfOnly) {
  const auto response = Request("GET", "/chat/chat");
  ASSERT_EQ(response.status, 200);
  const auto csp = response.headers.Get("Content-Security-Policy").value_or("");
  EXPECT_NE(csp.find("frame-ancestors 'self'"), std::string::npos) << csp;
  EXPECT_FALSE(response.headers.Get("X-Frame-Options").has_value());
  EXPECT_NE(response.body.find("/assets/widget-"), std::string::npos);
}

}  // namespace
}  // namespace mobilelink::integration
