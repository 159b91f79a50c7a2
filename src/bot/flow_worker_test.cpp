#include "mobilelink/bot/flow_worker.hpp"

#include <thread>

#include <gtest/gtest.h>

#include "mobilelink/bot/flow_testing.hpp"
#include "mobilelink/events/event_types.hpp"
#include "mobilelink/http/server.hpp"

namespace mobilelink::bot {
namespace {

// Bounds every wait for the worker; passing tests return as soon as the flow moves on.
constexpr auto kWaitLimit = std::chrono::seconds(10);

class FlowWorkerTest : public testing::FlowHarness {
 protected:
  void SetUp() override {
    auto router = std::make_shared<http::Router>();
    router->Add("GET", "/customers/{phone}",
                [this](http::HttpRequest&& request, http::Responder respond) {
                  if (slow_) {
                    // Holds the response past the client's timeout.
                    std::this_thread::sleep_for(std::chrono::milliseconds(600));
                  }
                  if (request.path_params["phone"] != "+12025550177") {
                    respond(http::HttpResponse::Json(404, "{}"));
                    return;
                  }
                  respond(http::HttpResponse::Json(
                      200, R"({"id": "crm-7", "name": "Robin Park", "balance": 15.5})"));
                });
    crm_ = std::make_unique<http::Server>(http::ServerOptions{}, router);
    crm_->Start();
    Open(ConfigText());
  }

  void TearDown() override {
    if (worker_) {
      worker_->Stop();
    }
    crm_->Stop(std::chrono::milliseconds(500));
    FlowHarness::TearDown();
  }

  std::string ConfigText() const {
    return R"(compliance:
  opt_out_confirmation: "Unsubscribed."
  opt_in_confirmation: "Subscribed."
  help_reply: "Help."
bot:
  handoff_message: "Passing you to a person."
  fallback_message: "Sorry."
  rules:
    - name: balance
      phrases: ["my balance"]
inboxes:
  - id: sms
    channel: twilio_sms
    account_sid: AC00000000000000000000000000000001
    auth_token: test_token
    from: "+12025550145"
crm:
  base_url: http://127.0.0.1:)" +
           std::to_string(crm_->Port()) + R"(
  profile_path: /customers/{phone}
  timeout_ms: 300
  profile_fields: {customer_id: /id, name: /name, balance: /balance}
flows:
  - name: balance
    intents: [balance]
    steps:
      - lookup: crm
        key: "{{contact.phone}}"
        on_not_found: unknown
        on_error: failed
      - answer: "{{customer.name}}, your balance is {{customer.balance}}."
        next: done
      - id: unknown
        answer: "No account has this number."
        next: done
      - id: failed
        answer: "The account system is slow; please try again later."
      - id: done
        end: ""
)";
  }

  void StartWorker() {
    FlowWorkerOptions options;
    options.crm = config_.crm;
    options.client.loopback_only = true;
    options.poll_interval = std::chrono::milliseconds(20);
    worker_ = std::make_unique<FlowWorker>(options, *store_, *service_, nullptr);
    worker_->Start();
  }

  // Waits until the conversation's flow ends and returns the bot's texts.
  std::vector<std::string> TextsAfterFlow(std::int64_t conversation_id) {
    const auto deadline = std::chrono::steady_clock::now() + kWaitLimit;
    while (State(conversation_id) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::vector<std::string> texts;
    store_->Read([&](core::Repository& repository) {
      for (const auto& message : repository.ListMessages(conversation_id, 0, 100)) {
        if (message.direction == core::Direction::kOutbound) {
          texts.push_back(message.text);
        }
      }
    });
    return texts;
  }

  std::unique_ptr<http::Server> crm_;
  std::unique_ptr<FlowWorker> worker_;
  std::atomic<bool> slow_{false};
};

TEST_F(FlowWorkerTest, CrmLookupContinuesFlow) {
  const auto outcome = Receive("what is my balance", "sms", "+12025550177");
  EXPECT_TRUE(outcome.flow_waiting);
  EXPECT_TRUE(Replies(outcome).empty());
  StartWorker();
  const auto texts = TextsAfterFlow(outcome.conversation_id);
  ASSERT_EQ(texts.size(), 1u);
  EXPECT_EQ(texts[0], "Robin Park, your balance is 15.50.");
  // The CRM's profile is stored and linked, for the agent API.
  std::optional<customers::CustomerProfile> stored;
  store_->Read([&](core::Repository& repository) {
    stored = customers::OpenCustomerRepository(repository)->FindForContact(outcome.contact_id);
  });
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->external_id, "crm-7");
}

TEST_F(FlowWorkerTest, CrmNotFoundBranches) {
  StartWorker();
  const auto outcome = Receive("my balance", "sms", "+12025550100");
  const auto texts = TextsAfterFlow(outcome.conversation_id);
  ASSERT_EQ(texts.size(), 1u);
  EXPECT_EQ(texts[0], "No account has this number.");
}

TEST_F(FlowWorkerTest, CrmTimeoutTakesErrorStep) {
  slow_ = true;
  StartWorker();
  const auto outcome = Receive("my balance", "sms", "+12025550177");
  const auto texts = TextsAfterFlow(outcome.conversation_id);
  ASSERT_EQ(texts.size(), 1u);
  EXPECT_EQ(texts[0], "The account system is slow; please try again later.");
  bool timed_out = false;
  for (const auto& step : EventData(events::kFlowStep)) {
    timed_out = timed_out || step.find("\"outcome\":\"timed_out\"") != std::string::npos;
  }
  EXPECT_TRUE(timed_out);
}

}  // namespace
}  // namespace mobilelink::bot
