// Logging out of the agent console: DELETE /console/session must end the session on the
// server, so that a copy of the cookie taken before the logout no longer authenticates.

#include "server_fixture.hpp"

namespace mobilelink::integration {
namespace {

class ConsoleLogout : public ServerFixture {};

TEST_F(ConsoleLogout, RevokesSessionCookie) {
  http::Headers form;
  form.Set("Content-Type", "application/x-www-form-urlencoded");
  const auto login = Request("POST", "/console/session",
                             "grant_type=password&username=alice&password=" +
                                 std::string(kAgentPassword),
                             form);
  ASSERT_EQ(login.status, 200) << login.body;
  const auto set_cookie = login.headers.Get("Set-Cookie");
  ASSERT_TRUE(set_cookie.has_value());
  const std::string cookie = set_cookie->substr(0, set_cookie->find(';'));
  const std::string csrf_token =
      std::string(ParseJson(login.body).as_object().at("csrf_token").as_string());

  http::Headers session;
  session.Set("Cookie", cookie);
  ASSERT_EQ(Request("GET", "/api/v1/me", "", session).status, 200);

  http::Headers logout = session;
  logout.Set("X-CSRF-Token", csrf_token);
  const auto logged_out = Request("DELETE", "/console/session", "", logout);
  ASSERT_EQ(logged_out.status, 204) << logged_out.body;

  EXPECT_EQ(Request("GET", "/api/v1/me", "", session).status, 401);
}

}  // namespace
}  // namespace mobilelink::integration
