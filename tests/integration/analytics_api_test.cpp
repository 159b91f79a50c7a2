// The analytics API, live metrics, alert webhook and dashboard over loopback, against a whole
// server whose config has an analytics section.

#include <mutex>

#include "mobilelink/analytics/alert_webhook.hpp"
#include "mobilelink/http/server.hpp"
#include "server_fixture.hpp"

namespace mobilelink::integration {
namespace {

constexpr char kAlertSecret[] = "itest-alert-secret";
constexpr char kCustomer[] = "+12025550188";

class AnalyticsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto router = std::make_shared<http::Router>();
    router->Add("POST", "/alerts", [this](http::HttpRequest&& request, http::Responder respond) {
      std::lock_guard lock(mutex_);
      alerts_.push_back(request);
      respond(http::HttpResponse::Text(200, "ok"));
    });
    receiver_ = std::make_unique<http::Server>(http::ServerOptions{}, router);
    receiver_->Start();

    for (int attempt = 1;; ++attempt) {
      const std::uint16_t port = FindFreePort();
      public_url_ = "http://127.0.0.1:" + std::to_string(port);
      // Nothing listens on port 9, so bot replies stay queued; the KPIs do not need them sent.
      std::string yaml =
          TestConfigYaml({"http://127.0.0.1:9", public_url_, temp_dir_.Path() / "kpi.db"});
      yaml +=
          "analytics:\n"
          "  time_zone: America/Los_Angeles\n"
          "  poll_interval_ms: 100\n"
          "  dashboard_dir: \"" MOBILELINK_SOURCE_DIR
          "/web/dashboard\"\n"
          "  alerts:\n"
          "    min_samples: 1\n"
          "    webhook_url: http://127.0.0.1:" +
          std::to_string(receiver_->Port()) +
          "/alerts\n"
          "    webhook_secret: " +
          kAlertSecret + "\n";
      app::ApplicationOptions options;
      options.port = port;
      options.client.loopback_only = true;
      try {
        app_ = std::make_unique<app::Application>(config::ParseConfig(yaml, "itest"), options);
        app_->Start();
        break;
      } catch (const std::runtime_error& error) {
        app_.reset();
        if (attempt == 5) {
          FAIL() << "the server did not start after 5 ports: " << error.what();
        }
      }
    }
    supervisor_ = Login("bob", kSupervisorPassword);
  }

  void TearDown() override {
    app_.reset();
    receiver_->Stop(std::chrono::milliseconds(500));
  }

  http::ClientResponse Request(const std::string& method, const std::string& path,
                               std::string body = {}, http::Headers headers = {}) const {
    http::ClientRequest request;
    request.method = method;
    request.url = public_url_ + path;
    request.headers = std::move(headers);
    request.body = std::move(body);
    request.timeout = kWaitLimit;
    return SendRequest(request);
  }

  http::ClientResponse Get(const std::string& path, const std::string& token) const {
    http::Headers headers;
    if (!token.empty()) {
      headers.Set("Authorization", "Bearer " + token);
    }
    return Request("GET", path, {}, headers);
  }

  std::string Login(const std::string& login, const std::string& password) const {
    http::Headers headers;
    headers.Set("Content-Type", "application/x-www-form-urlencoded");
    const auto response =
        Request("POST", "/oauth/token",
                channels::common::EncodeForm(
                    {{"grant_type", "password"}, {"username", login}, {"password", password}}),
                headers);
    const auto body = ParseJson(response.body);
    if (response.status != 200 || !body.is_object()) {
      ADD_FAILURE() << "login failed: " << response.status << " " << response.body;
      return {};
    }
    return std::string(body.as_object().at("access_token").as_string());
  }

  http::ClientResponse PostSms(const std::string& sid, const std::string& text) const {
    const std::string path = "/webhooks/twilio/sms";
    const auto form = TwilioInboundForm(sid, kCustomer, text);
    http::Headers headers;
    headers.Set("Content-Type", "application/x-www-form-urlencoded");
    headers.Set("X-Twilio-Signature",
                channels::twilio_sms::ComputeSignature(kTwilioAuthToken, public_url_ + path, form));
    return Request("POST", path, channels::common::EncodeForm(form), headers);
  }

  // Returns the total KPIs of today's report, or null when the request fails.
  boost::json::value TodayTotals(const std::string& query = "") const {
    const auto response = Get("/api/v1/analytics/report?period=total" + query, supervisor_);
    const auto body = ParseJson(response.body);
    if (response.status != 200 || !body.is_object()) {
      return nullptr;
    }
    return body.as_object().at("total").as_object().at("kpis");
  }

  std::int64_t TodayMessagesIn() const {
    const auto kpis = TodayTotals();
    return kpis.is_object() ? kpis.as_object().at("messages_in").as_int64() : -1;
  }

  std::vector<http::HttpRequest> Alerts() {
    std::lock_guard lock(mutex_);
    return alerts_;
  }

  TempDir temp_dir_;
  std::string public_url_;
  std::unique_ptr<app::Application> app_;
  std::unique_ptr<http::Server> receiver_;
  std::string supervisor_;
  std::mutex mutex_;
  std::vector<http::HttpRequest> alerts_;
};

TEST_F(AnalyticsApiTest, LiveFiguresMoveWithinOneSecond) {
  ASSERT_EQ(PostSms("SMkpi1", "hello").status, 200);
  const auto moved = [&] {
    return Request("GET", "/metrics")
               .body.find("mobilelink_kpi_messages_received{channel=\"twilio_sms\"} 1\n") !=
           std::string::npos;
  };
  EXPECT_TRUE(WaitUntil(moved, std::chrono::milliseconds(1000)));
  EXPECT_TRUE(WaitUntil([&] { return TodayMessagesIn() == 1; }));
}

TEST_F(AnalyticsApiTest, ReportNeedsSupervisor) {
  EXPECT_EQ(Get("/api/v1/analytics/report", "").status, 401);
  const std::string agent = Login("alice", kAgentPassword);
  const auto response = Get("/api/v1/analytics/report", agent);
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(ErrorCode(response.body), "forbidden");
}

TEST_F(AnalyticsApiTest, ReportFiltersByChannel) {
  ASSERT_EQ(PostSms("SMkpi2", "hello").status, 200);
  ASSERT_TRUE(WaitUntil([&] { return TodayMessagesIn() == 1; }));
  const auto sms = TodayTotals("&channel=twilio_sms");
  ASSERT_TRUE(sms.is_object());
  EXPECT_EQ(sms.as_object().at("messages_in").as_int64(), 1);
  EXPECT_EQ(sms.as_object().at("contacts").as_int64(), 1);
  const auto whatsapp = TodayTotals("&channel=whatsapp");
  ASSERT_TRUE(whatsapp.is_object());
  EXPECT_EQ(whatsapp.as_object().at("messages_in").as_int64(), 0);
}

TEST_F(AnalyticsApiTest, ReportListsEveryDay) {
  const auto response =
      Get("/api/v1/analytics/report?from=2026-03-07&to=2026-03-09&period=day", supervisor_);
  ASSERT_EQ(response.status, 200) << response.body;
  const auto body = ParseJson(response.body).as_object();
  EXPECT_EQ(body.at("time_zone").as_string(), "America/Los_Angeles");
  const auto& periods = body.at("periods").as_array();
  ASSERT_EQ(periods.size(), 3u);
  EXPECT_EQ(periods[1].as_object().at("label").as_string(), "2026-03-08");
  EXPECT_EQ(body.at("targets").as_object().at("containment").as_double(), 0.65);
}

TEST_F(AnalyticsApiTest, InvalidParametersNamed) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"from=2026-13-01", "from"},
      {"to=yesterday", "to"},
      {"from=2026-03-09&to=2026-03-01", "from"},
      {"period=week", "period"},
      {"priority=urgent", "priority"},
      {"agent=alice", "agent"},
      {"from=2026-01-01&to=2026-03-01&period=hour", "from"},
      {"agent_id=1", "agent_id"},
      {"channel=telegram", "channel"},
      {"period=day&period=total", "period"},
  };
  for (const auto& [query, field] : cases) {
    const auto response = Get("/api/v1/analytics/report?" + query, supervisor_);
    EXPECT_EQ(response.status, 400) << query;
    const auto body = ParseJson(response.body);
    ASSERT_TRUE(body.is_object()) << query;
    EXPECT_EQ(body.as_object().at("error").as_object().at("field").as_string(), field) << query;
  }
}

TEST_F(AnalyticsApiTest, CsvExportFollowsRfc4180) {
  ASSERT_EQ(PostSms("SMkpi3", "hello").status, 200);
  ASSERT_TRUE(WaitUntil([&] { return TodayMessagesIn() == 1; }));
  const auto response = Get("/api/v1/analytics/report.csv?period=total", supervisor_);
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.headers.Get("Content-Type"), "text/csv; charset=utf-8; header=present");
  const std::string& csv = response.body;
  EXPECT_EQ(csv.rfind("period,start_ms,messages_in,messages_out,contacts,resolved,", 0), 0u);
  // Every line ends in CRLF: a header and the total, which is the one period of period=total.
  std::size_t lines = 0;
  for (std::size_t at = csv.find("\r\n"); at != std::string::npos; at = csv.find("\r\n", at + 2)) {
    ++lines;
  }
  EXPECT_EQ(lines, 2u);
  EXPECT_EQ(csv.find('\n'), csv.find("\r\n") + 1);
  EXPECT_NE(csv.find("\r\ntotal,"), std::string::npos);
}

TEST_F(AnalyticsApiTest, ReportsKnowledgeFreshness) {
  // The config's one article was imported at start, so it is fresh.
  const auto response = Get("/api/v1/analytics/report?period=total", supervisor_);
  ASSERT_EQ(response.status, 200) << response.body;
  const auto knowledge = ParseJson(response.body).as_object().at("knowledge").as_object();
  EXPECT_EQ(knowledge.at("articles").as_int64(), 1);
  EXPECT_EQ(knowledge.at("fresh").as_int64(), 1);
  EXPECT_EQ(knowledge.at("freshness").as_double(), 1.0);

  const auto csv = Get("/api/v1/analytics/report.csv?period=total", supervisor_).body;
  const std::string header = csv.substr(0, csv.find("\r\n"));
  EXPECT_EQ(header.substr(header.rfind(',') + 1), "knowledge_freshness");
  const std::size_t total = csv.find("\r\ntotal,");
  ASSERT_NE(total, std::string::npos);
  const std::string total_row = csv.substr(total + 2, csv.size() - total - 4);
  EXPECT_EQ(total_row.substr(total_row.rfind(',') + 1), "1");

  EXPECT_TRUE(WaitUntil([&] {
    return Request("GET", "/metrics").body.find("mobilelink_kpi_knowledge_freshness_ratio 1\n") !=
           std::string::npos;
  }));
}

TEST_F(AnalyticsApiTest, ResolvedHandoffRaisesSignedAlert) {
  ASSERT_EQ(PostSms("SMkpi4", "I want to talk to a person").status, 200);
  // Resolving the handed-off conversation makes containment 0 of 1, below 65%.
  std::int64_t conversation = 0;
  ASSERT_TRUE(WaitUntil([&] {
    const auto body = ParseJson(Get("/api/v1/conversations?view=queue", supervisor_).body);
    if (!body.is_object() || body.as_object().at("conversations").as_array().empty()) {
      return false;
    }
    conversation =
        body.as_object().at("conversations").as_array()[0].as_object().at("id").as_int64();
    return true;
  }));
  http::Headers headers;
  headers.Set("Authorization", "Bearer " + supervisor_);
  ASSERT_EQ(Request("POST", "/api/v1/conversations/" + std::to_string(conversation) + "/resolve",
                    {}, headers)
                .status,
            200);

  std::optional<http::HttpRequest> containment;
  ASSERT_TRUE(WaitUntil([&] {
    for (const auto& alert : Alerts()) {
      if (alert.body.find("\"rule\":\"containment\"") != std::string::npos) {
        containment = alert;
        return true;
      }
    }
    return false;
  }));
  EXPECT_EQ(containment->headers.Get("X-Mobilelink-Event"), "alert.raised");
  EXPECT_EQ(containment->headers.Get("X-Mobilelink-Signature"),
            analytics::SignAlertBody(kAlertSecret, containment->body));
  const auto body = ParseJson(containment->body).as_object();
  EXPECT_EQ(body.at("value").as_double(), 0.0);
  EXPECT_EQ(body.at("samples").as_int64(), 1);
}

TEST_F(AnalyticsApiTest, DashboardServedWithoutInlineScripts) {
  const auto page = Request("GET", "/dashboard");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<script src=\"/dashboard/dashboard.js\""), std::string::npos);
  EXPECT_NE(page.headers.Get("Content-Security-Policy")->find("script-src 'self'"),
            std::string::npos);
  EXPECT_EQ(page.headers.Get("Referrer-Policy").value_or(""), "no-referrer");
  EXPECT_FALSE(page.headers.Get("Permissions-Policy").value_or("").empty());
  EXPECT_EQ(page.headers.Get("X-Frame-Options").value_or(""), "DENY");
  EXPECT_EQ(Request("GET", "/dashboard/dashboard.js").status, 200);
  EXPECT_EQ(Request("GET", "/dashboard/..%2Fconfig.yaml").status, 404);
}

}  // namespace
}  // namespace mobilelink::integration
