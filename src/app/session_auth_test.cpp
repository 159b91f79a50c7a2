#include "mobilelink/app/session_auth.hpp"

#include <gtest/gtest.h>

namespace mobilelink::app {
namespace {

http::HttpRequest CookieRequest(const std::string& method, const std::string& token) {
  http::HttpRequest request;
  request.method = method;
  request.headers.Set("Host", "127.0.0.1:8080");
  request.headers.Set("Cookie",
                      "theme=dark; " + std::string(kSessionCookieName) + "=" + token + "; other=1");
  return request;
}

bool IsRejected(const std::variant<std::monostate, RequestCredential, http::HttpResponse>& result) {
  const auto* response = std::get_if<http::HttpResponse>(&result);
  return response != nullptr && response->status == 403;
}

TEST(SessionAuth, CookieValueFindsNamedCookie) {
  const auto request = CookieRequest("GET", "tok123");
  EXPECT_EQ(CookieValue(request, kSessionCookieName).value_or(""), "tok123");
  EXPECT_EQ(CookieValue(request, "theme").value_or(""), "dark");
  EXPECT_FALSE(CookieValue(request, "missing").has_value());
}

TEST(SessionAuth, BearerTokenNeedsNoCsrf) {
  http::HttpRequest request;
  request.method = "POST";
  request.headers.Set("Authorization", "Bearer abc");
  const auto result = ReadCredential(request);
  const auto* credential = std::get_if<RequestCredential>(&result);
  ASSERT_NE(credential, nullptr);
  EXPECT_EQ(credential->token, "abc");
  EXPECT_FALSE(credential->from_cookie);
}

TEST(SessionAuth, CookieReadNeedsNoCsrf) {
  const auto result = ReadCredential(CookieRequest("GET", "tok"));
  const auto* credential = std::get_if<RequestCredential>(&result);
  ASSERT_NE(credential, nullptr);
  EXPECT_TRUE(credential->from_cookie);
}

TEST(SessionAuth, CookieWriteWithoutCsrfIsRejected) {
  EXPECT_TRUE(IsRejected(ReadCredential(CookieRequest("POST", "tok"))));
  EXPECT_TRUE(IsRejected(ReadCredential(CookieRequest("DELETE", "tok"))));
  EXPECT_TRUE(IsRejected(ReadCredential(CookieRequest("PUT", "tok"))));
}

TEST(SessionAuth, CookieWriteWithWrongCsrfIsRejected) {
  auto request = CookieRequest("POST", "tok");
  request.headers.Set(std::string(kCsrfHeaderName), CsrfTokenFor("another-token"));
  EXPECT_TRUE(IsRejected(ReadCredential(request)));
}

TEST(SessionAuth, CookieWriteWithCsrfIsAccepted) {
  auto request = CookieRequest("POST", "tok");
  request.headers.Set(std::string(kCsrfHeaderName), CsrfTokenFor("tok"));
  request.headers.Set("Origin", "http://127.0.0.1:8080");
  EXPECT_TRUE(std::holds_alternative<RequestCredential>(ReadCredential(request)));
}

TEST(SessionAuth, CookieWriteFromForeignOriginIsRejected) {
  auto request = CookieRequest("POST", "tok");
  request.headers.Set(std::string(kCsrfHeaderName), CsrfTokenFor("tok"));
  request.headers.Set("Origin", "http://evil.example");
  EXPECT_TRUE(IsRejected(ReadCredential(request)));
}

TEST(SessionAuth, NoCredentialIsMonostate) {
  http::HttpRequest request;
  request.method = "GET";
  EXPECT_TRUE(std::holds_alternative<std::monostate>(ReadCredential(request)));
}

TEST(SessionAuth, CsrfTokenDiffersFromTokenHash) {
  EXPECT_EQ(CsrfTokenFor("tok"), CsrfTokenFor("tok"));
  EXPECT_NE(CsrfTokenFor("tok"), CsrfTokenFor("tok2"));
  EXPECT_EQ(CsrfTokenFor("tok").find("tok"), std::string::npos);
}

TEST(SessionAuth, CookieAttributes) {
  const auto plain = SessionCookie("abc", 60, false);
  EXPECT_NE(plain.find("mobilelink_session=abc"), std::string::npos);
  EXPECT_NE(plain.find("HttpOnly"), std::string::npos);
  EXPECT_NE(plain.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(plain.find("Max-Age=60"), std::string::npos);
  EXPECT_EQ(plain.find("Secure"), std::string::npos);
  EXPECT_NE(SessionCookie("abc", 60, true).find("; Secure"), std::string::npos);
  EXPECT_NE(ExpiredSessionCookie(false).find("Max-Age=0"), std::string::npos);
}

}  // namespace
}  // namespace mobilelink::app
