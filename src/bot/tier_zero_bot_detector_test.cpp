#include "mobilelink/bot/tier_zero_bot.hpp"

#include <filesystem>
#include <memory>
#include <stdlib.h>
#include <string>

#include <gtest/gtest.h>

#include "mobilelink/core/clock.hpp"
#include "mobilelink/core/conversation_service.hpp"
#include "mobilelink/events/event_types.hpp"
#include "mobilelink/nlu/intent_classifier.hpp"
#include "mobilelink/store/store.hpp"

namespace mobilelink::bot {
namespace {

// Returns the same intent for every text and counts its calls.
class FixedDetector final : public IntentDetector {
 public:
  FixedDetector(std::string intent, double confidence)
      : intent_(std::move(intent)), confidence_(confidence) {}
  [[nodiscard]] IntentResult Detect(std::string_view) const override {
    ++calls_;
    return {intent_, confidence_};
  }
  [[nodiscard]] int Calls() const { return calls_; }

 private:
  std::string intent_;
  double confidence_;
  mutable int calls_ = 0;
};

BotConfig TwoRuleConfig() {
  BotConfig config;
  config.handoff_phrases = DefaultHandoffPhrases();
  config.handoff_message = "Connecting you to a person.";
  config.fallback_message = "Sorry, I did not get that.";
  config.rules.push_back({"refund", {"money back"}, {"refund"}, "Refunds take 5 days."});
  config.rules.push_back({"delivery", {}, {"parcel", "package"}, "Track it at example.com."});
  return config;
}

TEST(TierZeroBotDetector, KeywordRuleBeatsDetector) {
  auto detector = std::make_shared<FixedDetector>("delivery", 0.99);
  const TierZeroBot bot(TwoRuleConfig(), detector);
  const BotDecision decision = bot.Respond({"i want a refund", "", 0});
  EXPECT_EQ(decision.action, BotAction::kAnswer);
  EXPECT_EQ(decision.intent, "refund");
  EXPECT_EQ(detector->Calls(), 0);
}

TEST(TierZeroBotDetector, DetectorAnswersWhenNoRuleMatches) {
  auto detector = std::make_shared<FixedDetector>("delivery", 0.9);
  const TierZeroBot bot(TwoRuleConfig(), detector);
  const BotDecision decision = bot.Respond({"has my order shipped yet", "", 0});
  EXPECT_EQ(decision.intent, "delivery");
  EXPECT_DOUBLE_EQ(decision.confidence, 0.9);
  EXPECT_EQ(detector->Calls(), 1);
}

TEST(TierZeroBotDetector, OutOfScopeDetectionFallsBack) {
  auto detector = std::make_shared<FixedDetector>(std::string(nlu::kOutOfScope), 0.95);
  const TierZeroBot bot(TwoRuleConfig(), detector);
  const BotDecision decision = bot.Respond({"what is the capital of france", "", 0});
  EXPECT_EQ(decision.action, BotAction::kFallback);
}

TEST(TierZeroBotDetector, FallbackCarriesWeakDetection) {
  auto detector = std::make_shared<FixedDetector>("delivery", 0.4);
  const TierZeroBot bot(TwoRuleConfig(), detector);
  const BotDecision decision = bot.Respond({"has my order shipped yet", "", 0});
  EXPECT_EQ(decision.action, BotAction::kFallback);
  EXPECT_EQ(decision.intent, "");
  EXPECT_EQ(decision.detected.intent, "delivery");
  EXPECT_DOUBLE_EQ(decision.detected.confidence, 0.4);
}

TEST(TierZeroBotDetector, RuleMatchLeavesDetectionEmpty) {
  auto detector = std::make_shared<FixedDetector>("delivery", 0.99);
  const TierZeroBot bot(TwoRuleConfig(), detector);
  EXPECT_EQ(bot.Respond({"i want a refund", "", 0}).detected.intent, "");
}

TEST(IsServedIntent, TellsServedFromDetected) {
  EXPECT_TRUE(IsServedIntent("refund", 0.7));
  EXPECT_TRUE(IsServedIntent("refund", kDetectorMinConfidence));
  EXPECT_TRUE(IsServedIntent("kb:Refunds", 0.5));
  EXPECT_TRUE(IsServedIntent("flow:refund", 1));
  EXPECT_TRUE(IsServedIntent("handoff", 0));
  EXPECT_FALSE(IsServedIntent("refund", 0.59));
  EXPECT_FALSE(IsServedIntent(kOutOfScopeIntent, 0.9));
  EXPECT_FALSE(IsServedIntent("", 0));
}

TEST(TierZeroBotDetector, KeywordRuleBeatsTrainedClassifier) {
  // The classifier learns that "refund" texts are deliveries; the rule still wins.
  const std::vector<tools::Utterance> train{
      {"refund my parcel", "delivery"}, {"refund where is it", "delivery"},
      {"refund tracking", "delivery"},  {"what is my balance", "balance"},
      {"how much money", "balance"},    {"show my balance", "balance"},
  };
  nlu::TrainingOptions options;
  options.fasttext.dim = 8;
  options.fasttext.bucket = 1000;
  options.linear.hash_bits = 10;
  auto classifier =
      std::make_shared<nlu::IntentClassifier>(nlu::IntentClassifier::Train(train, {}, options));
  ASSERT_EQ(classifier->Detect("refund tracking").intent, "delivery");
  const TierZeroBot bot(TwoRuleConfig(), classifier);
  EXPECT_EQ(bot.Respond({"refund tracking", "", 0}).intent, "refund");
}

class OptOutThroughService : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = std::filesystem::temp_directory_path() / "bot-test-XXXXXX";
    directory_ = mkdtemp(pattern.data());
    store::SqliteOptions sqlite;
    sqlite.path = (directory_ / "mobilelink.db").string();
    store_ = store::OpenSqliteStore(sqlite);
  }
  void TearDown() override {
    store_->Stop();
    std::filesystem::remove_all(directory_);
  }

  std::filesystem::path directory_;
  std::unique_ptr<store::Store> store_;
  core::ManualTimeSource clock_{core::TimePoint(std::chrono::hours(480000))};
};

TEST_F(OptOutThroughService, StopWinsOverRuleAndDetector) {
  BotConfig config = TwoRuleConfig();
  // A rule whose keyword is the opt-out keyword itself, and a detector that is always sure.
  config.rules.push_back({"stop_rule", {}, {"stop"}, "This must not be sent."});
  auto detector = std::make_shared<FixedDetector>("refund", 0.99);
  auto bot = std::make_shared<const TierZeroBot>(config, detector);
  core::InboxProfile inbox;
  inbox.id = "sms";
  inbox.channel = "twilio_sms";
  inbox.capabilities.keyword_opt_out = true;
  const core::ConversationService service(
      {{"sms", inbox}}, bot, {"You are opted out.", "Welcome back.", "Help text."}, clock_);
  core::InboundMessage inbound;
  inbound.inbox_id = "sms";
  inbound.provider_message_id = "SM1";
  inbound.from = {core::IdentityKind::kPhone, "+15005550006", ""};
  inbound.text = "STOP";

  core::InboundOutcome outcome;
  ASSERT_TRUE(store_
                  ->WriteAndWait([&](core::Repository& repository) {
                    outcome = service.ReceiveInbound(repository, inbound);
                  })
                  .ok);
  EXPECT_EQ(detector->Calls(), 0);
  std::vector<core::Message> messages;
  bool opted_out = false;
  store_->Read([&](core::Repository& repository) {
    messages = repository.ListMessages(outcome.conversation_id, 0, 10);
    opted_out = repository.IsOptedOut("sms", "+15005550006");
  });
  EXPECT_TRUE(opted_out);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].intent, "");
  EXPECT_EQ(messages[1].text, "You are opted out.");
}

class StoredIntentThroughService : public OptOutThroughService {
 protected:
  // Receives `text` from a new contact through a bot with `detector`, and returns the stored
  // inbound message and the data of its message.received and bot.missed events.
  struct Stored {
    core::Message message;
    std::string received;
    std::string missed;
  };
  Stored Receive(std::shared_ptr<const IntentDetector> detector, const std::string& text) {
    auto bot = std::make_shared<const TierZeroBot>(TwoRuleConfig(), std::move(detector));
    core::InboxProfile inbox;
    inbox.id = "sms";
    inbox.channel = "twilio_sms";
    const core::ConversationService service({{"sms", inbox}}, bot, {"Out.", "In.", "Help."},
                                            clock_);
    core::InboundMessage inbound;
    inbound.inbox_id = "sms";
    inbound.provider_message_id = "SM" + std::to_string(++sent_);
    inbound.from = {core::IdentityKind::kPhone, "+1500555000" + std::to_string(sent_), ""};
    inbound.text = text;

    core::InboundOutcome outcome;
    EXPECT_TRUE(store_
                    ->WriteAndWait([&](core::Repository& repository) {
                      outcome = service.ReceiveInbound(repository, inbound);
                    })
                    .ok);
    Stored stored;
    store_->Read([&](core::Repository& repository) {
      stored.message = repository.ListMessages(outcome.conversation_id, 0, 10).front();
      for (const auto& event : repository.ListEvents(0, 1000)) {
        if (event.message_id != stored.message.id) {
          continue;
        }
        if (event.type == events::kMessageReceived) {
          stored.received = event.data_json;
        } else if (event.type == events::kBotMissed) {
          stored.missed = event.data_json;
        }
      }
    });
    return stored;
  }

  int sent_ = 0;
};

TEST_F(StoredIntentThroughService, FallbackStoresOutOfScope) {
  const auto stored = Receive(std::make_shared<FixedDetector>(std::string(kOutOfScopeIntent), 0.3),
                              "capital of france");
  EXPECT_EQ(stored.message.intent, "oos");
  EXPECT_DOUBLE_EQ(stored.message.intent_confidence, 0.3);
  EXPECT_NE(stored.received.find("\"intent\":\"\""), std::string::npos) << stored.received;
  EXPECT_NE(stored.missed.find("\"detected_intent\":\"oos\""), std::string::npos) << stored.missed;
}

TEST_F(StoredIntentThroughService, FallbackStoresWeakGuess) {
  const auto stored = Receive(std::make_shared<FixedDetector>("delivery", 0.4), "where is it");
  EXPECT_EQ(stored.message.intent, "delivery");
  EXPECT_DOUBLE_EQ(stored.message.intent_confidence, 0.4);
  EXPECT_NE(stored.received.find("\"intent\":\"\""), std::string::npos) << stored.received;
}

TEST_F(StoredIntentThroughService, FallbackWithoutDetectorStoresNothing) {
  const auto stored = Receive(nullptr, "where is it");
  EXPECT_EQ(stored.message.intent, "");
  EXPECT_DOUBLE_EQ(stored.message.intent_confidence, 0);
}

TEST_F(StoredIntentThroughService, ConfidentDetectionStoresAnsweredIntent) {
  const auto stored = Receive(std::make_shared<FixedDetector>("delivery", 0.9), "where is it");
  EXPECT_EQ(stored.message.intent, "delivery");
  EXPECT_NE(stored.received.find("\"intent\":\"delivery\""), std::string::npos) << stored.received;
}

}  // namespace
}  // namespace mobilelink::bot
