// Sensitive confirmations in the demo's in-app chat inbox (`app`): the confirmation policy
// asks for a passcode and an app token, and the change waits until both are verified.

#include <gtest/gtest.h>

#include "mobilelink/bot/flow_testing.hpp"
#include "mobilelink/bot/flow_worker.hpp"
#include "mobilelink/events/event_types.hpp"
#include "mobilelink/security/app_token.hpp"
#include "mobilelink/security/audit.hpp"

namespace mobilelink::bot {
namespace {

using testing::FlowHarness;

constexpr char kVisitor[] = "app-user-7";
constexpr char kAppPrompt[] = "Please confirm it is you in the app to continue.";
constexpr char kFrozen[] =
    "Your card is frozen. If it was stolen, an agent can order a new one: just type agent.";

class InAppConfirmation : public FlowHarness {
 protected:
  void SetUp() override {
    Open();
    ImportDemoCustomers();
  }

  std::string CardStatus() {
    std::string status;
    store_->Read([&](core::Repository& repository) {
      status = customers::OpenCustomerRepository(repository)->FindByExternalId("C-1001")->card_status;
    });
    return status;
  }

  std::size_t AuditRows(std::int64_t conversation_id) {
    std::size_t rows = 0;
    store_->Read([&](core::Repository& repository) {
      rows = security::OpenAuditRepository(repository)->ListForConversation(conversation_id, 10).size();
    });
    return rows;
  }

  // Presents an app token for `subject` as POST /auth/app-token does: the check and the flow's
  // resumption in one unit of work.
  core::InboundOutcome PresentAppToken(std::int64_t conversation_id, const std::string& subject) {
    const security::AppTokenVerifier verifier(*config_.auth.app_token);
    const std::string token = verifier.SignJwt(subject, clock_.Now() + std::chrono::minutes(5));
    core::InboundOutcome outcome;
    Write([&](core::Repository& repository) {
      const auto result = security::VerifyAppTokenForConversation(repository, verifier,
                                                                   conversation_id, token,
                                                                   clock_.Now());
      outcome = ResumeAwaitingFlow(*service_, repository, conversation_id,
                                   security::AuthMethod::kApp, result.ok());
    });
    return outcome;
  }

  // Runs the card freeze flow in the app inbox up to the confirmation and answers yes.
  core::InboundOutcome ConfirmFreeze() {
    Receive("freeze my card", "app", kVisitor);
    const auto asked = Receive("+12025550123", "app", kVisitor);
    Receive(CodeIn(asked), "app", kVisitor);
    return Receive("yes", "app", kVisitor);
  }
};

TEST_F(InAppConfirmation, OtpAloneDoesNotApplyChange) {
  const auto confirmed = ConfirmFreeze();
  const auto replies = Replies(confirmed);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0], kAppPrompt);
  EXPECT_EQ(CardStatus(), "active");
  EXPECT_EQ(AuditRows(confirmed.conversation_id), 0u);
  EXPECT_TRUE(EventData(events::kAuthConfirmed).empty());
  const auto state = State(confirmed.conversation_id);
  ASSERT_TRUE(state.has_value());
  EXPECT_EQ(state->step, "confirm");
  EXPECT_EQ(state->awaiting, "app");

  // A chat message is no app token: the flow reminds and waits.
  const auto reminded = Replies(Receive("I did it", "app", kVisitor));
  ASSERT_EQ(reminded.size(), 1u);
  EXPECT_EQ(reminded[0], kAppPrompt);
  EXPECT_EQ(CardStatus(), "active");
}

TEST_F(InAppConfirmation, AppTokenAppliesChangeWithOneAuditRow) {
  const auto confirmed = ConfirmFreeze();
  const auto resumed = PresentAppToken(confirmed.conversation_id, kVisitor);
  const auto replies = Replies(resumed);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0], kFrozen);
  EXPECT_EQ(CardStatus(), "frozen");
  EXPECT_EQ(AuditRows(confirmed.conversation_id), 1u);
  const auto confirmations = EventData(events::kAuthConfirmed);
  ASSERT_EQ(confirmations.size(), 1u);
  EXPECT_NE(confirmations[0].find("\"factors\":[\"otp\",\"app\"]"), std::string::npos)
      << confirmations[0];
  EXPECT_FALSE(State(confirmed.conversation_id).has_value());
}

TEST_F(InAppConfirmation, WrongSubjectCountsAsInvalid) {
  const auto confirmed = ConfirmFreeze();
  const auto rejected = PresentAppToken(confirmed.conversation_id, "someone-else");
  const auto replies = Replies(rejected);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0], kAppPrompt);
  EXPECT_EQ(CardStatus(), "active");
  EXPECT_EQ(AuditRows(confirmed.conversation_id), 0u);
  const auto state = State(confirmed.conversation_id);
  ASSERT_TRUE(state.has_value());
  EXPECT_EQ(state->retries, 1);
  EXPECT_EQ(state->awaiting, "app");
  ASSERT_EQ(EventData(events::kAuthFailed).size(), 1u);
  EXPECT_NE(EventData(events::kAuthFailed)[0].find("wrong_subject"), std::string::npos);
}

TEST_F(InAppConfirmation, WaitSurvivesRestart) {
  const auto confirmed = ConfirmFreeze();
  store_->Stop();
  store::SqliteOptions options;
  options.path = (dir_.Path() / "flows.db").string();
  store_ = store::OpenSqliteStore(options);
  MakeService();
  EXPECT_EQ(State(confirmed.conversation_id)->awaiting, "app");
  const auto replies = Replies(PresentAppToken(confirmed.conversation_id, kVisitor));
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0], kFrozen);
  EXPECT_EQ(CardStatus(), "frozen");
}

TEST_F(InAppConfirmation, WebchatInboxNeedsOtpOnly) {
  Receive("freeze my card", "chat", kVisitor);
  const auto asked = Receive("+12025550123", "chat", kVisitor);
  Receive(CodeIn(asked), "chat", kVisitor);
  const auto replies = Replies(Receive("yes", "chat", kVisitor));
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0], kFrozen);
  EXPECT_EQ(CardStatus(), "frozen");
}

}  // namespace
}  // namespace mobilelink::bot
