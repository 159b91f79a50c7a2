#include "mobilelink/bot/flow_engine.hpp"

#include <gtest/gtest.h>

#include "mobilelink/bot/flow_testing.hpp"
#include "mobilelink/events/event_types.hpp"
#include "mobilelink/security/audit.hpp"

namespace mobilelink::bot {
namespace {

using testing::FlowHarness;

constexpr char kDana[] = "+12025550123";  // C-1001 in data/demo: gold, card active.
constexpr char kLee[] = "+12025550124";   // C-1002: card frozen.
constexpr char kCodePrompt[] =
    "I sent a 6-digit code by SMS to the phone number on your account. Please send it here.";

class DemoFlows : public FlowHarness {
 protected:
  void SetUp() override {
    Open();
    ImportDemoCustomers();
  }

  std::optional<customers::CustomerProfile> Customer(const std::string& id) {
    std::optional<customers::CustomerProfile> profile;
    store_->Read([&](core::Repository& repository) {
      profile = customers::OpenCustomerRepository(repository)->FindByExternalId(id);
    });
    return profile;
  }
};

TEST_F(DemoFlows, OrderStatusOverSmsUsesSenderPhone) {
  const auto start = Receive("where is my order");
  const auto asked = Replies(start);
  ASSERT_EQ(asked.size(), 2u);
  EXPECT_EQ(asked[0].rfind("Your verification code is ******.", 0), 0u);
  EXPECT_EQ(asked[1], kCodePrompt);
  const auto outcome = Receive(CodeIn(start));
  const auto replies = Replies(outcome);
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0], "Your order A-5521 (Wireless earbuds) is shipped, last updated 2026-11-28.");
  EXPECT_EQ(replies[1], "Anything else I can help with?");
  EXPECT_FALSE(State(outcome.conversation_id).has_value());
  ASSERT_EQ(EventData(events::kFlowStarted).size(), 1u);
  EXPECT_NE(EventData(events::kFlowStarted)[0].find("\"flow\":\"order_status\""), std::string::npos);
  ASSERT_EQ(EventData(events::kFlowCompleted).size(), 1u);
  EXPECT_NE(EventData(events::kFlowCompleted)[0].find("\"outcome\":\"end\""), std::string::npos);
  const auto steps = EventData(events::kFlowStep);
  ASSERT_EQ(steps.size(), 7u);
  EXPECT_NE(steps[0].find("\"step\":\"phone\",\"outcome\":\"prefilled\""), std::string::npos);
  EXPECT_NE(steps[2].find("\"step\":\"verify\",\"outcome\":\"code_sent\""), std::string::npos);
  EXPECT_NE(steps[3].find("\"step\":\"verify\",\"outcome\":\"verified\""), std::string::npos);
  EXPECT_EQ(Conversation(outcome.conversation_id).tier, 0);
}

TEST_F(DemoFlows, WebchatAsksPhoneAndValidates) {
  const auto first = Receive("where is my order", "chat", "visitor-1");
  ASSERT_EQ(Replies(first).size(), 1u);
  EXPECT_EQ(Replies(first)[0], "What is the mobile number on your account?");

  const auto invalid = Receive("my number is secret", "chat", "visitor-1");
  ASSERT_EQ(Replies(invalid).size(), 1u);
  EXPECT_EQ(Replies(invalid)[0],
            "Please send the number with its country code, such as +1 202 555 0123.");
  EXPECT_EQ(State(first.conversation_id)->retries, 1);
  EXPECT_EQ(Conversation(first.conversation_id).bot_unresolved_count, 1);

  // A typed number shows no order data until the passcode sent to that number comes back.
  const auto answered = Receive("+1 (202) 555-0124", "chat", "visitor-1");
  const auto asked = Replies(answered);
  ASSERT_EQ(asked.size(), 2u);
  EXPECT_EQ(asked[1], kCodePrompt);
  EXPECT_EQ(Conversation(first.conversation_id).bot_unresolved_count, 0);
  const auto replies = Replies(Receive(CodeIn(answered), "chat", "visitor-1"));
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0], "Your order A-5530 (Tablet 11 inch) is processing, last updated 2026-12-01.");
}

TEST_F(DemoFlows, RetriesExhaustedHandsOffWithSummary) {
  const auto start = Receive("where is my order", "chat", "visitor-2");
  Receive("no", "chat", "visitor-2");
  Receive("still no", "chat", "visitor-2");
  const auto last = Receive("never", "chat", "visitor-2");
  EXPECT_TRUE(last.handed_off);
  const auto conversation = Conversation(start.conversation_id);
  EXPECT_EQ(conversation.tier, 1);
  EXPECT_NE(conversation.handoff_summary.find("Reason: retries_exhausted"), std::string::npos);
  EXPECT_NE(conversation.handoff_summary.find("Flow: order_status at step phone."),
            std::string::npos);
  ASSERT_EQ(EventData(events::kFlowAbandoned).size(), 1u);
  EXPECT_NE(EventData(events::kFlowAbandoned)[0].find("retries_exhausted"), std::string::npos);
  EXPECT_FALSE(State(start.conversation_id).has_value());
  // Handed off: the bot and the flow stay silent.
  EXPECT_TRUE(Replies(Receive("where is my order", "chat", "visitor-2")).empty());
}

TEST_F(DemoFlows, BalanceAndLastPayment) {
  const auto start = Receive("what is my balance", "sms", kLee);
  const auto asked = Replies(start);
  ASSERT_EQ(asked.size(), 2u);
  EXPECT_EQ(asked[1], kCodePrompt);
  const auto replies = Replies(Receive(CodeIn(start), "sms", kLee));
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0], "Your balance is -52.10 USD. Your last payment of 60.00 USD on 2026-11-29 "
                        "is failed.");
}

TEST_F(DemoFlows, ChangeAddressConfirmsUpdatesAndRecords) {
  const auto start = Receive("I need to change my address");
  const auto sent = Replies(start);
  ASSERT_EQ(sent.size(), 2u);
  // The stored copy of the passcode SMS has the code masked; the outbox sends it in clear.
  EXPECT_EQ(sent[0].rfind("Your verification code is ******.", 0), 0u);
  const std::string code = CodeIn(start);
  EXPECT_EQ(sent[0].find(code), std::string::npos);
  EXPECT_EQ(sent[1], "I sent a 6-digit code by SMS to the phone number on your account. Please "
                     "send it here.");
  const auto asked = Replies(Receive(code));
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0], "What is your new address? Please write it on one line.");
  const auto confirm = Replies(Receive("77 New Street, Chicago, IL 60601"));
  ASSERT_EQ(confirm.size(), 1u);
  // SMS has no buttons, so the options are numbered lines.
  EXPECT_EQ(confirm[0], "Should I replace the address on your account with the one you just "
                        "sent?\n1. Yes\n2. No");
  const auto done = Replies(Receive("1"));
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0], "Done: your address is updated. We will send a note to your email address too.");
  EXPECT_EQ(Customer("C-1001")->address, "77 New Street, Chicago, IL 60601");
  const auto updates = EventData(events::kCustomerUpdated);
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0].find("New Street"), std::string::npos);
  EXPECT_NE(updates[0].find("\"field\":\"address\""), std::string::npos);
  EXPECT_NE(updates[0].find("\"new_value\":\"****************************0601\""),
            std::string::npos);
  std::vector<security::AuditRecord> audit;
  store_->Read([&](core::Repository& repository) {
    audit = security::OpenAuditRepository(repository)->ListForConversation(start.conversation_id, 10);
  });
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "profile.updated");
  EXPECT_EQ(audit[0].channel, "twilio_sms");
  EXPECT_EQ(audit[0].new_value.find("New Street"), std::string::npos);
  EXPECT_EQ(EventData(events::kAuthConfirmed).size(), 1u);
}

TEST_F(DemoFlows, WrongCodeReprompts) {
  const auto start = Receive("change my address");
  const std::string code = CodeIn(start);
  const std::string wrong = code == "000000" ? "111111" : "000000";
  const auto reprompt = Replies(Receive(wrong));
  ASSERT_EQ(reprompt.size(), 1u);
  EXPECT_EQ(reprompt[0], "That code is not right. Please send the 6 digits from the SMS again.");
  const auto asked = Replies(Receive(code));
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0], "What is your new address? Please write it on one line.");
}

TEST_F(DemoFlows, WebchatCodeGoesToAccountPhone) {
  Receive("freeze my card", "chat", "visitor-3");
  const auto sent = Receive("+12025550123", "chat", "visitor-3");
  ASSERT_EQ(sent.queued.size(), 2u);
  EXPECT_EQ(sent.queued[0].inbox_id, "sms");
  EXPECT_EQ(sent.queued[1].inbox_id, "chat");
  bool code_to_account_phone = false;
  for (const auto& entry : DrainOutbox()) {
    if (entry.message_id == sent.queued[0].message_id) {
      code_to_account_phone = entry.recipient == kDana && entry.inbox_id == "sms";
    }
  }
  EXPECT_TRUE(code_to_account_phone);
}

TEST_F(DemoFlows, HandoffSummaryShowsAuthLevel) {
  const auto start = Receive("change my address");
  Receive(CodeIn(start));
  Receive("agent");
  const auto summary = Conversation(start.conversation_id).handoff_summary;
  EXPECT_NE(summary.find("Authentication: otp at "), std::string::npos) << summary;
}

TEST_F(DemoFlows, ChangeAddressDeclinedKeepsAddress) {
  Receive(CodeIn(Receive("change my address")));
  Receive("77 New Street, Chicago, IL 60601");
  const auto kept = Replies(Receive("no"));
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0], "OK, I kept your address as it was.");
  EXPECT_EQ(Customer("C-1001")->address, "12 Harbor Lane, Springfield, IL 62701");
  EXPECT_TRUE(EventData(events::kCustomerUpdated).empty());
}

TEST_F(DemoFlows, CardFreezeFreezesActiveCard) {
  Receive(CodeIn(Receive("freeze my card")));
  const auto done = Replies(Receive("yes"));
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(Customer("C-1001")->card_status, "frozen");
}

TEST_F(DemoFlows, CardFreezeBranchesOnFrozenCard) {
  const auto replies = Replies(Receive("I lost my card", "sms", kLee));
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0], "Your card is already frozen. You can unfreeze it in the app under Card.");
}

TEST_F(DemoFlows, UnknownNumberHandsOff) {
  const auto outcome = Receive("where is my order", "sms", "+12025550199");
  EXPECT_TRUE(outcome.handed_off);
  const auto replies = Replies(outcome);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0],
            "I could not find an account with that number, so I am passing you to our team.");
  EXPECT_NE(EventData(events::kFlowCompleted)[0].find("\"outcome\":\"handoff\""),
            std::string::npos);
}

TEST_F(DemoFlows, StopMidFlowEndsFlowWithoutFallback) {
  const auto start = Receive("change my address");
  ASSERT_TRUE(State(start.conversation_id).has_value());
  const auto stop = Receive("STOP");
  const auto replies = Replies(stop);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0], config_.compliance.opt_out_confirmation);
  EXPECT_FALSE(State(start.conversation_id).has_value());
  ASSERT_EQ(EventData(events::kFlowAbandoned).size(), 1u);
  EXPECT_NE(EventData(events::kFlowAbandoned)[0].find("\"reason\":\"opt_out\""), std::string::npos);
}

TEST_F(DemoFlows, AgentRequestMidFlowHandsOffAtOnce) {
  const auto start = Receive("change my address");
  const auto handoff = Receive("agent please");
  EXPECT_TRUE(handoff.handed_off);
  const auto conversation = Conversation(start.conversation_id);
  EXPECT_NE(conversation.handoff_summary.find("Reason: customer_request"), std::string::npos);
  // The phone number is sensitive, so the summary masks it.
  EXPECT_NE(conversation.handoff_summary.find("phone=********0123"), std::string::npos);
  EXPECT_EQ(conversation.handoff_summary.find(kDana), std::string::npos);
  EXPECT_NE(EventData(events::kFlowAbandoned)[0].find("customer_request"), std::string::npos);
}

TEST_F(DemoFlows, RefundCallWaitsThenSendsLink) {
  Receive(CodeIn(Receive("I want a refund")));
  const auto confirmed = Receive("yes");
  EXPECT_TRUE(confirmed.flow_waiting);
  EXPECT_TRUE(Replies(confirmed).empty());
  auto state = State(confirmed.conversation_id);
  ASSERT_TRUE(state.has_value());
  EXPECT_TRUE(state->waiting);

  const auto call = engine_->PrepareCall(*state);
  ASSERT_TRUE(call.has_value());
  EXPECT_EQ(call->request.url, "http://127.0.0.1:8095/refunds");
  EXPECT_EQ(call->request.body, R"({"customer_id": "C-1001", "order_id": "A-5521", "amount": )"
                                R"("89.90", "currency": "USD"})");
  EXPECT_EQ(call->request.headers.Get("Idempotency-Key").value_or(""),
            "flow-" + std::to_string(confirmed.conversation_id) + "-1");

  http::ClientResponse response;
  response.status = 201;
  response.body = R"({"id":"R-9","payment_page_url":"https://pay.example.com/r/9"})";
  core::InboundOutcome resumed;
  Write([&](core::Repository& repository) {
    resumed = service_->ResumeFlow(repository, *call, CallResult{http::ClientResult(response), {}});
  });
  const auto replies = Replies(resumed);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0], "Refund R-9 is open. Confirm where the money goes on this secure page: "
                        "https://pay.example.com/r/9 We never ask for card numbers in messages.");
  EXPECT_FALSE(State(confirmed.conversation_id).has_value());

  // A second result for the same call changes nothing.
  core::InboundOutcome repeated;
  Write([&](core::Repository& repository) {
    repeated = service_->ResumeFlow(repository, *call, CallResult{http::ClientResult(response), {}});
  });
  EXPECT_TRUE(repeated.queued.empty());
}

TEST_F(DemoFlows, RefundCallTimeoutHandsOff) {
  Receive(CodeIn(Receive("refund my last order please")));
  const auto confirmed = Receive("yes");
  const auto call = engine_->PrepareCall(*State(confirmed.conversation_id));
  core::InboundOutcome resumed;
  Write([&](core::Repository& repository) {
    resumed = service_->ResumeFlow(
        repository, *call,
        CallResult{http::ClientResult(http::ClientError{http::ClientErrorKind::kTimeout, "t"}), {}});
  });
  EXPECT_TRUE(resumed.handed_off);
  EXPECT_EQ(Replies(resumed)[0],
            "I could not open the refund just now, so I am passing you to our team.");
  const auto steps = EventData(events::kFlowStep);
  EXPECT_NE(steps[steps.size() - 2].find("\"outcome\":\"timed_out\""), std::string::npos);
}

TEST_F(DemoFlows, RefundCallBadMappingFails) {
  Receive(CodeIn(Receive("refund my last order please")));
  const auto confirmed = Receive("yes");
  const auto call = engine_->PrepareCall(*State(confirmed.conversation_id));
  http::ClientResponse response;
  response.status = 200;
  response.body = R"({"refund_id":"R-9"})";
  core::InboundOutcome resumed;
  Write([&](core::Repository& repository) {
    resumed = service_->ResumeFlow(repository, *call, CallResult{http::ClientResult(response), {}});
  });
  EXPECT_TRUE(resumed.handed_off);
  bool bad_mapping = false;
  for (const auto& step : EventData(events::kFlowStep)) {
    bad_mapping = bad_mapping || step.find("\"outcome\":\"bad_mapping\"") != std::string::npos;
  }
  EXPECT_TRUE(bad_mapping);
}

TEST_F(DemoFlows, StateSurvivesRestart) {
  const auto start = Receive("change my address");
  Receive(CodeIn(start));
  Receive("77 New Street, Chicago, IL 60601");
  store_->Stop();
  store::SqliteOptions options;
  options.path = (dir_.Path() / "flows.db").string();
  store_ = store::OpenSqliteStore(options);
  MakeService();
  const auto done = Replies(Receive("yes"));
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0], "Done: your address is updated. We will send a note to your email address too.");
  EXPECT_FALSE(State(start.conversation_id).has_value());
}

TEST_F(DemoFlows, QuickRepliesOnWhatsappCarryOptions) {
  const auto code = CodeIn(Receive("freeze my card", "whatsapp"));
  const auto outcome = Receive(code, "whatsapp");
  ASSERT_EQ(outcome.queued.size(), 1u);
  std::vector<core::OutboxEntry> entries;
  for (const auto& entry : DrainOutbox()) {
    if (entry.message_id == outcome.queued[0].message_id) {
      entries.push_back(entry);
    }
  }
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].text,
            "Freeze your card now? Payments with it stop until you unfreeze it in the app.");
  ASSERT_EQ(entries[0].options.size(), 2u);
  EXPECT_EQ(entries[0].options[0].id, "yes");
  EXPECT_EQ(entries[0].options[1].title, "No");
  // A tapped button answers by its id.
  const auto done = Receive("Yes", "whatsapp", kDana, "yes");
  ASSERT_EQ(Replies(done).size(), 1u);
  EXPECT_EQ(Customer("C-1001")->card_status, "frozen");
}

TEST_F(DemoFlows, NoProgressCountsTowardHandoff) {
  Receive(CodeIn(Receive("change my address")));
  Receive("77 New Street, Chicago, IL 60601");
  Receive("hmm");
  Receive("what");
  const auto third = Receive("maybe");
  EXPECT_TRUE(third.handed_off);
}

}  // namespace
}  // namespace mobilelink::bot
