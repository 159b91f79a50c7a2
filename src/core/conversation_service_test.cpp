#include "mobilelink/core/card_redactor.hpp"
#include "mobilelink/core/conversation_service.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mobilelink/channels/registry.hpp"
#include "mobilelink/common/testing/temp_dir.hpp"
#include "mobilelink/events/event_types.hpp"
#include "mobilelink/store/store.hpp"

namespace mobilelink::core {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

constexpr char kCustomer[] = "+12025550100";
const std::string kEmoji = "\xF0\x9F\x98\x9C";  // U+1F61C, two UTF-16 units.

// Records every text the bot passes to its intent detector and never claims an intent, so the
// tests can see what the bot was given.
class RecordingDetector final : public bot::IntentDetector {
 public:
  [[nodiscard]] bot::IntentResult Detect(std::string_view text) const override {
    std::lock_guard lock(mutex_);
    seen_.emplace_back(text);
    return {};
  }
  [[nodiscard]] std::vector<std::string> Seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  mutable std::mutex mutex_;
  mutable std::vector<std::string> seen_;
};

bot::BotConfig TestBotConfig() {
  bot::BotConfig config;
  config.handoff_after = 3;
  config.handoff_phrases = bot::DefaultHandoffPhrases();
  config.handoff_message = "Passing you to a person.";
  config.fallback_message = "Sorry, I did not understand.";
  config.rules = {{"opening_hours", {"opening hours"}, {}, "We open at 8."}};
  return config;
}

InboxProfile Profile(const std::string& id, const std::string& channel) {
  return {id, channel, channels::FindAdapter(channel)->GetCapabilities()};
}

class ConversationServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqliteOptions options;
    options.path = (dir_.Path() / "mobilelink.db").string();
    options.synchronous = "NORMAL";
    store_ = store::OpenSqliteStore(options);
    std::map<std::string, InboxProfile> inboxes{
        {"sms", Profile("sms", "twilio_sms")},
        {"whatsapp", Profile("whatsapp", "whatsapp")},
        {"chat", Profile("chat", "webchat")},
    };
    service_ = std::make_unique<ConversationService>(
        inboxes, std::make_shared<bot::TierZeroBot>(TestBotConfig(), detector_),
        ComplianceTexts{"Unsubscribed.", "Subscribed again.", "Help at example.com."}, clock_);
    Write([&](Repository& repository) {
      repository.UpsertAgent(alice_);
      repository.UpsertAgent(bob_);
    });
  }
  void TearDown() override { store_->Stop(); }

  void Write(const std::function<void(Repository&)>& work) {
    const store::WriteResult result = store_->WriteAndWait(work);
    ASSERT_TRUE(result.ok) << result.error;
  }

  InboundOutcome Receive(const std::string& text, const std::string& provider_id,
                         const std::string& inbox = "sms") {
    InboundMessage inbound;
    inbound.inbox_id = inbox;
    inbound.provider_message_id = provider_id;
    inbound.from = {IdentityKind::kPhone, kCustomer, inbox};
    inbound.profile_name = "Ada";
    inbound.text = text;
    InboundOutcome outcome;
    Write([&](Repository& repository) { outcome = service_->ReceiveInbound(repository, inbound); });
    return outcome;
  }

  // Sends `count` messages that no rule matches, with provider ids miss-1, miss-2, ...
  InboundOutcome ReceiveUnmatched(int count) {
    InboundOutcome last;
    for (int i = 0; i < count; ++i) {
      last = Receive("blorp", "miss-" + std::to_string(++miss_counter_));
    }
    return last;
  }

  template <typename Action>
  ActionOutcome Act(Action action) {
    ActionOutcome outcome;
    Write([&](Repository& repository) { outcome = action(repository); });
    return outcome;
  }

  ActionOutcome Claim(std::int64_t conversation_id, const Agent& agent) {
    return Act([&](Repository& repository) {
      return service_->Claim(repository, conversation_id, agent.id);
    });
  }

  ActionOutcome Reply(std::int64_t conversation_id, const Agent& agent, const std::string& text,
                      bool supervisor = false) {
    return Act([&](Repository& repository) {
      return service_->ReplyAsAgent(repository, conversation_id, agent.id, supervisor, text);
    });
  }

  Conversation GetConversation(std::int64_t id) {
    std::optional<Conversation> conversation;
    store_->Read([&](Repository& repository) { conversation = repository.GetConversation(id); });
    EXPECT_TRUE(conversation.has_value());
    return conversation.value_or(Conversation{});
  }

  Message GetMessage(std::int64_t id) {
    std::optional<Message> message;
    store_->Read([&](Repository& repository) { message = repository.GetMessage(id); });
    EXPECT_TRUE(message.has_value());
    return message.value_or(Message{});
  }

  std::vector<Message> Messages(std::int64_t conversation_id) {
    std::vector<Message> messages;
    store_->Read([&](Repository& repository) {
      messages = repository.ListMessages(conversation_id, 0, 1000);
    });
    return messages;
  }

  std::vector<std::string> EventTypes() {
    std::vector<std::string> types;
    store_->Read([&](Repository& repository) {
      for (const auto& event : repository.ListEvents(0, 1000)) {
        types.push_back(event.type);
      }
    });
    return types;
  }

  // Hands a customer's first message off, lets alice claim it and resolve it. Returns the
  // outcome of that message.
  InboundOutcome HandOffClaimAndResolve() {
    const auto handed = Receive("agent please", "SM1");
    EXPECT_TRUE(Claim(handed.conversation_id, alice_).ok());
    EXPECT_TRUE(Act([&](Repository& repository) {
                  return service_->Resolve(repository, handed.conversation_id, alice_.id, false);
                }).ok());
    return handed;
  }

  std::int64_t CountEvents(std::string_view type) {
    const auto types = EventTypes();
    return std::count(types.begin(), types.end(), type);
  }

  std::int64_t CountOutbox(const std::string& state) {
    std::int64_t count = 0;
    store_->Read([&](Repository& repository) { count = repository.CountOutbox(state); });
    return count;
  }

  bool IsOptedOut(const std::string& inbox = "sms") {
    bool opted_out = false;
    store_->Read(
        [&](Repository& repository) { opted_out = repository.IsOptedOut(inbox, kCustomer); });
    return opted_out;
  }

  // Claims every due outbox row, as the outbox worker would before sending.
  std::vector<OutboxEntry> ClaimOutbox() {
    std::vector<OutboxEntry> claimed;
    Write([&](Repository& repository) { claimed = repository.ClaimDueOutbox(clock_.Now(), 100); });
    return claimed;
  }

  void RecordSent(const OutboxEntry& entry, const std::string& provider_id) {
    Write([&](Repository& repository) {
      service_->RecordSendSuccess(repository, entry, provider_id, DeliveryStatus::kSent);
    });
  }

  StatusOutcome ApplyStatus(const std::string& provider_id, DeliveryStatus status) {
    StatusOutcome outcome;
    Write([&](Repository& repository) {
      outcome = service_->ApplyStatus(repository, {"sms", provider_id, status, "", "", {}});
    });
    return outcome;
  }

  // Queues one bot reply, claims it and records it as sent under `provider_id`.
  std::int64_t SendOneAnswer(const std::string& provider_id) {
    const auto inbound = Receive("opening hours?", "in-" + provider_id);
    EXPECT_EQ(inbound.queued.size(), 1u);
    const auto claimed = ClaimOutbox();
    EXPECT_EQ(claimed.size(), 1u);
    if (claimed.empty()) {
      return 0;
    }
    RecordSent(claimed[0], provider_id);
    return claimed[0].message_id;
  }

  mobilelink::testing::TempDir dir_;
  ManualTimeSource clock_{TimePoint(seconds(1'700'000'000))};
  std::shared_ptr<RecordingDetector> detector_ = std::make_shared<RecordingDetector>();
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<ConversationService> service_;
  Agent alice_{0, "alice", "Alice", "agent", "$argon2id$stub", true};
  Agent bob_{0, "bob", "Bob", "agent", "$argon2id$stub", true};
  int miss_counter_ = 0;
};

TEST_F(ConversationServiceTest, InboundCreatesConversation) {
  const auto outcome = Receive("hello there", "SM1");
  EXPECT_FALSE(outcome.duplicate);
  EXPECT_GT(outcome.contact_id, 0);
  EXPECT_GT(outcome.conversation_id, 0);
  EXPECT_GT(outcome.message_id, 0);

  const Conversation conversation = GetConversation(outcome.conversation_id);
  EXPECT_EQ(conversation.contact_id, outcome.contact_id);
  EXPECT_EQ(conversation.tier, 0);
  EXPECT_EQ(conversation.status, ConversationStatus::kPending);
  EXPECT_EQ(conversation.last_inbox_id, "sms");

  const Message message = GetMessage(outcome.message_id);
  EXPECT_EQ(message.direction, Direction::kInbound);
  EXPECT_EQ(message.sender, SenderKind::kCustomer);
  EXPECT_EQ(message.text, "hello there");
  EXPECT_EQ(message.provider_message_id, "SM1");

  const auto types = EventTypes();
  const auto created = std::find(types.begin(), types.end(), events::kConversationCreated);
  const auto received = std::find(types.begin(), types.end(), events::kMessageReceived);
  ASSERT_NE(created, types.end());
  ASSERT_NE(received, types.end());
  EXPECT_LT(created, received);
  const auto bot_verdict = std::find_if(types.begin(), types.end(), [](const std::string& type) {
    return type == events::kBotAnswered || type == events::kBotMissed;
  });
  ASSERT_NE(bot_verdict, types.end());
  EXPECT_LT(received, bot_verdict);
}

TEST_F(ConversationServiceTest, SecondInboundJoinsConversation) {
  const auto first = Receive("hello", "SM1");
  const auto second = Receive("anyone?", "SM2");
  EXPECT_EQ(second.conversation_id, first.conversation_id);
  EXPECT_EQ(second.contact_id, first.contact_id);
  EXPECT_EQ(CountEvents(events::kConversationCreated), 1);
}

TEST_F(ConversationServiceTest, DuplicateProviderIdAddsNothing) {
  const auto first = Receive("hello", "SM1");
  const auto events_before = EventTypes().size();
  const auto outbox_before = CountOutbox("pending");

  const auto again = Receive("hello", "SM1");
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.message_id, first.message_id);
  EXPECT_EQ(again.conversation_id, first.conversation_id);
  EXPECT_TRUE(again.queued.empty());
  EXPECT_EQ(EventTypes().size(), events_before);
  EXPECT_EQ(CountOutbox("pending"), outbox_before);
  EXPECT_EQ(Messages(first.conversation_id).size(), 2u);  // The inbound and one bot reply.
}

TEST_F(ConversationServiceTest, CardMaskedBeforeStoreAndBot) {
  const auto outcome = Receive("my card 4111 1111 1111 1111 was declined", "SM1");
  EXPECT_EQ(GetMessage(outcome.message_id).text, "my card **** **** **** 1111 was declined");
  const auto seen = detector_->Seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], "my card **** **** **** 1111 was declined");
}

TEST_F(ConversationServiceTest, CardMaskedInProfileName) {
  InboundMessage inbound;
  inbound.inbox_id = "sms";
  inbound.provider_message_id = "SM-name-card";
  inbound.from = {IdentityKind::kPhone, kCustomer, "sms"};
  inbound.profile_name = "Card 4012888888881881";
  inbound.text = "hello";
  InboundOutcome outcome;
  Write([&](Repository& repository) { outcome = service_->ReceiveInbound(repository, inbound); });
  std::optional<Contact> contact;
  store_->Read([&](Repository& repository) { contact = repository.GetContact(outcome.contact_id); });
  ASSERT_TRUE(contact.has_value());
  EXPECT_EQ(contact->name.find("4012888888881881"), std::string::npos);
  EXPECT_EQ(contact->name, MaskCardNumbers("Card 4012888888881881"));
}

TEST_F(ConversationServiceTest, StopQueuesOneConfirmation) {
  const auto outcome = Receive("Stop. Thank you", "SM1");
  EXPECT_TRUE(IsOptedOut());
  ASSERT_EQ(outcome.queued.size(), 1u);
  const Message confirmation = GetMessage(outcome.queued[0].message_id);
  EXPECT_EQ(confirmation.text, "Unsubscribed.");
  EXPECT_EQ(confirmation.sender, SenderKind::kSystem);
  EXPECT_EQ(CountOutbox("pending"), 1);
  EXPECT_EQ(CountEvents(events::kContactOptedOut), 1);
  EXPECT_EQ(CountEvents(events::kBotAnswered), 0);
  EXPECT_EQ(CountEvents(events::kBotMissed), 0);
}

TEST_F(ConversationServiceTest, OptedOutContactGetsNoBotAnswer) {
  Receive("STOP", "SM1");
  const auto later = Receive("what are your opening hours", "SM2");
  EXPECT_TRUE(later.queued.empty());
  EXPECT_EQ(CountOutbox("pending"), 1);  // Only the opt-out confirmation.
  EXPECT_EQ(CountEvents(events::kBotAnswered), 0);
}

TEST_F(ConversationServiceTest, OptedOutContactRefusesAgentReply) {
  const auto outcome = Receive("STOP", "SM1");
  const auto reply = Reply(outcome.conversation_id, alice_, "Are you still there?", true);
  EXPECT_EQ(reply.error, ActionError::kContactOptedOut);
  EXPECT_EQ(ToString(reply.error), "contact_opted_out");
  EXPECT_EQ(CountOutbox("pending"), 1);
}

TEST_F(ConversationServiceTest, HelpAnsweredWhenOptedOut) {
  Receive("STOP", "SM1");
  const auto help = Receive("HELP", "SM2");
  ASSERT_EQ(help.queued.size(), 1u);
  EXPECT_EQ(GetMessage(help.queued[0].message_id).text, "Help at example.com.");
  EXPECT_TRUE(IsOptedOut());
  EXPECT_EQ(CountEvents(events::kContactHelpRequested), 1);
}

TEST_F(ConversationServiceTest, StartOptsBackIn) {
  Receive("STOP", "SM1");
  const auto start = Receive("START", "SM2");
  EXPECT_FALSE(IsOptedOut());
  ASSERT_EQ(start.queued.size(), 1u);
  EXPECT_EQ(GetMessage(start.queued[0].message_id).text, "Subscribed again.");
  EXPECT_EQ(CountEvents(events::kContactOptedIn), 1);

  const auto answered = Receive("opening hours?", "SM3");
  EXPECT_EQ(answered.queued.size(), 1u);
}

TEST_F(ConversationServiceTest, YesOptsInOnlyWhenOptedOut) {
  Receive("STOP", "SM1");
  Receive("yes", "SM2");
  EXPECT_FALSE(IsOptedOut());
  Receive("yes", "SM3");
  EXPECT_EQ(CountEvents(events::kContactOptedIn), 1);
}

TEST_F(ConversationServiceTest, OptOutIsPerInbox) {
  Receive("STOP", "SM1");
  EXPECT_FALSE(IsOptedOut("whatsapp"));
}

TEST_F(ConversationServiceTest, BotAnswerResetsUnresolvedCount) {
  const auto missed = ReceiveUnmatched(2);
  EXPECT_EQ(GetConversation(missed.conversation_id).bot_unresolved_count, 2);
  Receive("opening hours?", "SM1");
  EXPECT_EQ(GetConversation(missed.conversation_id).bot_unresolved_count, 0);

  const auto again = ReceiveUnmatched(2);
  EXPECT_FALSE(again.handed_off);
  EXPECT_EQ(GetConversation(missed.conversation_id).tier, 0);
}

TEST_F(ConversationServiceTest, ThirdUnmatchedMessageHandsOff) {
  const auto second = ReceiveUnmatched(2);
  EXPECT_FALSE(second.handed_off);
  const auto third = ReceiveUnmatched(1);
  EXPECT_TRUE(third.handed_off);

  const Conversation conversation = GetConversation(third.conversation_id);
  EXPECT_EQ(conversation.tier, 1);
  EXPECT_EQ(conversation.status, ConversationStatus::kOpen);
  EXPECT_TRUE(conversation.handed_off_at.has_value());
  EXPECT_NE(conversation.handoff_summary.find("unresolved"), std::string::npos)
      << conversation.handoff_summary;
  EXPECT_NE(conversation.handoff_summary.find("\"blorp\""), std::string::npos)
      << conversation.handoff_summary;
  EXPECT_EQ(CountEvents(events::kConversationHandedOff), 1);
  ASSERT_EQ(third.queued.size(), 1u);
  EXPECT_EQ(GetMessage(third.queued[0].message_id).text, "Passing you to a person.");
}

TEST_F(ConversationServiceTest, AskingForHumanHandsOffAtOnce) {
  const auto outcome = Receive("can I talk to a human", "SM1");
  EXPECT_TRUE(outcome.handed_off);
  const Conversation conversation = GetConversation(outcome.conversation_id);
  EXPECT_EQ(conversation.tier, 1);
  EXPECT_NE(conversation.handoff_summary.find("customer_request"), std::string::npos)
      << conversation.handoff_summary;
  EXPECT_EQ(CountEvents(events::kConversationHandedOff), 1);
}

TEST_F(ConversationServiceTest, BotSilentAfterHandoff) {
  const auto handed = Receive("agent please", "SM1");
  const auto later = Receive("opening hours?", "SM2");
  EXPECT_TRUE(later.queued.empty());
  EXPECT_EQ(later.conversation_id, handed.conversation_id);
  EXPECT_EQ(CountEvents(events::kBotAnswered), 0);
  EXPECT_EQ(Messages(handed.conversation_id).size(), 3u);  // Two inbound, one handoff text.
}

TEST_F(ConversationServiceTest, HandBackReturnsToBot) {
  const auto handed = Receive("agent please", "SM1");
  ASSERT_TRUE(Claim(handed.conversation_id, alice_).ok());
  const auto back = Act([&](Repository& repository) {
    return service_->HandBack(repository, handed.conversation_id, alice_.id, false);
  });
  ASSERT_TRUE(back.ok()) << back.detail;

  const Conversation conversation = GetConversation(handed.conversation_id);
  EXPECT_EQ(conversation.tier, 0);
  EXPECT_EQ(conversation.status, ConversationStatus::kPending);
  EXPECT_FALSE(conversation.assignee_agent_id.has_value());
  EXPECT_EQ(CountEvents(events::kConversationHandedBack), 1);
  EXPECT_EQ(Receive("opening hours?", "SM2").queued.size(), 1u);
}

TEST_F(ConversationServiceTest, SecondClaimIsAlreadyAssigned) {
  const auto handed = Receive("agent please", "SM1");
  const auto first = Claim(handed.conversation_id, alice_);
  const auto second = Claim(handed.conversation_id, bob_);
  const auto repeat = Claim(handed.conversation_id, alice_);
  EXPECT_TRUE(first.ok()) << first.detail;
  EXPECT_EQ(second.error, ActionError::kAlreadyAssigned);
  EXPECT_TRUE(repeat.ok()) << repeat.detail;
  EXPECT_EQ(GetConversation(handed.conversation_id).assignee_agent_id, alice_.id);
  EXPECT_EQ(CountEvents(events::kConversationAssigned), 1);
}

TEST_F(ConversationServiceTest, ClaimNeedsHandoff) {
  const auto outcome = Receive("hello", "SM1");
  EXPECT_EQ(Claim(outcome.conversation_id, alice_).error, ActionError::kNotHandedOff);
}

TEST_F(ConversationServiceTest, ClaimUnknownConversation) {
  EXPECT_EQ(Claim(999, alice_).error, ActionError::kConversationNotFound);
}

TEST_F(ConversationServiceTest, ReplyNeedsAssignment) {
  const auto handed = Receive("agent please", "SM1");
  const auto unassigned = Reply(handed.conversation_id, bob_, "Hi, Bob here.");
  EXPECT_EQ(unassigned.error, ActionError::kNotAssignee);

  ASSERT_TRUE(Claim(handed.conversation_id, alice_).ok());
  const auto other_agent = Reply(handed.conversation_id, bob_, "Hi, Bob here.");
  EXPECT_EQ(other_agent.error, ActionError::kNotAssignee);

  const auto assignee = Reply(handed.conversation_id, alice_, "Hi, Alice here.");
  ASSERT_TRUE(assignee.ok()) << assignee.detail;
  ASSERT_TRUE(assignee.message_id.has_value());
  const Message message = GetMessage(*assignee.message_id);
  EXPECT_EQ(message.sender, SenderKind::kAgent);
  EXPECT_EQ(message.agent_id, alice_.id);
  EXPECT_EQ(message.status, DeliveryStatus::kQueued);
}

TEST_F(ConversationServiceTest, SupervisorRepliesWithoutAssignment) {
  const auto handed = Receive("agent please", "SM1");
  ASSERT_TRUE(Claim(handed.conversation_id, alice_).ok());
  const auto reply = Reply(handed.conversation_id, bob_, "Supervisor here.", true);
  EXPECT_TRUE(reply.ok()) << reply.detail;
}

TEST_F(ConversationServiceTest, ReplyToResolvedConversationRefused) {
  const auto handed = HandOffClaimAndResolve();
  EXPECT_EQ(Reply(handed.conversation_id, alice_, "One more thing").error, ActionError::kResolved);
}

TEST_F(ConversationServiceTest, InboundAfterReopenWindowOpensNewConversation) {
  const auto handed = HandOffClaimAndResolve();
  EXPECT_EQ(GetConversation(handed.conversation_id).status, ConversationStatus::kResolved);

  clock_.Advance(hours(24 * 7) + seconds(1));
  const auto next = Receive("hello again", "SM2");
  EXPECT_NE(next.conversation_id, handed.conversation_id);
  EXPECT_EQ(next.contact_id, handed.contact_id);
  EXPECT_EQ(GetConversation(next.conversation_id).tier, 0);
}

TEST_F(ConversationServiceTest, InboundWithinReopenWindowReopens) {
  const auto handed = HandOffClaimAndResolve();

  clock_.Advance(hours(24 * 7));
  const auto next = Receive("it broke again", "wamid.2", "whatsapp");
  EXPECT_EQ(next.conversation_id, handed.conversation_id);
  const Conversation reopened = GetConversation(handed.conversation_id);
  EXPECT_EQ(reopened.status, ConversationStatus::kOpen);
  EXPECT_EQ(reopened.tier, 1);
  EXPECT_EQ(reopened.assignee_agent_id, alice_.id);
  EXPECT_FALSE(reopened.resolved_at.has_value());
  EXPECT_EQ(reopened.last_inbox_id, "whatsapp");
  EXPECT_EQ(CountEvents(events::kConversationReopened), 1);
  EXPECT_EQ(CountEvents(events::kConversationCreated), 1);
  EXPECT_TRUE(next.queued.empty());  // The bot stays out of an agent's conversation.
}

TEST_F(ConversationServiceTest, ConsentKeywordsKeepResolvedConversationResolved) {
  const auto handed = HandOffClaimAndResolve();
  clock_.Advance(hours(1));

  int step = 0;
  for (const std::string keyword : {"HELP", "STOP", "START"}) {
    const auto reply = Receive(keyword, "SM-keyword-" + std::to_string(++step));
    EXPECT_EQ(reply.conversation_id, handed.conversation_id) << keyword;
    EXPECT_EQ(reply.queued.size(), 1u) << keyword;  // The consent confirmation.
    const Conversation conversation = GetConversation(handed.conversation_id);
    EXPECT_EQ(conversation.status, ConversationStatus::kResolved) << keyword;
    EXPECT_TRUE(conversation.resolved_at.has_value()) << keyword;
  }
  EXPECT_EQ(CountEvents(events::kConversationReopened), 0);
  EXPECT_EQ(CountEvents(events::kConversationCreated), 1);
  EXPECT_EQ(CountEvents(events::kContactOptedOut), 1);
  EXPECT_EQ(CountEvents(events::kContactOptedIn), 1);

  // Any other message still reopens it.
  const auto next = Receive("it broke again", "SM-after");
  EXPECT_EQ(next.conversation_id, handed.conversation_id);
  EXPECT_EQ(GetConversation(handed.conversation_id).status, ConversationStatus::kOpen);
  EXPECT_EQ(CountEvents(events::kConversationReopened), 1);
}

TEST_F(ConversationServiceTest, ReopenedEventNamesChannelAndResolution) {
  const auto first = Receive("opening hours?", "SM1");
  const TimePoint resolved_at = clock_.Now();
  ASSERT_TRUE(Act([&](Repository& repository) {
                return service_->Resolve(repository, first.conversation_id, alice_.id, true);
              }).ok());
  clock_.Advance(hours(1));
  const auto next = Receive("opening hours?", "wamid.2", "whatsapp");
  EXPECT_EQ(next.conversation_id, first.conversation_id);
  EXPECT_EQ(GetConversation(first.conversation_id).status, ConversationStatus::kPending);
  EXPECT_EQ(next.queued.size(), 1u);  // Reopened at tier 0, so the bot replies.

  std::optional<Event> reopened;
  store_->Read([&](Repository& repository) {
    for (const auto& event : repository.ListEvents(0, 1000)) {
      if (event.type == events::kConversationReopened) {
        reopened = event;
      }
    }
  });
  ASSERT_TRUE(reopened.has_value());
  const auto resolved_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(resolved_at.time_since_epoch());
  EXPECT_EQ(reopened->data_json, "{\"channel\":\"whatsapp\",\"tier\":0,\"resolved_at\":" +
                                     std::to_string(resolved_ms.count()) + "}");
  EXPECT_EQ(reopened->inbox_id, "whatsapp");
}

TEST_F(ConversationServiceTest, EmptyReplyRefused) {
  const auto handed = Receive("agent please", "SM1");
  ASSERT_TRUE(Claim(handed.conversation_id, alice_).ok());
  EXPECT_EQ(Reply(handed.conversation_id, alice_, "").error, ActionError::kEmptyText);
}

TEST_F(ConversationServiceTest, ReplyWindowRefusesLateReply) {
  const auto handed = Receive("agent please", "WA1", "whatsapp");
  ASSERT_TRUE(Claim(handed.conversation_id, alice_).ok());
  clock_.Advance(hours(23));
  EXPECT_TRUE(Reply(handed.conversation_id, alice_, "Still within the window.").ok());

  clock_.Advance(hours(2));
  const auto late = Reply(handed.conversation_id, alice_, "Sorry for the wait.");
  EXPECT_EQ(late.error, ActionError::kOutsideReplyWindow);
  EXPECT_NE(late.detail.find("whatsapp"), std::string::npos) << late.detail;
}

TEST_F(ConversationServiceTest, NoReplyWindowOnSms) {
  const auto handed = Receive("agent please", "SM1");
  ASSERT_TRUE(Claim(handed.conversation_id, alice_).ok());
  clock_.Advance(hours(72));
  EXPECT_TRUE(Reply(handed.conversation_id, alice_, "Following up.").ok());
}

TEST_F(ConversationServiceTest, NoteIsStoredMasked) {
  const auto handed = Receive("agent please", "SM1");
  ASSERT_TRUE(Claim(handed.conversation_id, alice_).ok());
  const auto note = Act([&](Repository& repository) {
    return service_->AddNote(repository, handed.conversation_id, alice_.id, false,
                             "customer read out 4111-1111-1111-1111");
  });
  ASSERT_TRUE(note.ok()) << note.detail;
  const Message message = GetMessage(*note.message_id);
  EXPECT_EQ(message.direction, Direction::kNote);
  EXPECT_EQ(message.text, "customer read out ****-****-****-1111");
  EXPECT_TRUE(note.queued.empty());
}

TEST_F(ConversationServiceTest, NoteNeedsAssignment) {
  const auto handed = Receive("agent please", "SM1");
  const auto note = Act([&](Repository& repository) {
    return service_->AddNote(repository, handed.conversation_id, alice_.id, false, "hello");
  });
  EXPECT_EQ(note.error, ActionError::kNotAssignee);
}

TEST_F(ConversationServiceTest, DeliveredThenSentStaysDelivered) {
  const auto message_id = SendOneAnswer("SMout1");
  EXPECT_TRUE(ApplyStatus("SMout1", DeliveryStatus::kDelivered).changed);
  const auto late_sent = ApplyStatus("SMout1", DeliveryStatus::kSent);
  EXPECT_TRUE(late_sent.matched);
  EXPECT_FALSE(late_sent.changed);
  EXPECT_EQ(GetMessage(message_id).status, DeliveryStatus::kDelivered);
}

TEST_F(ConversationServiceTest, ReadAfterDeliveredMoves) {
  const auto message_id = SendOneAnswer("SMout1");
  ApplyStatus("SMout1", DeliveryStatus::kDelivered);
  EXPECT_TRUE(ApplyStatus("SMout1", DeliveryStatus::kRead).changed);
  EXPECT_EQ(GetMessage(message_id).status, DeliveryStatus::kRead);
  EXPECT_EQ(CountEvents(events::kMessageStatus), 2);
}

TEST_F(ConversationServiceTest, DeliveredBeforeFailedWins) {
  const auto message_id = SendOneAnswer("SMout1");
  ApplyStatus("SMout1", DeliveryStatus::kDelivered);
  EXPECT_FALSE(ApplyStatus("SMout1", DeliveryStatus::kFailed).changed);
  EXPECT_EQ(GetMessage(message_id).status, DeliveryStatus::kDelivered);
}

TEST_F(ConversationServiceTest, FailedBeforeDeliveredWins) {
  const auto message_id = SendOneAnswer("SMout1");
  ApplyStatus("SMout1", DeliveryStatus::kFailed);
  EXPECT_FALSE(ApplyStatus("SMout1", DeliveryStatus::kDelivered).changed);
  EXPECT_EQ(GetMessage(message_id).status, DeliveryStatus::kFailed);
}

TEST_F(ConversationServiceTest, SendSuccessStoresProviderId) {
  const auto message_id = SendOneAnswer("SMout1");
  const Message message = GetMessage(message_id);
  EXPECT_EQ(message.provider_message_id, "SMout1");
  EXPECT_EQ(message.status, DeliveryStatus::kSent);
  EXPECT_EQ(CountOutbox("done"), 1);
  EXPECT_EQ(CountEvents(events::kMessageSent), 1);
}

TEST_F(ConversationServiceTest, OrphanStatusAppliedOnSendSuccess) {
  Receive("opening hours?", "SM1");
  const auto early = ApplyStatus("SMout1", DeliveryStatus::kDelivered);
  EXPECT_FALSE(early.matched);

  const auto claimed = ClaimOutbox();
  ASSERT_EQ(claimed.size(), 1u);
  RecordSent(claimed[0], "SMout1");
  EXPECT_EQ(GetMessage(claimed[0].message_id).status, DeliveryStatus::kDelivered);

  std::vector<StatusUpdate> left;
  Write([&](Repository& repository) { left = repository.TakeOrphanStatuses("sms", "SMout1"); });
  EXPECT_TRUE(left.empty());
}

TEST_F(ConversationServiceTest, SendFailureStoresError) {
  Receive("opening hours?", "SM1");
  const auto claimed = ClaimOutbox();
  ASSERT_EQ(claimed.size(), 1u);
  Write([&](Repository& repository) {
    service_->RecordSendFailure(repository, claimed[0], "21211", "Invalid 'To' Phone Number");
  });
  const Message message = GetMessage(claimed[0].message_id);
  EXPECT_EQ(message.status, DeliveryStatus::kFailed);
  EXPECT_EQ(message.error_code, "21211");
  EXPECT_EQ(message.error_message, "Invalid 'To' Phone Number");
  EXPECT_EQ(CountOutbox("failed"), 1);
}

TEST_F(ConversationServiceTest, GsmExtensionCharactersCountTwice) {
  const auto handed = Receive("agent please", "SM1");
  ASSERT_TRUE(Claim(handed.conversation_id, alice_).ok());
  const auto reply = Reply(handed.conversation_id, alice_, std::string(81, '^'));
  ASSERT_TRUE(reply.ok()) << reply.detail;
  const Message message = GetMessage(*reply.message_id);
  EXPECT_EQ(message.encoding, "gsm7");
  EXPECT_EQ(message.segments, 2);
}

TEST_F(ConversationServiceTest, EmojiSwitchesToUcs2) {
  const auto handed = Receive("agent please", "SM1");
  ASSERT_TRUE(Claim(handed.conversation_id, alice_).ok());
  const auto reply = Reply(handed.conversation_id, alice_, std::string(69, 'A') + kEmoji);
  ASSERT_TRUE(reply.ok()) << reply.detail;
  const Message message = GetMessage(*reply.message_id);
  EXPECT_EQ(message.encoding, "ucs2");
  EXPECT_EQ(message.segments, 2);
}

TEST_F(ConversationServiceTest, NoSegmentsOnWhatsApp) {
  const auto handed = Receive("agent please", "WA1", "whatsapp");
  ASSERT_TRUE(Claim(handed.conversation_id, alice_).ok());
  const auto reply = Reply(handed.conversation_id, alice_, "Hello");
  ASSERT_TRUE(reply.ok()) << reply.detail;
  const Message message = GetMessage(*reply.message_id);
  EXPECT_EQ(message.encoding, "");
  EXPECT_EQ(message.segments, 0);
}

TEST_F(ConversationServiceTest, UnknownInboxThrows) {
  InboundMessage inbound;
  inbound.inbox_id = "nowhere";
  inbound.provider_message_id = "X1";
  inbound.from = {IdentityKind::kPhone, kCustomer, "nowhere"};
  const store::WriteResult result = store_->WriteAndWait(
      [&](Repository& repository) { service_->ReceiveInbound(repository, inbound); });
  EXPECT_FALSE(result.ok);
  EXPECT_NE(result.error.find("nowhere"), std::string::npos) << result.error;
}

}  // namespace
}  // namespace mobilelink::core

namespace mobilelink::core {
namespace {

TEST_F(ConversationServiceTest, InvalidUtf8StoredAsReplacement) {
  const auto outcome = Receive("where is \xFF my order", "SM-utf8");
  EXPECT_EQ(GetMessage(outcome.message_id).text, "where is \xEF\xBF\xBD my order");
}

}  // namespace
}  // namespace mobilelink::core
