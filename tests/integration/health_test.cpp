// Health, readiness and Prometheus metrics of a running server.

#include <sstream>

#include "server_fixture.hpp"

namespace mobilelink::integration {
namespace {

using Health = ServerFixture;

// Returns the value of the sample line of `name` whose labels contain every `labels` pair,
// or -1 when there is no such line.
double SampleValue(const std::string& exposition, const std::string& name,
                   const std::vector<std::string>& labels) {
  std::istringstream lines(exposition);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.starts_with(name + "{")) {
      continue;
    }
    bool all = true;
    for (const auto& label : labels) {
      all = all && line.find(label) != std::string::npos;
    }
    if (all) {
      return std::stod(line.substr(line.rfind(' ') + 1));
    }
  }
  return -1;
}

TEST_F(Health, HealthzIs200) {
  const auto response = Request("GET", "/healthz");
  EXPECT_EQ(response.status, 200);
}

TEST_F(Health, ChatRedirectsToWebchatInbox) {
  const auto response = Request("GET", "/chat");
  EXPECT_EQ(response.status, 302);
  EXPECT_EQ(response.headers.Get("Location").value_or(""), "/chat/chat");
}

TEST_F(Health, ChatPageHasSecurityHeaders) {
  const auto response = Request("GET", "/chat/chat");
  EXPECT_EQ(response.status, 200);
  EXPECT_NE(response.headers.Get("Content-Security-Policy").value_or("").find("default-src"),
            std::string::npos);
  EXPECT_NE(response.headers.Get("Content-Security-Policy").value_or("").find("script-src 'self'"),
            std::string::npos);
  EXPECT_EQ(response.body.find("<script>"), std::string::npos);
  const auto script = Request("GET", "/chat/app.js");
  EXPECT_EQ(script.status, 200);
  EXPECT_NE(script.body.find("/webchat/"), std::string::npos);
}

TEST_F(Health, ReadyzIs200) {
  const auto response = Request("GET", "/readyz");
  EXPECT_EQ(response.status, 200);
}

TEST_F(Health, MetricsCountWebhooks) {
  ASSERT_EQ(PostSms("SM50000000000000000000000000000001", "+12025550123", "hello").status, 200);
  ASSERT_EQ(PostTwilioSigned("/webhooks/twilio/sms",
                             TwilioInboundForm("SM50000000000000000000000000000002",
                                               "+12025550123", "hello"),
                             "bm90IGEgc2lnbmF0dXJl")
                .status,
            403);

  const auto response = Request("GET", "/metrics");
  ASSERT_EQ(response.status, 200);
  EXPECT_NE(response.body.find("# TYPE mobilelink_webhook_requests_total counter"),
            std::string::npos);
  EXPECT_GE(SampleValue(response.body, "mobilelink_webhook_requests_total",
                        {"channel=\"twilio_sms\"", "outcome=\"accepted\""}),
            1);
  EXPECT_GE(SampleValue(response.body, "mobilelink_webhook_requests_total",
                        {"channel=\"twilio_sms\"", "outcome=\"signature_invalid\""}),
            1);
}

constexpr char kMetricsToken[] = "m3tr1cs-t0ken-0123456789abcdef0123";

// A server whose /metrics requires a bearer token.
class ProtectedMetrics : public ServerFixture {
 protected:
  [[nodiscard]] std::string AdjustConfigYaml(std::string yaml) const override {
    const std::string server = "server:\n";
    yaml.insert(yaml.find(server) + server.size(),
                std::string("  metrics_token: \"") + kMetricsToken + "\"\n");
    return yaml;
  }

  http::ClientResponse Metrics(const std::string& authorization) const {
    http::Headers headers;
    if (!authorization.empty()) {
      headers.Set("Authorization", authorization);
    }
    return Request("GET", "/metrics", "", headers);
  }
};

TEST_F(ProtectedMetrics, MissingTokenIs401) {
  const auto response = Metrics("");
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(response.headers.Get("WWW-Authenticate").value_or(""), "Bearer realm=\"metrics\"");
  EXPECT_EQ(response.body.find("mobilelink_"), std::string::npos);
}

TEST_F(ProtectedMetrics, WrongTokenIs401) {
  EXPECT_EQ(Metrics("Bearer not-the-token").status, 401);
  EXPECT_EQ(Metrics(kMetricsToken).status, 401);
  EXPECT_EQ(Metrics(std::string("Bearer ") + kMetricsToken + "x").status, 401);
}

TEST_F(ProtectedMetrics, RightTokenGetsSamples) {
  const auto response = Metrics(std::string("Bearer ") + kMetricsToken);
  EXPECT_EQ(response.status, 200);
  EXPECT_NE(response.body.find("# TYPE "), std::string::npos);
}

}  // namespace
}  // namespace mobilelink::integration
