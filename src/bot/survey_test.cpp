#include "mobilelink/bot/survey.hpp"

#include <thread>

#include <gtest/gtest.h>

#include "mobilelink/bot/survey_sweeper.hpp"
#include "mobilelink/channels/registry.hpp"
#include "mobilelink/core/clock.hpp"
#include "mobilelink/core/conversation_service.hpp"
#include "mobilelink/events/event_types.hpp"
#include "mobilelink/security/testing/conversation_store.hpp"

namespace mobilelink::bot {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr char kCustomer[] = "+12025550100";
const core::TimePoint kStart = core::TimePoint(seconds(1'800'000'000));

struct AnswerCase {
  std::string text;
  SurveyKind kind;
  std::optional<int> score;
};

TEST(SurveyAnswer, ParsesLeniently) {
  const std::vector<AnswerCase> cases = {
      {"5", SurveyKind::kCsat, 5},
      {" 4 ", SurveyKind::kCsat, 4},
      {"1.", SurveyKind::kCsat, 1},
      {"Five", SurveyKind::kCsat, 5},
      {"three!", SurveyKind::kCsat, 3},
      {"4/5", SurveyKind::kCsat, 4},
      {"4 / 5", SurveyKind::kCsat, 4},
      {"4 out of 5", SurveyKind::kCsat, 4},
      {"\xE2\xAD\x90\xE2\xAD\x90\xE2\xAD\x90\xE2\xAD\x90", SurveyKind::kCsat, 4},
      {"\xE2\xAD\x90\xEF\xB8\x8F \xE2\xAD\x90\xEF\xB8\x8F", SurveyKind::kCsat, 2},
      {"\xE2\x98\x85\xE2\x98\x85\xE2\x98\x85", SurveyKind::kCsat, 3},
      {"0", SurveyKind::kCsat, std::nullopt},
      {"6", SurveyKind::kCsat, std::nullopt},
      {"4/10", SurveyKind::kCsat, std::nullopt},
      {"zero", SurveyKind::kNps, 0},
      {"10", SurveyKind::kNps, 10},
      {"ten", SurveyKind::kNps, 10},
      {"8/10", SurveyKind::kNps, 8},
      {"11", SurveyKind::kNps, std::nullopt},
      {"\xE2\xAD\x90\xE2\xAD\x90", SurveyKind::kNps, std::nullopt},
      {"I have 2 cards", SurveyKind::kCsat, std::nullopt},
      {"5 more questions", SurveyKind::kCsat, std::nullopt},
      {"where is my order", SurveyKind::kCsat, std::nullopt},
      {"", SurveyKind::kCsat, std::nullopt},
      {"-3", SurveyKind::kNps, std::nullopt},
      {"\xE2\xAD\x90 great", SurveyKind::kCsat, std::nullopt},
  };
  for (const auto& item : cases) {
    EXPECT_EQ(ParseSurveyAnswer(item.text, item.kind), item.score)
        << "text '" << item.text << "' kind " << ToString(item.kind);
  }
}

SurveyOptions Options() {
  SurveyOptions options;
  options.csat_question = "How did we do? Reply 1 to 5.";
  options.nps_question = "How likely are you to recommend us? Reply 0 to 10.";
  options.nps_after_intents = {"refund_request"};
  options.thanks_message = "Thank you for your feedback.";
  options.expire_after = minutes(60);
  return options;
}

core::InboxProfile Profile(const std::string& id, const std::string& channel) {
  return {id, channel, channels::FindAdapter(channel)->GetCapabilities()};
}

// Returns for every message the refund intent at a confidence too low for the bot to serve it.
class WeakRefundDetector final : public IntentDetector {
 public:
  [[nodiscard]] IntentResult Detect(std::string_view) const override {
    return {"refund_request", 0.4};
  }
};

class SurveyFlowTest : public ::testing::Test {
 protected:
  SurveyFlowTest() : surveys_(Options()), clock_(kStart) {
    BotConfig bot;
    bot.handoff_message = "Passing you to a person.";
    bot.fallback_message = "Sorry, I did not understand.";
    bot.rules = {{"opening_hours", {"opening hours"}, {}, "We open at 8."},
                 {"refund_request", {"refund"}, {}, "Refunds take 5 days."}};
    service_ = std::make_unique<core::ConversationService>(
        std::map<std::string, core::InboxProfile>{{"sms", Profile("sms", "twilio_sms")},
                                                  {"whatsapp", Profile("whatsapp", "whatsapp")}},
        std::make_shared<TierZeroBot>(bot, std::make_shared<WeakRefundDetector>()),
        core::ComplianceTexts{"Unsubscribed.", "Subscribed again.", "Help."}, clock_);
    service_->UseSurveys(&surveys_);
    db_.Write([&](core::Repository& unit) {
      core::Agent agent{0, "alice", "Alice", "supervisor", "x", true};
      unit.UpsertAgent(agent);
      agent_id_ = agent.id;
    });
  }

  core::InboundOutcome Receive(const std::string& text, const std::string& inbox = "sms") {
    core::InboundMessage inbound;
    inbound.inbox_id = inbox;
    inbound.provider_message_id = "in-" + std::to_string(++message_counter_);
    inbound.from = {core::IdentityKind::kPhone, kCustomer, ""};
    inbound.text = text;
    core::InboundOutcome outcome;
    db_.Write([&](core::Repository& unit) { outcome = service_->ReceiveInbound(unit, inbound); });
    return outcome;
  }

  core::ActionOutcome Resolve(std::int64_t conversation_id) {
    core::ActionOutcome outcome;
    db_.Write([&](core::Repository& unit) {
      outcome = service_->Resolve(unit, conversation_id, agent_id_, true);
    });
    return outcome;
  }

  // Sets a resolved conversation back to open, as a reopen does.
  void Reopen(std::int64_t conversation_id) {
    db_.Write([&](core::Repository& unit) {
      auto conversation = unit.GetConversation(conversation_id);
      conversation->status = core::ConversationStatus::kOpen;
      conversation->resolved_at.reset();
      unit.UpdateConversation(*conversation);
    });
  }

  std::vector<core::Message> Messages(std::int64_t conversation_id) {
    std::vector<core::Message> messages;
    db_.Store().Read(
        [&](core::Repository& unit) { messages = unit.ListMessages(conversation_id, 0, 100); });
    return messages;
  }

  std::string LastEventData(std::string_view type) {
    std::string data;
    db_.Store().Read([&](core::Repository& unit) {
      for (const auto& event : unit.ListEvents(0, 10000)) {
        if (event.type == type) {
          data = event.data_json;
        }
      }
    });
    return data;
  }

  testing::ConversationStore db_;
  SurveyService surveys_;
  core::ManualTimeSource clock_;
  std::unique_ptr<core::ConversationService> service_;
  std::int64_t agent_id_ = 0;
  int message_counter_ = 0;
};

TEST_F(SurveyFlowTest, SendsCsatAfterResolve) {
  const auto conversation = Receive("hello there").conversation_id;
  const auto resolved = Resolve(conversation);
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(resolved.queued.size(), 1u);
  EXPECT_EQ(db_.CountEvents(events::kSurveySent), 1);
  EXPECT_NE(LastEventData(events::kSurveySent).find("\"csat\""), std::string::npos);
  EXPECT_EQ(Messages(conversation).back().text, "How did we do? Reply 1 to 5.");
}

TEST_F(SurveyFlowTest, OnePerConversationAcrossReopen) {
  const auto conversation = Receive("hello there").conversation_id;
  Resolve(conversation);
  Reopen(conversation);
  const auto again = Resolve(conversation);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again.queued.empty());
  EXPECT_EQ(db_.CountEvents(events::kSurveySent), 1);
}

TEST_F(SurveyFlowTest, AnswerRecordedInSurveyedConversation) {
  const auto conversation = Receive("hello there").conversation_id;
  Resolve(conversation);
  clock_.Advance(minutes(5));
  const auto answer = Receive("\xE2\xAD\x90\xE2\xAD\x90\xE2\xAD\x90\xE2\xAD\x90");
  EXPECT_EQ(answer.conversation_id, conversation);
  EXPECT_EQ(db_.CountEvents(events::kSurveyAnswered), 1);
  EXPECT_NE(LastEventData(events::kSurveyAnswered).find("\"score\":4"), std::string::npos);
  EXPECT_EQ(db_.CountEvents(events::kConversationCreated), 1);
  EXPECT_EQ(db_.CountEvents(events::kBotAnswered) + db_.CountEvents(events::kBotMissed), 1);
  EXPECT_EQ(Messages(conversation).back().text, "Thank you for your feedback.");
}

TEST(SurveyFollowUp, ReadsNumbersAndThanks) {
  const std::vector<std::pair<std::string, bool>> cases = {
      {"5", true},
      {" 4. ", true},
      {"10", true},
      {"99", true},
      {"five", true},
      {"4/5", true},
      {"\xE2\xAD\x90\xE2\xAD\x90\xE2\xAD\x90", true},
      {"Thanks!", true},
      {"thank you", true},
      {"OK", true},
      {"bye.", true},
      {"\xF0\x9F\x91\x8D", true},
      {"5521", false},
      {"thanks, but my card is still blocked", false},
      {"where is my order", false},
      {"help", false},
      {"", false},
      {"ok but", false},
  };
  for (const auto& [text, expected] : cases) {
    EXPECT_EQ(IsSurveyFollowUp(text), expected) << "text '" << text << "'";
  }
}

TEST_F(SurveyFlowTest, FollowUpStaysOnResolvedConversation) {
  const auto conversation = Receive("hello there").conversation_id;
  Resolve(conversation);
  Receive("5");
  const auto messages_before = Messages(conversation).size();
  clock_.Advance(minutes(2));
  const auto repeated = Receive("5");
  clock_.Advance(minutes(2));
  const auto thanks = Receive("thanks!");
  EXPECT_EQ(repeated.conversation_id, conversation);
  EXPECT_EQ(thanks.conversation_id, conversation);
  EXPECT_TRUE(repeated.queued.empty());
  EXPECT_TRUE(thanks.queued.empty());
  EXPECT_EQ(db_.CountEvents(events::kConversationReopened), 0);
  EXPECT_EQ(db_.CountEvents(events::kConversationCreated), 1);
  EXPECT_EQ(db_.CountEvents(events::kSurveyAnswered), 1);
  EXPECT_EQ(db_.CountEvents(events::kBotAnswered) + db_.CountEvents(events::kBotMissed), 1);
  const auto messages = Messages(conversation);
  ASSERT_EQ(messages.size(), messages_before + 2);
  EXPECT_EQ(messages.back().text, "thanks!");
  EXPECT_EQ(messages.back().direction, core::Direction::kInbound);
  core::ConversationStatus status = core::ConversationStatus::kOpen;
  db_.Store().Read([&](core::Repository& unit) {
    status = unit.GetConversation(conversation)->status;
  });
  EXPECT_EQ(status, core::ConversationStatus::kResolved);
}

TEST_F(SurveyFlowTest, FollowUpAfterWindowReopens) {
  const auto conversation = Receive("hello there").conversation_id;
  Resolve(conversation);
  Receive("5");
  clock_.Advance(minutes(11));
  const auto later = Receive("4");
  // Past the 10-minute follow-up window, and within the reopen window, "4" reopens the surveyed
  // conversation as a message.
  EXPECT_EQ(later.conversation_id, conversation);
  EXPECT_EQ(db_.CountEvents(events::kConversationReopened), 1);
  EXPECT_EQ(db_.CountEvents(events::kSurveyAnswered), 1);
}

TEST_F(SurveyFlowTest, RequestAfterAnswerReopens) {
  const auto conversation = Receive("hello there").conversation_id;
  Resolve(conversation);
  Receive("5");
  const auto question = Receive("what are your opening hours");
  EXPECT_EQ(question.conversation_id, conversation);
  EXPECT_EQ(db_.CountEvents(events::kConversationReopened), 1);
  EXPECT_EQ(Messages(conversation).back().text, "We open at 8.");
  // The conversation is active again, so a "thanks" now is a message on it.
  const auto thanks = Receive("thanks");
  EXPECT_EQ(thanks.conversation_id, conversation);
  EXPECT_EQ(db_.CountEvents(events::kConversationReopened), 1);
  EXPECT_EQ(db_.CountEvents(events::kBotAnswered) + db_.CountEvents(events::kBotMissed), 3);
}

TEST_F(SurveyFlowTest, StopAfterAnswerOptsOut) {
  const auto conversation = Receive("hello there").conversation_id;
  Resolve(conversation);
  Receive("5");
  Receive("STOP");
  EXPECT_EQ(db_.CountEvents(events::kContactOptedOut), 1);
}

TEST_F(SurveyFlowTest, NonAnswerGoesToBot) {
  const auto conversation = Receive("hello there").conversation_id;
  Resolve(conversation);
  const auto question = Receive("what are your opening hours");
  EXPECT_EQ(question.conversation_id, conversation);
  EXPECT_EQ(db_.CountEvents(events::kConversationReopened), 1);
  EXPECT_EQ(db_.CountEvents(events::kSurveyAnswered), 0);
  EXPECT_EQ(Messages(question.conversation_id).back().text, "We open at 8.");
  // The survey is still open for a real answer.
  EXPECT_EQ(Receive("5").conversation_id, conversation);
}

TEST_F(SurveyFlowTest, StopIsNotAnAnswer) {
  const auto conversation = Receive("hello there").conversation_id;
  Resolve(conversation);
  Receive("STOP");
  EXPECT_EQ(db_.CountEvents(events::kContactOptedOut), 1);
  EXPECT_EQ(db_.CountEvents(events::kSurveyAnswered), 0);
}

TEST_F(SurveyFlowTest, NoSurveyForOptedOutContact) {
  const auto conversation = Receive("hello there").conversation_id;
  Receive("STOP");
  Resolve(conversation);
  EXPECT_EQ(db_.CountEvents(events::kSurveySent), 0);
}

TEST_F(SurveyFlowTest, NoSurveyWhenWhatsAppWindowClosed) {
  const auto conversation = Receive("hello there", "whatsapp").conversation_id;
  clock_.Advance(hours(24) + seconds(1));
  const auto resolved = Resolve(conversation);
  ASSERT_TRUE(resolved.ok());
  EXPECT_TRUE(resolved.queued.empty());
  EXPECT_EQ(db_.CountEvents(events::kSurveySent), 0);
}

TEST_F(SurveyFlowTest, SurveyWhileWhatsAppWindowOpen) {
  const auto conversation = Receive("hello there", "whatsapp").conversation_id;
  clock_.Advance(hours(23));
  Resolve(conversation);
  EXPECT_EQ(db_.CountEvents(events::kSurveySent), 1);
}

TEST_F(SurveyFlowTest, ExpiresWhenUnanswered) {
  const auto conversation = Receive("hello there").conversation_id;
  Resolve(conversation);
  int expired = -1;
  clock_.Advance(minutes(60) - seconds(1));
  db_.Write([&](core::Repository& unit) { expired = surveys_.ExpireDue(unit, clock_.Now()); });
  EXPECT_EQ(expired, 0);
  clock_.Advance(seconds(1));
  db_.Write([&](core::Repository& unit) { expired = surveys_.ExpireDue(unit, clock_.Now()); });
  EXPECT_EQ(expired, 1);
  EXPECT_EQ(db_.CountEvents(events::kSurveyExpired), 1);
  EXPECT_EQ(Receive("5").conversation_id, conversation);
  EXPECT_EQ(db_.CountEvents(events::kConversationReopened), 1);
  EXPECT_EQ(db_.CountEvents(events::kSurveyAnswered), 0);
}

TEST_F(SurveyFlowTest, LateAnswerExpiresSurvey) {
  const auto conversation = Receive("hello there").conversation_id;
  Resolve(conversation);
  clock_.Advance(minutes(61));
  EXPECT_EQ(Receive("5").conversation_id, conversation);
  EXPECT_EQ(db_.CountEvents(events::kConversationReopened), 1);
  EXPECT_EQ(db_.CountEvents(events::kSurveyExpired), 1);
  EXPECT_EQ(db_.CountEvents(events::kSurveyAnswered), 0);
}

TEST_F(SurveyFlowTest, NpsAfterTransactionIntent) {
  const auto conversation = Receive("I want a refund").conversation_id;
  Resolve(conversation);
  EXPECT_NE(LastEventData(events::kSurveySent).find("\"nps\""), std::string::npos);
  EXPECT_EQ(Messages(conversation).back().text,
            "How likely are you to recommend us? Reply 0 to 10.");
  Receive("9/10");
  EXPECT_NE(LastEventData(events::kSurveyAnswered).find("\"score\":9"), std::string::npos);
}

TEST_F(SurveyFlowTest, CsatAfterWeakIntentGuess) {
  const auto conversation = Receive("my money please").conversation_id;
  ASSERT_EQ(Messages(conversation).front().intent, "refund_request");
  Resolve(conversation);
  EXPECT_NE(LastEventData(events::kSurveySent).find("\"csat\""), std::string::npos);
}

TEST_F(SurveyFlowTest, SweeperExpiresDueSurveys) {
  const auto conversation = Receive("hello there").conversation_id;
  Resolve(conversation);
  SurveySweeper sweeper(surveys_, db_.Store(), clock_, std::chrono::milliseconds(5));
  sweeper.Start();
  clock_.Advance(minutes(60));
  // The sweeper runs on real time, so the wait for its effect is bounded by a deadline.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (db_.CountEvents(events::kSurveyExpired) == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  sweeper.Stop();
  EXPECT_EQ(db_.CountEvents(events::kSurveyExpired), 1);
}

}  // namespace
}  // namespace mobilelink::bot
