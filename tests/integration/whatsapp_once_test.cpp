// WhatsApp sends whose outcome is unknown: each send carries biz_opaque_callback_data naming its
// outbox row, and a status webhook that echoes it marks the row done instead of a second send.
// The fake provider responds after outbox.send_timeout_ms and withholds status webhooks on
// request.
// The server runs on a manual clock, so the status wait ends only when a test advances it.

#include <algorithm>
#include <string>

#include "server_fixture.hpp"

namespace mobilelink::integration {
namespace {

constexpr char kWaId[] = "12025550123";
constexpr char kThanksAnswer[] = "You are welcome.";
constexpr auto kStatusWait = std::chrono::seconds(60);
constexpr auto kSlowResponse = std::chrono::milliseconds(1500);
constexpr char kGreetingRowState[] =
    "SELECT o.state FROM outbox o JOIN messages m ON m.id = o.message_id "
    "WHERE m.text = 'Hello! How can I help you today?' AND o.inbox_id = 'whatsapp'";
constexpr char kGreetingProviderId[] =
    "SELECT provider_message_id FROM messages WHERE direction = 'outbound' AND "
    "text = 'Hello! How can I help you today?' AND inbox_id = 'whatsapp'";

class WhatsAppOnce : public ServerFixture {
 protected:
  WhatsAppOnce() { use_manual_clock_ = true; }

  [[nodiscard]] std::string AdjustConfigYaml(std::string yaml) const override {
    const std::string timeout = "  send_timeout_ms: 5000\n";
    const auto at = yaml.find(timeout);
    if (at == std::string::npos) {
      ADD_FAILURE() << "the test config has no send_timeout_ms line";
      return yaml;
    }
    yaml.replace(at, timeout.size(),
                 "  send_timeout_ms: 300\n  whatsapp_status_wait_ms: " +
                     std::to_string(std::chrono::milliseconds(kStatusWait).count()) + "\n");
    return yaml;
  }

  // Makes the fake accept each send but respond after the send timeout, and hold its status
  // webhooks when `hold_statuses` is set.
  void SlowSends(bool hold_statuses) {
    tools::FakeBehaviour behaviour;
    behaviour.delay = kSlowResponse;
    behaviour.callbacks = !hold_statuses;
    fake_->SetBehaviour(behaviour);
  }

  http::ClientResponse PostText(const std::string& message_id, const std::string& text) const {
    return PostWhatsApp(WhatsAppTextNotification(message_id, kWaId, text));
  }

  bool WaitForGreetingState(const std::string& state) const {
    return WaitUntil([&] { return Store().Text(kGreetingRowState) == state; });
  }

  bool HasTwilioSend() const {
    const auto sends = fake_->Messages();
    return std::any_of(sends.begin(), sends.end(),
                       [](const tools::RecordedSend& send) { return send.provider == "twilio"; });
  }

  // Returns the value of the status wait resend counter for WhatsApp, 0 when absent.
  double StatusWaitResends() const {
    const std::string body = Request("GET", "/metrics").body;
    const std::string name =
        "mobilelink_outbox_status_wait_resends_total{channel=\"whatsapp\"} ";
    const auto at = body.find(name);
    return at == std::string::npos ? 0 : std::stod(body.substr(at + name.size()));
  }
};

TEST_F(WhatsAppOnce, SendCarriesCallbackData) {
  ASSERT_EQ(PostText("wamid.ONCE0001", "hello").status, 200);
  ASSERT_TRUE(WaitForSends(kGreetingAnswer));
  const auto sends = SendsWithText(kGreetingAnswer);
  ASSERT_EQ(sends.size(), 1u);
  const std::int64_t outbox_id = Store().Integer("SELECT id FROM outbox");
  EXPECT_EQ(sends[0].Field("biz_opaque_callback_data"),
            "mobilelink-outbox-" + std::to_string(outbox_id));
}

TEST_F(WhatsAppOnce, SlowSendDeliveredOnce) {
  SlowSends(false);
  ASSERT_EQ(PostText("wamid.ONCE0002", "hello").status, 200);
  ASSERT_TRUE(WaitForGreetingState("done")) << Store().Text(kGreetingRowState);
  fake_->SetBehaviour(tools::FakeBehaviour{});

  // After the wait has passed, a later reply goes out and the first is still sent once.
  manual_clock_.Advance(kStatusWait + std::chrono::seconds(1));
  ASSERT_EQ(PostText("wamid.ONCE0003", "thanks").status, 200);
  ASSERT_TRUE(WaitForSends(kThanksAnswer));
  ASSERT_TRUE(WaitForOutboxIdle());
  const auto sends = SendsWithText(kGreetingAnswer);
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_EQ(Store().Text(kGreetingRowState), "done");
  EXPECT_EQ(Store().Text(kGreetingProviderId), sends[0].message_id);
  EXPECT_TRUE(WaitUntil([&] {
    return Store().Text("SELECT status FROM messages WHERE provider_message_id = '" +
                        sends[0].message_id + "'") == "delivered";
  }));
}

TEST_F(WhatsAppOnce, LateStatusSettlesUnknownRow) {
  SlowSends(true);
  ASSERT_EQ(PostText("wamid.ONCE0004", "hello").status, 200);
  ASSERT_TRUE(WaitForGreetingState("unknown")) << Store().Text(kGreetingRowState);
  EXPECT_NE(Store().Text("SELECT last_error FROM outbox").find("waiting for a status webhook"),
            std::string::npos);
  ASSERT_EQ(SendsWithText(kGreetingAnswer).size(), 1u);

  EXPECT_EQ(fake_->ReleaseHeldCallbacks(), 1u);
  ASSERT_TRUE(WaitForGreetingState("done")) << Store().Text(kGreetingRowState);
  const auto sends = SendsWithText(kGreetingAnswer);
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_EQ(Store().Text(kGreetingProviderId), sends[0].message_id);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM orphan_statuses WHERE provider_message_id = '" +
                            sends[0].message_id + "'"),
            0);
}

TEST_F(WhatsAppOnce, NoStatusResendsOnceAfterWait) {
  SlowSends(true);
  const double resends_before = StatusWaitResends();
  ASSERT_EQ(PostText("wamid.ONCE0005", "hello").status, 200);
  ASSERT_TRUE(WaitForGreetingState("unknown")) << Store().Text(kGreetingRowState);
  fake_->SetBehaviour(tools::FakeBehaviour{});

  // Just before the wait ends the row still waits.
  manual_clock_.Advance(kStatusWait - std::chrono::seconds(1));
  ASSERT_EQ(PostSms("SM70000000000000000000000000000001", "+12025550177", "hello").status, 200);
  ASSERT_TRUE(WaitUntil([&] { return HasTwilioSend(); }));
  EXPECT_EQ(Store().Text(kGreetingRowState), "unknown");

  manual_clock_.Advance(std::chrono::seconds(2));
  ASSERT_TRUE(WaitForGreetingState("done")) << Store().Text(kGreetingRowState);
  std::vector<tools::RecordedSend> whatsapp_sends;
  for (const auto& send : SendsWithText(kGreetingAnswer)) {
    if (send.provider == "whatsapp") {
      whatsapp_sends.push_back(send);
    }
  }
  ASSERT_EQ(whatsapp_sends.size(), 2u);
  EXPECT_EQ(Store().Text(kGreetingProviderId), whatsapp_sends[1].message_id);
  EXPECT_EQ(StatusWaitResends() - resends_before, 1);
  // The statuses of the first send, released late, change nothing and send nothing.
  EXPECT_EQ(fake_->ReleaseHeldCallbacks(), 1u);
  ASSERT_TRUE(WaitForOutboxIdle());
  EXPECT_EQ(Store().Text(kGreetingRowState), "done");
}

TEST_F(WhatsAppOnce, RestartKeepsWaiting) {
  SlowSends(true);
  ASSERT_EQ(PostText("wamid.ONCE0008", "hello").status, 200);
  ASSERT_TRUE(WaitForGreetingState("unknown")) << Store().Text(kGreetingRowState);
  const std::int64_t due_at = Store().Integer("SELECT due_at FROM outbox");
  fake_->SetBehaviour(tools::FakeBehaviour{});

  // A graceful restart on the same port and store, with the clock moved to just before the end
  // of the wait.
  app_->Stop(std::chrono::milliseconds(2000));
  app_.reset();
  manual_clock_.Advance(kStatusWait - std::chrono::seconds(1));
  app::ApplicationOptions options;
  options.host = "127.0.0.1";
  const std::string port = public_url_.substr(public_url_.rfind(':') + 1);
  options.port = static_cast<std::uint16_t>(std::stoi(port));
  options.client.loopback_only = true;
  options.clock = &manual_clock_;
  app_ = std::make_unique<app::Application>(config::ParseConfig(config_yaml_, "itest"), options);
  app_->Start();

  ASSERT_EQ(PostSms("SM70000000000000000000000000000003", "+12025550179", "hello").status, 200);
  ASSERT_TRUE(WaitUntil([&] { return HasTwilioSend(); }));
  EXPECT_EQ(Store().Text(kGreetingRowState), "unknown");
  EXPECT_EQ(Store().Integer("SELECT due_at FROM outbox WHERE inbox_id = 'whatsapp'"), due_at);

  EXPECT_EQ(fake_->ReleaseHeldCallbacks(), 1u);
  ASSERT_TRUE(WaitForGreetingState("done")) << Store().Text(kGreetingRowState);
  std::size_t whatsapp_sends = 0;
  for (const auto& send : SendsWithText(kGreetingAnswer)) {
    whatsapp_sends += send.provider == "whatsapp" ? 1 : 0;
  }
  EXPECT_EQ(whatsapp_sends, 1u);
}

TEST_F(WhatsAppOnce, LaterReplyWaitsBehindUnknown) {
  SlowSends(true);
  ASSERT_EQ(PostText("wamid.ONCE0006", "hello").status, 200);
  ASSERT_TRUE(WaitForGreetingState("unknown")) << Store().Text(kGreetingRowState);
  fake_->SetBehaviour(tools::FakeBehaviour{});
  ASSERT_EQ(PostText("wamid.ONCE0007", "thanks").status, 200);

  // A reply of another conversation goes out meanwhile, so the dispatcher has run.
  ASSERT_EQ(PostSms("SM70000000000000000000000000000002", "+12025550178", "hello").status, 200);
  ASSERT_TRUE(WaitUntil([&] { return HasTwilioSend(); }));
  EXPECT_EQ(SendsWithText(kThanksAnswer).size(), 0u);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM outbox WHERE state = 'pending'"), 1);

  EXPECT_EQ(fake_->ReleaseHeldCallbacks(), 1u);
  ASSERT_TRUE(WaitForSends(kThanksAnswer));
  ASSERT_TRUE(WaitForOutboxIdle());
  EXPECT_EQ(SendsWithText(kThanksAnswer).size(), 1u);
  std::vector<tools::RecordedSend> greetings;
  for (const auto& send : SendsWithText(kGreetingAnswer)) {
    if (send.provider == "whatsapp") {
      greetings.push_back(send);
    }
  }
  ASSERT_EQ(greetings.size(), 1u);
  EXPECT_LT(greetings[0].seq, SendsWithText(kThanksAnswer)[0].seq);
}

}  // namespace
}  // namespace mobilelink::integration
