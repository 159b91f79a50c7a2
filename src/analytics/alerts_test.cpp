#include "mobilelink/analytics/alerts.hpp"

#include <mutex>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "mobilelink/analytics/alert_webhook.hpp"
#include "mobilelink/analytics/processor.hpp"
#include "mobilelink/analytics/testing/kpi_fixture.hpp"
#include "mobilelink/channels/common/hmac.hpp"
#include "mobilelink/common/testing/temp_dir.hpp"
#include "mobilelink/events/event_types.hpp"
#include "mobilelink/http/server.hpp"
#include "mobilelink/store/store.hpp"

namespace mobilelink::analytics {
namespace {

using testing::Utc;

constexpr char kSecret[] = "alert-signing-secret";

// A local webhook receiver that records each request and responds with the next status of a
// script (then 200).
class WebhookReceiver final {
 public:
  explicit WebhookReceiver(std::vector<int> statuses) : statuses_(std::move(statuses)) {
    auto router = std::make_shared<http::Router>();
    router->Add("POST", "/alerts", [this](http::HttpRequest&& request, http::Responder respond) {
      int status = 200;
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
        if (!statuses_.empty()) {
          status = statuses_.front();
          statuses_.erase(statuses_.begin());
        }
      }
      respond(http::HttpResponse::Text(status, "ok"));
    });
    server_ = std::make_unique<http::Server>(http::ServerOptions{}, router);
    server_->Start();
  }
  ~WebhookReceiver() { server_->Stop(std::chrono::milliseconds(500)); }

  [[nodiscard]] std::string Url() const {
    return "http://127.0.0.1:" + std::to_string(server_->Port()) + "/alerts";
  }
  [[nodiscard]] std::vector<http::HttpRequest> Requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<int> statuses_;
  std::vector<http::HttpRequest> requests_;
  std::unique_ptr<http::Server> server_;
};

class AlertsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqliteOptions options;
    options.path = (dir_.Path() / "alerts.db").string();
    options.synchronous = "NORMAL";
    store_ = store::OpenSqliteStore(options);
    settings_.time_zone = "America/Los_Angeles";
    settings_.alerts.min_samples = 1;
    settings_.alerts.webhook_url = receiver_.Url();
    settings_.alerts.webhook_secret = kSecret;
    settings_.alerts.base_backoff = std::chrono::milliseconds(1000);
    settings_.alerts.max_attempts = 3;
  }
  void TearDown() override { store_->Stop(); }

  // Appends an agent-handled conversation whose first response took `wait_seconds`, resolved
  // 300 s after its assignment, and folds it.
  void AddHandledConversation(std::int64_t id, std::int64_t start_ms, int wait_seconds) {
    auto event = [&](std::string_view type, std::int64_t at, std::string data,
                     std::optional<std::int64_t> agent = std::nullopt) {
      core::Event e;
      e.type = std::string(type);
      e.conversation_id = id;
      e.agent_id = agent;
      e.inbox_id = "sms";
      e.data_json = std::move(data);
      e.occurred_at = core::TimePoint(std::chrono::milliseconds(at));
      return e;
    };
    const std::vector<core::Event> events = {
        event(events::kConversationCreated, start_ms, R"({"channel":"twilio_sms"})"),
        event(events::kConversationHandedOff, start_ms, R"({"reason":"customer_request"})"),
        event(events::kConversationAssigned, start_ms, "{}", 7),
        event(events::kMessageQueued, start_ms + wait_seconds * 1000LL, R"({"sender":"agent"})", 7),
        event(events::kConversationResolved, start_ms + 300'000, "{}", 7),
    };
    ASSERT_TRUE(store_
                    ->WriteAndWait([&](core::Repository& unit) {
                      for (const auto& e : events) {
                        unit.AppendEvent(e);
                      }
                      processor_.ProcessBatch(unit, 1000);
                    })
                    .ok);
  }

  std::vector<AlertEvaluation> Check(std::int64_t now_ms) {
    std::vector<AlertEvaluation> changed;
    EXPECT_TRUE(store_
                    ->WriteAndWait([&](core::Repository& unit) {
                      changed = CheckAlerts(unit, settings_, zone_, now_ms);
                    })
                    .ok);
    return changed;
  }

  std::vector<core::Event> AlertEvents() {
    std::vector<core::Event> alerts;
    store_->Read([&](core::Repository& unit) {
      for (auto& event : unit.ListEvents(0, 10000)) {
        if (event.type == events::kAlertRaised || event.type == events::kAlertCleared) {
          alerts.push_back(std::move(event));
        }
      }
    });
    return alerts;
  }

  std::int64_t CountWebhooks(const std::string& state) {
    std::int64_t count = 0;
    store_->Read([&](core::Repository& unit) {
      count = OpenAnalyticsRepository(unit)->CountWebhooks(state);
    });
    return count;
  }

  mobilelink::testing::TempDir dir_;
  WebhookReceiver receiver_{{500}};
  AnalyticsSettings settings_;
  TimeZone zone_{"America/Los_Angeles"};
  CalendarTime working_time_;
  AnalyticsProcessor processor_{settings_, zone_, working_time_};
  std::unique_ptr<store::Store> store_;
};

TEST_F(AlertsTest, SlowFirstResponseRaisesOnce) {
  const std::int64_t start = Utc(2026, 3, 10, 17, 0, 0);
  AddHandledConversation(1, start, 120);
  const auto changed = Check(start + 3'600'000);
  // 120 s is above the 60 s target, and no resolution was contained (0 < 65%).
  std::vector<std::string> rules;
  for (const auto& rule : changed) {
    rules.push_back(rule.rule);
  }
  EXPECT_EQ(rules, (std::vector<std::string>{"first_response_p95", "containment", "sla_standard"}));
  EXPECT_EQ(AlertEvents().size(), 3u);
  // The same state again records nothing new.
  EXPECT_TRUE(Check(start + 3'700'000).empty());
  EXPECT_EQ(AlertEvents().size(), 3u);
}

TEST_F(AlertsTest, RecoveredRuleIsCleared) {
  const std::int64_t start = Utc(2026, 3, 10, 17, 0, 0);
  AddHandledConversation(1, start, 120);
  Check(start + 3'600'000);
  // After the 24-hour window has passed, fast replies bring the p95 back under 60 s.
  const std::int64_t later = start + 26 * 3'600'000LL;
  for (int i = 0; i < 3; ++i) {
    AddHandledConversation(10 + i, later + i * 1000, 20);
  }
  std::vector<std::string> cleared;
  for (const auto& rule : Check(later + 600'000)) {
    if (!rule.breached) {
      cleared.push_back(rule.rule);
    }
  }
  EXPECT_EQ(cleared, (std::vector<std::string>{"first_response_p95", "sla_standard"}));
  EXPECT_EQ(AlertEvents().back().type, events::kAlertCleared);
}

TEST_F(AlertsTest, HandleTimeBandChecked) {
  settings_.targets.handle_min_seconds = 400;
  const std::int64_t start = Utc(2026, 3, 10, 17, 0, 0);
  AddHandledConversation(1, start, 10);
  bool handle_breached = false;
  for (const auto& rule : Check(start + 3'600'000)) {
    if (rule.rule == "handle_time") {
      handle_breached = rule.breached;
      EXPECT_DOUBLE_EQ(rule.value, 300.0);
    }
  }
  EXPECT_TRUE(handle_breached);
}

TEST_F(AlertsTest, WebhookSignedAndRetried) {
  const std::int64_t start = Utc(2026, 3, 10, 17, 0, 0);
  AddHandledConversation(1, start, 120);
  settings_.targets.containment_ratio = 0;  // Only the response rules breach.
  settings_.sla.clear();
  settings_.sla["standard"] = {std::chrono::seconds(600), 0.95};
  Check(start + 3'600'000);
  ASSERT_EQ(CountWebhooks("pending"), 1);

  core::ManualTimeSource clock{core::TimePoint(std::chrono::milliseconds(start + 3'600'000))};
  AlertWebhookSender sender(settings_.alerts, *store_, clock,
                            http::MakeHttpClient(http::ClientOptions{.loopback_only = true}));
  EXPECT_EQ(sender.SendDue(), 1);  // The receiver responds 500 first.
  EXPECT_EQ(CountWebhooks("pending"), 1);
  EXPECT_EQ(sender.SendDue(), 0);  // Not due again until the backoff has passed.
  clock.Advance(std::chrono::milliseconds(1000));
  EXPECT_EQ(sender.SendDue(), 1);
  EXPECT_EQ(CountWebhooks("done"), 1);

  const auto requests = receiver_.Requests();
  ASSERT_EQ(requests.size(), 2u);
  const auto& request = requests[1];
  EXPECT_EQ(request.body, requests[0].body);
  EXPECT_EQ(request.headers.Get("X-Mobilelink-Event"), "alert.raised");
  const std::string expected =
      "sha256=" + channels::common::HexEncode(channels::common::HmacSha256(kSecret, request.body));
  EXPECT_EQ(request.headers.Get("X-Mobilelink-Signature"), expected);
  const auto body = boost::json::parse(request.body).as_object();
  EXPECT_EQ(body.at("rule").as_string(), "first_response_p95");
  EXPECT_EQ(body.at("target").as_double(), 60.0);
}

TEST_F(AlertsTest, WebhookFailsAfterMaxAttempts) {
  const std::int64_t start = Utc(2026, 3, 10, 17, 0, 0);
  settings_.alerts.webhook_url = "http://127.0.0.1:1/alerts";  // Nothing listens on port 1.
  AddHandledConversation(1, start, 120);
  Check(start + 3'600'000);
  const std::int64_t queued = CountWebhooks("pending");
  ASSERT_GT(queued, 0);
  core::ManualTimeSource clock{core::TimePoint(std::chrono::milliseconds(start + 3'600'000))};
  AlertWebhookSender sender(settings_.alerts, *store_, clock,
                            http::MakeHttpClient(http::ClientOptions{.loopback_only = true}));
  for (int attempt = 0; attempt < settings_.alerts.max_attempts; ++attempt) {
    EXPECT_EQ(sender.SendDue(), queued);
    clock.Advance(std::chrono::hours(1));
  }
  EXPECT_EQ(CountWebhooks("failed"), queued);
  EXPECT_EQ(CountWebhooks("pending"), 0);
}

}  // namespace
}  // namespace mobilelink::analytics
