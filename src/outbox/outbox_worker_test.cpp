#include "mobilelink/outbox/outbox_worker.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "mobilelink/channels/registry.hpp"
#include "mobilelink/common/testing/temp_dir.hpp"
#include "mobilelink/tools/fake_provider.hpp"
#include "mobilelink/tools/tool_config.hpp"

namespace mobilelink::outbox {
namespace {

using core::DeliveryStatus;
using core::Repository;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr auto kWaitLimit = seconds(30);
constexpr char kAccountSid[] = "AC00000000000000000000000000000001";
constexpr char kAnswer[] = "We open at 8.";

// Polls `condition` every few milliseconds until it is true or kWaitLimit passes.
bool WaitUntil(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + kWaitLimit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) {
      return true;
    }
    std::this_thread::sleep_for(milliseconds(5));
  }
  return condition();
}

class OutboxWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tools::FakeProviderOptions provider_options;
    provider_options.loopback_callbacks_only = true;
    provider_ = std::make_unique<tools::FakeProvider>(provider_options, tools::ToolConfig{});
    provider_->Start();
    tools::FakeBehaviour behaviour;
    behaviour.callbacks = false;  // Status callbacks are the webhook layer's concern.
    provider_->SetBehaviour(behaviour);

    inbox_.id = "sms";
    inbox_.channel = "twilio_sms";
    inbox_.settings = {{"account_sid", kAccountSid},
                       {"auth_token", "test_auth_token"},
                       {"from", "+12025550145"},
                       {"api_base_url", provider_->BaseUrl()},
                       {"rate_per_second", "1000"}};

    store::SqliteOptions options;
    options.path = (dir_.Path() / "mobilelink.db").string();
    options.synchronous = "NORMAL";
    store_ = store::OpenSqliteStore(options);

    bot::BotConfig bot_config;
    bot_config.handoff_message = "Passing you to a person.";
    bot_config.fallback_message = "Sorry, I did not understand.";
    bot_config.rules = {{"opening_hours", {"opening hours"}, {}, kAnswer}};
    service_ = std::make_unique<core::ConversationService>(
        std::map<std::string, core::InboxProfile>{
            {"sms", {"sms", "twilio_sms", channels::FindAdapter("twilio_sms")->GetCapabilities()}},
            {"chat", {"chat", "webchat", channels::FindAdapter("webchat")->GetCapabilities()}}},
        std::make_shared<bot::TierZeroBot>(bot_config),
        core::ComplianceTexts{"Bye.", "Hi.", "Help."}, clock_);
  }

  void TearDown() override {
    if (worker_) {
      worker_->Stop(seconds(5));
    }
    store_->Stop();
    provider_->Stop();
  }

  void StartWorker(int max_attempts = 5, milliseconds send_timeout = seconds(10)) {
    WorkerOptions options;
    options.outbox.workers = 2;
    options.outbox.max_attempts = max_attempts;
    options.outbox.base_backoff = milliseconds(1);
    options.outbox.max_backoff = milliseconds(10);
    options.outbox.send_timeout = send_timeout;
    options.public_url = "http://127.0.0.1:9";
    options.client.loopback_only = true;
    options.idle_poll = milliseconds(10);
    const std::vector<channels::InboxConfig> inboxes{inbox_, {"chat", "webchat", {}}};
    worker_ = std::make_unique<OutboxWorker>(options, inboxes, *store_, *service_, clock_, push_);
    worker_->Start();
  }

  // Stores a question from `customer` that the bot answers, and returns the reply's message id.
  std::int64_t QueueAnswer(const std::string& customer = "+12025550100") {
    return QueueAnswerFrom("sms", {core::IdentityKind::kPhone, customer, "sms"});
  }

  std::int64_t QueueAnswerFrom(const std::string& inbox_id, const core::ContactIdentity& from) {
    core::InboundMessage inbound;
    inbound.inbox_id = inbox_id;
    inbound.provider_message_id = "SMin" + std::to_string(++inbound_counter_);
    inbound.from = from;
    inbound.text = "opening hours?";
    core::InboundOutcome outcome;
    const auto result = store_->WriteAndWait(
        [&](Repository& repository) { outcome = service_->ReceiveInbound(repository, inbound); });
    EXPECT_TRUE(result.ok) << result.error;
    EXPECT_EQ(outcome.queued.size(), 1u);
    return outcome.queued.empty() ? 0 : outcome.queued[0].message_id;
  }

  core::Message GetMessage(std::int64_t id) {
    std::optional<core::Message> message;
    store_->Read([&](Repository& repository) { message = repository.GetMessage(id); });
    return message.value_or(core::Message{});
  }

  std::int64_t CountOutbox(const std::string& state) {
    std::int64_t count = 0;
    store_->Read([&](Repository& repository) { count = repository.CountOutbox(state); });
    return count;
  }

  std::vector<tools::RecordedSend> AcceptedSends() {
    std::vector<tools::RecordedSend> accepted;
    for (auto& send : provider_->Messages()) {
      if (send.http_status == 201) {
        accepted.push_back(std::move(send));
      }
    }
    return accepted;
  }

  void FailNextSends(int count, int status, int code = 0) {
    tools::FakeBehaviour behaviour = provider_->Behaviour();
    behaviour.fail_next = count;
    behaviour.fail_status = status;
    behaviour.fail_code = code;
    provider_->SetBehaviour(behaviour);
  }

  mobilelink::testing::TempDir dir_;
  // The provider stamps sends with the system clock, and the lookup compares our claim time
  // with it, so the manual clock starts at the real time.
  core::ManualTimeSource clock_{std::chrono::floor<seconds>(core::Clock::now())};
  std::unique_ptr<tools::FakeProvider> provider_;
  channels::InboxConfig inbox_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<core::ConversationService> service_;
  PushDelivery push_;
  std::unique_ptr<OutboxWorker> worker_;
  int inbound_counter_ = 0;
};

TEST_F(OutboxWorkerTest, SendsQueuedMessageOnce) {
  const auto message_id = QueueAnswer();
  StartWorker();
  ASSERT_TRUE(WaitUntil([&] { return CountOutbox("done") == 1; }));

  const auto sends = provider_->Messages();
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_EQ(sends[0].http_status, 201);
  EXPECT_EQ(sends[0].to, "+12025550100");
  EXPECT_EQ(sends[0].from, "+12025550145");
  EXPECT_EQ(sends[0].text, kAnswer);
  const core::Message message = GetMessage(message_id);
  EXPECT_EQ(message.provider_message_id, sends[0].message_id);
  EXPECT_EQ(message.status, DeliveryStatus::kQueued);  // Twilio reports "queued" at first.
}

TEST_F(OutboxWorkerTest, NotifySendsMessageQueuedLater) {
  StartWorker();
  QueueAnswer();
  worker_->Notify();
  ASSERT_TRUE(WaitUntil([&] { return CountOutbox("done") == 1; }));
  EXPECT_EQ(AcceptedSends().size(), 1u);
}

TEST_F(OutboxWorkerTest, ServerErrorIsRetried) {
  FailNextSends(1, 500);
  const auto message_id = QueueAnswer();
  StartWorker();
  // The failed attempt puts the row back to pending, due after a backoff on the manual clock.
  ASSERT_TRUE(WaitUntil([&] { return provider_->Messages().size() == 1; }));
  ASSERT_TRUE(WaitUntil([&] { return CountOutbox("pending") == 1; }));
  EXPECT_EQ(CountOutbox("done"), 0);

  clock_.Advance(minutes(1));
  worker_->Notify();
  ASSERT_TRUE(WaitUntil([&] { return CountOutbox("done") == 1; }));
  const auto accepted = AcceptedSends();
  ASSERT_EQ(accepted.size(), 1u);
  EXPECT_EQ(provider_->Messages().size(), 2u);
  EXPECT_EQ(GetMessage(message_id).provider_message_id, accepted[0].message_id);
}

TEST_F(OutboxWorkerTest, RetriesStopAtMaxAttempts) {
  FailNextSends(10, 503);
  const auto message_id = QueueAnswer();
  StartWorker(2);
  ASSERT_TRUE(WaitUntil([&] { return provider_->Messages().size() == 1; }));
  ASSERT_TRUE(WaitUntil([&] { return CountOutbox("pending") == 1; }));
  clock_.Advance(minutes(1));
  worker_->Notify();
  ASSERT_TRUE(WaitUntil([&] { return CountOutbox("failed") == 1; }));
  EXPECT_EQ(provider_->Messages().size(), 2u);
  const core::Message message = GetMessage(message_id);
  EXPECT_EQ(message.status, DeliveryStatus::kFailed);
  EXPECT_EQ(message.error_code, "max_attempts");
}

TEST_F(OutboxWorkerTest, ThrottledRetryWaitsForRetryAfter) {
  tools::FakeBehaviour behaviour = provider_->Behaviour();
  behaviour.fail_next = 1;
  behaviour.fail_status = 429;
  behaviour.retry_after_s = 120;
  provider_->SetBehaviour(behaviour);
  QueueAnswer();
  const core::TimePoint start = clock_.Now();
  StartWorker();
  ASSERT_TRUE(WaitUntil([&] { return provider_->Messages().size() == 1; }));
  ASSERT_TRUE(WaitUntil([&] { return CountOutbox("pending") == 1; }));

  std::optional<core::TimePoint> next_due;
  store_->Read([&](Repository& repository) { next_due = repository.NextOutboxDue(); });
  ASSERT_TRUE(next_due.has_value());
  EXPECT_GE(*next_due, start + seconds(120));

  clock_.Advance(seconds(121));
  worker_->Notify();
  ASSERT_TRUE(WaitUntil([&] { return CountOutbox("done") == 1; }));
  EXPECT_EQ(AcceptedSends().size(), 1u);
}

TEST_F(OutboxWorkerTest, TimedOutSendIsLookedUpNotRepeated) {
  // The provider records the send but sends its response only after the worker timed out.
  tools::FakeBehaviour behaviour = provider_->Behaviour();
  behaviour.delay = seconds(5);
  provider_->SetBehaviour(behaviour);
  const auto message_id = QueueAnswer();
  StartWorker(5, milliseconds(500));

  ASSERT_TRUE(WaitUntil([&] { return CountOutbox("done") == 1; }));
  const auto sends = provider_->Messages();
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_EQ(GetMessage(message_id).provider_message_id, sends[0].message_id);
}

TEST_F(OutboxWorkerTest, ClientErrorFailsWithProviderError) {
  FailNextSends(1, 400, 21211);
  const auto message_id = QueueAnswer();
  StartWorker();
  ASSERT_TRUE(WaitUntil([&] { return CountOutbox("failed") == 1; }));

  EXPECT_EQ(provider_->Messages().size(), 1u);
  const core::Message message = GetMessage(message_id);
  EXPECT_EQ(message.status, DeliveryStatus::kFailed);
  EXPECT_EQ(message.error_code, "21211");
  EXPECT_NE(message.error_message.find("Injected failure from the fake provider"),
            std::string::npos)
      << message.error_message;
}

TEST_F(OutboxWorkerTest, RateLimitDefersRows) {
  inbox_.settings["rate_per_second"] = "1";
  QueueAnswer("+12025550100");
  QueueAnswer("+12025550101");
  QueueAnswer("+12025550102");
  const core::TimePoint start = clock_.Now();
  StartWorker();

  ASSERT_TRUE(WaitUntil([&] { return CountOutbox("done") == 1; }));
  ASSERT_TRUE(WaitUntil([&] { return CountOutbox("pending") == 2; }));
  std::optional<core::TimePoint> next_due;
  store_->Read([&](Repository& repository) { next_due = repository.NextOutboxDue(); });
  ASSERT_TRUE(next_due.has_value());
  EXPECT_GT(*next_due, start);
  EXPECT_EQ(AcceptedSends().size(), 1u);

  // One second refills one token, so exactly one more row goes out.
  clock_.Advance(milliseconds(1100));
  worker_->Notify();
  ASSERT_TRUE(WaitUntil([&] { return CountOutbox("done") == 2; }));
  EXPECT_EQ(CountOutbox("pending"), 1);

  clock_.Advance(milliseconds(1100));
  worker_->Notify();
  ASSERT_TRUE(WaitUntil([&] { return CountOutbox("done") == 3; }));
  EXPECT_EQ(AcceptedSends().size(), 3u);
}

TEST_F(OutboxWorkerTest, WebchatReplyIsPushed) {
  std::atomic<int> pushed{0};
  std::string pushed_to;
  push_ = [&](const core::OutboxEntry& entry) {
    pushed_to = entry.recipient;
    ++pushed;
    return true;
  };
  const auto message_id =
      QueueAnswerFrom("chat", {core::IdentityKind::kWebchat, "visitor-1", "chat"});
  StartWorker();
  ASSERT_TRUE(WaitUntil([&] { return CountOutbox("done") == 1; }));

  EXPECT_EQ(pushed.load(), 1);
  EXPECT_EQ(pushed_to, "visitor-1");
  EXPECT_TRUE(provider_->Messages().empty());
  const core::Message message = GetMessage(message_id);
  EXPECT_EQ(message.status, DeliveryStatus::kDelivered);
  EXPECT_EQ(message.provider_message_id, "webchat-" + std::to_string(message_id));
}

class OutboxRecoveryTest : public OutboxWorkerTest {
 protected:
  // Claims the queued row as a worker would and leaves it in `sending`, as a process that
  // stopped mid-send does.
  core::OutboxEntry ClaimAndAbandon() {
    std::vector<core::OutboxEntry> claimed;
    const auto result = store_->WriteAndWait(
        [&](Repository& repository) { claimed = repository.ClaimDueOutbox(clock_.Now(), 10); });
    EXPECT_TRUE(result.ok) << result.error;
    EXPECT_EQ(claimed.size(), 1u);
    return claimed.empty() ? core::OutboxEntry{} : claimed[0];
  }

  // Sends the row's message to the provider the way the worker would have before it stopped.
  void DeliverBehindOurBack(const core::OutboxEntry& entry) {
    const auto* adapter = channels::FindAdapter("twilio_sms");
    channels::OutboundMessage message;
    message.message_id = entry.message_id;
    message.to = entry.recipient;
    message.text = entry.text;
    auto request = adapter->BuildSend(inbox_, message);
    ASSERT_TRUE(request.has_value());
    auto client = http::MakeHttpClient(http::ClientOptions{.loopback_only = true});
    const auto result = client->Send(*request);
    const auto* response = std::get_if<http::ClientResponse>(&result);
    ASSERT_NE(response, nullptr);
    ASSERT_EQ(response->status, 201);
  }
};

TEST_F(OutboxRecoveryTest, AcceptedSendIsNotRepeated) {
  const auto message_id = QueueAnswer();
  const auto entry = ClaimAndAbandon();
  DeliverBehindOurBack(entry);
  // The restart comes well after the interrupted attempt.
  clock_.Advance(minutes(10));
  StartWorker();

  ASSERT_TRUE(WaitUntil([&] { return CountOutbox("done") == 1; }));
  const auto sends = provider_->Messages();
  ASSERT_EQ(sends.size(), 1u);
  const core::Message message = GetMessage(message_id);
  EXPECT_EQ(message.provider_message_id, sends[0].message_id);
  EXPECT_EQ(message.status, DeliveryStatus::kSent);
}

TEST_F(OutboxRecoveryTest, UnsentMessageIsSentAfterLookup) {
  const auto message_id = QueueAnswer();
  ClaimAndAbandon();
  StartWorker();

  ASSERT_TRUE(WaitUntil([&] { return CountOutbox("done") == 1; }));
  const auto sends = provider_->Messages();
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_EQ(sends[0].text, kAnswer);
  EXPECT_EQ(GetMessage(message_id).provider_message_id, sends[0].message_id);
}

TEST(OutboxUrls, StatusCallbackUsesWebhookPath) {
  channels::InboxConfig inbox{"sms", "twilio_sms", {}};
  EXPECT_EQ(StatusCallbackUrl("https://support.example.com", inbox),
            "https://support.example.com/webhooks/twilio/sms/status");
}

TEST(OutboxUrls, StatusCallbackPrefersInboxPublicUrl) {
  channels::InboxConfig inbox{"sms", "twilio_sms", {{"public_url", "https://edge.example.com/t"}}};
  EXPECT_EQ(StatusCallbackUrl("https://support.example.com", inbox),
            "https://edge.example.com/t/status");
}

TEST(OutboxUrls, NoStatusCallbackForWhatsApp) {
  channels::InboxConfig inbox{"wa", "whatsapp", {}};
  EXPECT_EQ(StatusCallbackUrl("https://support.example.com", inbox), "");
}

}  // namespace
}  // namespace mobilelink::outbox
