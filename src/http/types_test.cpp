#include "mobilelink/http/types.hpp"

#include <gtest/gtest.h>

namespace mobilelink::http {
namespace {

void NoOp(HttpRequest&&, Responder) {}

TEST(Router, MatchesLiteralPath) {
  Router router;
  router.Add("GET", "/healthz", NoOp);

  Router::Match match = router.Find("GET", "/healthz");

  EXPECT_NE(match.handler, nullptr);
  EXPECT_TRUE(match.path_params.empty());
}

TEST(Router, ExtractsDecodedPathParams) {
  Router router;
  router.Add("POST", "/webhooks/twilio/{inbox}/status", NoOp);

  Router::Match match = router.Find("POST", "/webhooks/twilio/main%20line/status");

  ASSERT_NE(match.handler, nullptr);
  EXPECT_EQ(match.path_params.at("inbox"), "main line");
}

TEST(Router, RejectsDifferentSegmentCount) {
  Router router;
  router.Add("POST", "/webhooks/twilio/{inbox}", NoOp);

  EXPECT_EQ(router.Find("POST", "/webhooks/twilio/7/status").handler, nullptr);
  EXPECT_FALSE(router.Find("POST", "/webhooks/twilio/7/status").path_known);
  EXPECT_EQ(router.Find("POST", "/webhooks/twilio").handler, nullptr);
}

TEST(Router, ReportsKnownPathUnderOtherMethod) {
  Router router;
  router.Add("POST", "/oauth/token", NoOp);

  Router::Match match = router.Find("GET", "/oauth/token");

  EXPECT_EQ(match.handler, nullptr);
  EXPECT_TRUE(match.path_known);
}

TEST(Router, PrefersLiteralOverParam) {
  Router router;
  bool literal_called = false;
  router.Add("GET", "/items/{id}", NoOp);
  router.Add("GET", "/items/search", [&](HttpRequest&&, Responder) { literal_called = true; });

  Router::Match match = router.Find("GET", "/items/search");
  ASSERT_NE(match.handler, nullptr);
  (*match.handler)(HttpRequest{}, [](HttpResponse) {});

  EXPECT_TRUE(literal_called);
  EXPECT_TRUE(match.path_params.empty());
}

TEST(Router, CarriesRouteLimits) {
  Router router;
  router.Add("POST", "/upload", NoOp, RouteLimits{.max_body_bytes = 10});

  EXPECT_EQ(router.Find("POST", "/upload").limits.max_body_bytes, 10u);
}

TEST(Router, FindsWebSocketRoute) {
  Router router;
  router.AddWebSocket("/ws/{channel}", nullptr);
  router.Add("GET", "/ws/{channel}/history", NoOp);

  Router::Match match = router.Find("GET", "/ws/agents");

  EXPECT_EQ(match.handler, nullptr);
  EXPECT_TRUE(match.path_known);
  EXPECT_EQ(match.path_params.at("channel"), "agents");
}

TEST(Form, ParsesPairsInOrder) {
  auto pairs = ParseForm("To=%2B15551234567&Body=hello+world&Body=again&Empty=&Flag");

  ASSERT_TRUE(pairs.has_value());
  ASSERT_EQ(pairs->size(), 5u);
  EXPECT_EQ((*pairs)[0], std::make_pair(std::string("To"), std::string("+15551234567")));
  EXPECT_EQ((*pairs)[1].second, "hello world");
  EXPECT_EQ((*pairs)[2].first, "Body");
  EXPECT_EQ((*pairs)[2].second, "again");
  EXPECT_EQ((*pairs)[3].second, "");
  EXPECT_EQ((*pairs)[4].first, "Flag");
}

TEST(Form, SkipsEmptyPairs) {
  auto pairs = ParseForm("&a=1&&b=2&");

  ASSERT_TRUE(pairs.has_value());
  EXPECT_EQ(pairs->size(), 2u);
}

TEST(Form, RejectsBadEscapes) {
  EXPECT_FALSE(ParseForm("a=%zz").has_value());
  EXPECT_FALSE(ParseForm("a=%4").has_value());
  EXPECT_FALSE(ParseForm("a=ok&b%=1").has_value());
  EXPECT_FALSE(DecodeFormComponent("100%").has_value());
}

TEST(Form, DecodesPlusAndEscapes) {
  EXPECT_EQ(DecodeFormComponent("caf%C3%A9+au+lait"), "caf\xC3\xA9 au lait");
  EXPECT_EQ(DecodeFormComponent("%2b"), "+");
}

TEST(Form, EncodesReservedBytes) {
  EXPECT_EQ(EncodeFormComponent("a b+c/d~e.f-g_h"), "a+b%2Bc%2Fd~e.f-g_h");
  EXPECT_EQ(EncodeFormComponent("\xC3\xA9"), "%C3%A9");
}

TEST(Form, RoundTripsAllBytes) {
  std::string all;
  for (int byte = 0; byte < 256; ++byte) {
    all += static_cast<char>(byte);
  }

  EXPECT_EQ(DecodeFormComponent(EncodeFormComponent(all)), all);
}

TEST(HttpTypes, QueryParamDecodesFirstValue) {
  HttpRequest request;
  request.query = "page=2&q=refund+status&q=other";

  EXPECT_EQ(request.QueryParam("q"), "refund status");
  EXPECT_EQ(request.QueryParam("page"), "2");
  EXPECT_FALSE(request.QueryParam("missing").has_value());
}

TEST(HttpTypes, HeadersIgnoreCase) {
  Headers headers;
  headers.Add("Content-Type", "text/plain");
  headers.Add("X-Twilio-Signature", "abc");
  headers.Set("content-type", "application/json");

  EXPECT_EQ(headers.Get("CONTENT-TYPE"), "application/json");
  EXPECT_EQ(headers.Get("x-twilio-signature"), "abc");
  EXPECT_EQ(headers.Lines().size(), 2u);
  EXPECT_FALSE(headers.Get("X-Twilio-Signatur").has_value());
}

TEST(HttpTypes, ErrorBodyIsJson) {
  HttpResponse response = HttpResponse::Error(400, "invalid_field", "To is \"missing\"", "To");

  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.headers.Get("Content-Type"), "application/json");
  EXPECT_EQ(response.body,
            R"({"error":{"code":"invalid_field","message":"To is \"missing\"","field":"To"}})");
}

TEST(HttpTypes, ErrorBodyOmitsEmptyField) {
  HttpResponse response = HttpResponse::Error(404, "not_found", "no route");

  EXPECT_EQ(response.body, R"({"error":{"code":"not_found","message":"no route"}})");
}

}  // namespace
}  // namespace mobilelink::http
