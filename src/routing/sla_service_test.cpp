// SLA clocks, priorities, breaches and on-call paging over a real SQLite store, driven by the
// conversation core's hooks and fired by a TimerWorker with a ManualTimeSource.

#include "mobilelink/routing/sla_service.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "mobilelink/channels/registry.hpp"
#include "mobilelink/common/testing/temp_dir.hpp"
#include "mobilelink/events/event_types.hpp"
#include "mobilelink/store/sqlite_connection.hpp"
#include "mobilelink/store/store.hpp"

namespace mobilelink::routing {
namespace {

using namespace std::chrono_literals;
using core::Priority;
using core::Repository;
using core::TimePoint;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;

namespace json = boost::json;

constexpr char kCustomer[] = "+12025550100";
constexpr char kPagerOne[] = "+4915112345601";
constexpr char kPagerTwo[] = "+4915112345602";

// Monday 2 March 2026 10:00 UTC.
const TimePoint kMonday = TimePoint(sys_days(2026y / 3 / 2)) + 10h;

bot::BotConfig TestBotConfig() {
  bot::BotConfig config;
  config.handoff_after = 3;
  config.handoff_phrases = bot::DefaultHandoffPhrases();
  config.handoff_message = "Passing you to a person.";
  config.fallback_message = "Sorry, I did not understand.";
  return config;
}

// Targets in round numbers so that due times are easy to read in the tests.
config::SlaConfig TestSlaConfig() {
  config::SlaConfig sla;
  using Action = config::BreachAction;
  sla.policies[0] = {minutes(15), minutes(15), hours(4), {Action::kNotify, Action::kPageOnCall}};
  sla.policies[1] = {hours(1), hours(1), hours(8), {Action::kReassign, Action::kRaiseTier}};
  sla.policies[2] = {hours(2), hours(2), hours(24), {Action::kNotify}};
  sla.rules.push_back({Priority::kCritical, {}, {}, {"outage"}});
  sla.rules.push_back({Priority::kHigh, {}, {"gold"}, {}});
  sla.on_call_team = "payments";
  return sla;
}

config::OnCallConfig TestOnCall() {
  config::OnCallConfig on_call;
  on_call.team = "payments";
  on_call.inbox = "sms";
  on_call.ack_window = minutes(5);
  on_call.rotation = {{"Ana", kPagerOne}, {"Ben", kPagerTwo}};
  on_call.runbook = "Check the payment gateway dashboard first.";
  return on_call;
}

config::CalendarConfig BerlinOffice() {
  config::CalendarConfig calendar;
  calendar.id = "berlin";
  calendar.time_zone = "Europe/Berlin";
  for (int day = 0; day < 5; ++day) {
    calendar.hours[day] = {*config::ParseTimeRange("09:00-18:00")};
  }
  return calendar;
}

class SlaServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { Build(TestSlaConfig()); }

  void Build(config::SlaConfig sla_config) {
    if (store_) {
      store_->Stop();
    }
    store::SqliteOptions options;
    options.path = (dir_.Path() / "mobilelink.db").string();
    options.synchronous = "NORMAL";
    store_ = store::OpenSqliteStore(options);
    std::map<std::string, core::InboxProfile> inboxes{
        {"sms", {"sms", "twilio_sms", channels::FindAdapter("twilio_sms")->GetCapabilities()}}};
    service_ = std::make_unique<core::ConversationService>(
        inboxes, std::make_shared<bot::TierZeroBot>(TestBotConfig()),
        core::ComplianceTexts{"Unsubscribed.", "Subscribed again.", "Help at example.com."},
        clock_);
    on_call_ = std::make_unique<OnCallService>(std::vector<config::OnCallConfig>{TestOnCall()},
                                               *service_, clock_);
    sla_ = std::make_unique<SlaService>(std::move(sla_config),
                                        std::vector<config::CalendarConfig>{BerlinOffice()},
                                        on_call_.get(), clock_);
    sla_->SetCustomerTierLookup([this](Repository&, std::int64_t) { return customer_tier_; });
    service_->SetObserver(sla_.get());
    timers_ = std::make_unique<core::TimerWorker>(*store_, clock_);
    sla_->RegisterTimers(*timers_);
    Write([&](Repository& repository) { repository.UpsertAgent(alice_); });
  }

  void TearDown() override { store_->Stop(); }

  void Write(const std::function<void(Repository&)>& work) {
    const auto result = store_->WriteAndWait(work);
    ASSERT_TRUE(result.ok) << result.error;
  }

  core::InboundOutcome Receive(const std::string& text, const std::string& from = kCustomer) {
    core::InboundMessage inbound;
    inbound.inbox_id = "sms";
    inbound.provider_message_id = "SM" + std::to_string(++message_counter_);
    inbound.from = {core::IdentityKind::kPhone, from, ""};
    inbound.text = text;
    core::InboundOutcome outcome;
    Write([&](Repository& repository) { outcome = service_->ReceiveInbound(repository, inbound); });
    return outcome;
  }

  // Hands a new conversation off to tier 1 and returns its id.
  std::int64_t HandOff(const std::string& text = "I need a human please") {
    const auto outcome = Receive(text);
    EXPECT_TRUE(outcome.handed_off);
    return outcome.conversation_id;
  }

  core::ActionOutcome ClaimAndReply(std::int64_t conversation_id, const std::string& text) {
    core::ActionOutcome outcome;
    Write([&](Repository& repository) {
      service_->Claim(repository, conversation_id, alice_.id);
      outcome = service_->ReplyAsAgent(repository, conversation_id, alice_.id, false, text);
    });
    return outcome;
  }

  std::vector<SlaClock> Clocks(std::int64_t conversation_id) {
    std::vector<SlaClock> clocks;
    store_->Read([&](Repository& repository) {
      clocks = OpenSlaRepository(repository)->ListClocks(conversation_id);
    });
    return clocks;
  }

  std::optional<SlaClock> ActiveClock(std::int64_t conversation_id, config::SlaMetric metric) {
    for (const auto& clock : Clocks(conversation_id)) {
      if (clock.metric == metric && !clock.stopped_at) {
        return clock;
      }
    }
    return std::nullopt;
  }

  std::vector<core::Event> Events(std::string_view type) {
    std::vector<core::Event> found;
    store_->Read([&](Repository& repository) {
      for (auto& event : repository.ListEvents(0, 10000)) {
        if (event.type == type) {
          found.push_back(std::move(event));
        }
      }
    });
    return found;
  }

  core::Conversation GetConversation(std::int64_t id) {
    std::optional<core::Conversation> conversation;
    store_->Read([&](Repository& repository) { conversation = repository.GetConversation(id); });
    return conversation.value_or(core::Conversation{});
  }

  // Claims every due outbox row and records it as sent, as the outbox worker would, and
  // returns the rows. Rows of one conversation go out one at a time, so this loops.
  std::vector<core::OutboxEntry> DrainOutbox() {
    std::vector<core::OutboxEntry> sent;
    for (int round = 0; round < 20; ++round) {
      std::vector<core::OutboxEntry> claimed;
      Write([&](Repository& repository) {
        claimed = repository.ClaimDueOutbox(clock_.Now(), 100);
        for (const auto& entry : claimed) {
          service_->RecordSendSuccess(repository, entry, "SMout" + std::to_string(entry.id),
                                      core::DeliveryStatus::kSent);
        }
      });
      if (claimed.empty()) {
        break;
      }
      sent.insert(sent.end(), claimed.begin(), claimed.end());
    }
    return sent;
  }

  std::vector<core::OutboxEntry> PagesSentTo(const std::string& phone) {
    std::vector<core::OutboxEntry> pages;
    for (auto& entry : DrainOutbox()) {
      if (entry.recipient == phone) {
        pages.push_back(std::move(entry));
      }
    }
    return pages;
  }

  static json::object Data(const core::Event& event) {
    return json::parse(event.data_json).as_object();
  }

  testing::TempDir dir_;
  core::ManualTimeSource clock_{kMonday};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<core::ConversationService> service_;
  std::unique_ptr<OnCallService> on_call_;
  std::unique_ptr<SlaService> sla_;
  std::unique_ptr<core::TimerWorker> timers_;
  core::Agent alice_{0, "alice", "Alice", "agent", "hash", true};
  std::string customer_tier_;
  int message_counter_ = 0;
};

TEST_F(SlaServiceTest, HandoffStartsFirstResponseAndResolution) {
  const auto id = HandOff();
  const auto first = ActiveClock(id, config::SlaMetric::kFirstResponse);
  const auto resolution = ActiveClock(id, config::SlaMetric::kResolution);
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(resolution.has_value());
  EXPECT_EQ(first->priority, Priority::kStandard);
  EXPECT_EQ(*first->due_at, kMonday + hours(2));
  EXPECT_EQ(*resolution->due_at, kMonday + hours(24));
  EXPECT_EQ(Events(events::kSlaStarted).size(), 2u);

  std::optional<core::Timer> timer;
  store_->Read([&](Repository& repository) {
    timer = repository.FindTimer(SlaService::kDueTimerKind, std::to_string(first->id));
  });
  ASSERT_TRUE(timer.has_value());
  EXPECT_EQ(timer->due_at, kMonday + hours(2));
}

TEST_F(SlaServiceTest, ClockLookupScansNoOtherConversations) {
  for (int i = 0; i < 40; ++i) {
    Receive("I need a human please", "+120255502" + std::to_string(10 + i));
  }
  const std::int64_t conversation = HandOff();
  const auto& scanned = store::FullScanRows("list_sla_clocks");
  const double before = scanned.Value();

  Receive("Any news on my order?");
  const auto clocks = Clocks(conversation);

  EXPECT_FALSE(clocks.empty());
  EXPECT_EQ(scanned.Value(), before);
}

TEST_F(SlaServiceTest, BotConversationHasNoClocks) {
  const auto outcome = Receive("hello there");
  EXPECT_FALSE(outcome.handed_off);
  EXPECT_TRUE(Clocks(outcome.conversation_id).empty());
}

TEST_F(SlaServiceTest, BreachFiresAtExactDueTimeOnce) {
  const auto id = HandOff();
  const TimePoint due = kMonday + hours(2);
  EXPECT_EQ(timers_->RunDue(due - seconds(1)), 0);
  EXPECT_TRUE(Events(events::kSlaBreached).empty());

  clock_.Advance(hours(2));
  EXPECT_EQ(timers_->RunDue(due), 1);
  const auto breaches = Events(events::kSlaBreached);
  ASSERT_EQ(breaches.size(), 1u);
  const auto data = Data(breaches[0]);
  EXPECT_EQ(data.at("metric").as_string(), "first_response");
  EXPECT_EQ(data.at("priority").as_string(), "standard");
  EXPECT_EQ(data.at("target_seconds").as_int64(), 7200);
  EXPECT_EQ(data.at("elapsed_seconds").as_int64(), 7200);
  EXPECT_EQ(breaches[0].conversation_id, id);
  EXPECT_TRUE(ActiveClock(id, config::SlaMetric::kFirstResponse)->breached_at.has_value());

  clock_.Advance(hours(30));
  EXPECT_EQ(timers_->RunDue(clock_.Now()), 1);  // Only the resolution clock is left.
  EXPECT_EQ(Events(events::kSlaBreached).size(), 2u);
  clock_.Advance(hours(30));
  EXPECT_EQ(timers_->RunDue(clock_.Now()), 0);
}

TEST_F(SlaServiceTest, AgentReplyStopsResponseClock) {
  const auto id = HandOff();
  clock_.Advance(minutes(30));
  ASSERT_TRUE(ClaimAndReply(id, "Hi, I am looking into it.").ok());

  EXPECT_FALSE(ActiveClock(id, config::SlaMetric::kFirstResponse).has_value());
  EXPECT_TRUE(ActiveClock(id, config::SlaMetric::kResolution).has_value());
  const auto stopped = Events(events::kSlaStopped);
  ASSERT_EQ(stopped.size(), 1u);
  EXPECT_EQ(Data(stopped[0]).at("reason").as_string(), "answered");
  EXPECT_EQ(Data(stopped[0]).at("elapsed_seconds").as_int64(), 1800);
  EXPECT_EQ(timers_->RunDue(kMonday + hours(3)), 0);
  EXPECT_TRUE(Events(events::kSlaBreached).empty());
}

TEST_F(SlaServiceTest, CustomerMessageStartsNextResponse) {
  const auto id = HandOff();
  ASSERT_TRUE(ClaimAndReply(id, "Hi, what is the order number?").ok());
  clock_.Advance(minutes(10));
  Receive("It is 1234");
  const auto next = ActiveClock(id, config::SlaMetric::kNextResponse);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->started_at, kMonday + minutes(10));
  EXPECT_EQ(*next->due_at, kMonday + minutes(10) + hours(2));

  // A second message before the agent replies keeps the clock that is already running.
  clock_.Advance(minutes(5));
  Receive("Did you find it?");
  EXPECT_EQ(ActiveClock(id, config::SlaMetric::kNextResponse)->id, next->id);

  ASSERT_TRUE(ClaimAndReply(id, "Found it.").ok());
  EXPECT_FALSE(ActiveClock(id, config::SlaMetric::kNextResponse).has_value());
  EXPECT_EQ(Events(events::kSlaStopped).size(), 2u);
}

TEST_F(SlaServiceTest, PendingPausesAndCustomerResumes) {
  const auto id = HandOff();
  ASSERT_TRUE(ClaimAndReply(id, "Please send a photo of the receipt.").ok());
  clock_.Advance(hours(1));  // The resolution clock has counted 1 h of its 24 h.
  Write([&](Repository& repository) {
    ASSERT_TRUE(service_->MarkPending(repository, id, alice_.id, false).ok());
  });
  const auto paused = ActiveClock(id, config::SlaMetric::kResolution);
  ASSERT_TRUE(paused->paused_at.has_value());
  EXPECT_FALSE(paused->due_at.has_value());
  EXPECT_EQ(paused->remaining, hours(23));
  EXPECT_EQ(Events(events::kSlaPaused).size(), 1u);

  // A week of waiting on the customer breaches nothing.
  clock_.Advance(hours(24 * 7));
  EXPECT_EQ(timers_->RunDue(clock_.Now()), 0);
  EXPECT_TRUE(Events(events::kSlaBreached).empty());

  Receive("Here it is.");
  EXPECT_EQ(GetConversation(id).status, core::ConversationStatus::kOpen);
  const auto resumed = ActiveClock(id, config::SlaMetric::kResolution);
  EXPECT_FALSE(resumed->paused_at.has_value());
  EXPECT_EQ(*resumed->due_at, clock_.Now() + hours(23));
  EXPECT_EQ(Events(events::kSlaResumed).size(), 1u);
  EXPECT_TRUE(ActiveClock(id, config::SlaMetric::kNextResponse).has_value());
}

TEST_F(SlaServiceTest, PriorityChangeWhilePausedKeepsElapsed) {
  const auto id = HandOff();
  ASSERT_TRUE(ClaimAndReply(id, "Please send the invoice number.").ok());
  clock_.Advance(hours(1));
  Write([&](Repository& repository) {
    ASSERT_TRUE(service_->MarkPending(repository, id, alice_.id, false).ok());
    ASSERT_TRUE(sla_->SetPriority(repository, id, Priority::kCritical, alice_.id).ok());
  });
  // One hour of the critical 4 h resolution target is used.
  const auto paused = ActiveClock(id, config::SlaMetric::kResolution);
  EXPECT_EQ(paused->target, hours(4));
  EXPECT_EQ(paused->remaining, hours(3));
  EXPECT_FALSE(paused->due_at.has_value());

  clock_.Advance(hours(10));
  Receive("INV-1234");
  EXPECT_EQ(*ActiveClock(id, config::SlaMetric::kResolution)->due_at, clock_.Now() + hours(3));
  EXPECT_EQ(*ActiveClock(id, config::SlaMetric::kNextResponse)->due_at, clock_.Now() + minutes(15));
}

TEST_F(SlaServiceTest, ResolveStopsEveryClock) {
  const auto id = HandOff();
  Write([&](Repository& repository) {
    service_->Claim(repository, id, alice_.id);
    ASSERT_TRUE(service_->Resolve(repository, id, alice_.id, false).ok());
  });
  for (const auto& clock : Clocks(id)) {
    EXPECT_TRUE(clock.stopped_at.has_value());
  }
  EXPECT_EQ(Events(events::kSlaStopped).size(), 2u);
  EXPECT_EQ(timers_->RunDue(kMonday + hours(48)), 0);
}

TEST_F(SlaServiceTest, ClocksCountBusinessHours) {
  auto config = TestSlaConfig();
  config.calendar = "berlin";
  Build(std::move(config));
  // Friday 6 March 17:30 in Berlin (16:30 UTC): 30 minutes are left that day, so a 2 h target
  // is due Monday 9 March 10:30 Berlin time (09:30 UTC).
  clock_.Advance(TimePoint(sys_days(2026y / 3 / 6)) + 16h + 30min - clock_.Now());
  const auto id = HandOff();
  const auto first = ActiveClock(id, config::SlaMetric::kFirstResponse);
  EXPECT_EQ(first->calendar_id, "berlin");
  const TimePoint due = TimePoint(sys_days(2026y / 3 / 9)) + 9h + 30min;
  EXPECT_EQ(*first->due_at, due);
  EXPECT_EQ(timers_->RunDue(due - seconds(1)), 0);
  clock_.Advance(due - clock_.Now());
  EXPECT_EQ(timers_->RunDue(due), 1);
  EXPECT_EQ(Data(Events(events::kSlaBreached).at(0)).at("elapsed_seconds").as_int64(), 7200);
}

TEST_F(SlaServiceTest, KeywordRuleRaisesPriority) {
  const auto id = HandOff("Total outage, I need a human now");
  EXPECT_EQ(GetConversation(id).priority, Priority::kCritical);
  const auto first = ActiveClock(id, config::SlaMetric::kFirstResponse);
  EXPECT_EQ(first->priority, Priority::kCritical);
  EXPECT_EQ(*first->due_at, kMonday + minutes(15));
  const auto changes = Events(events::kConversationPriorityChanged);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(Data(changes[0]).at("source").as_string(), "rule");
}

TEST_F(SlaServiceTest, CustomerTierRuleMatches) {
  customer_tier_ = "gold";
  const auto id = HandOff();
  EXPECT_EQ(GetConversation(id).priority, Priority::kHigh);
  EXPECT_EQ(sla_->MatchRules({"", "silver", "all fine"}), std::nullopt);
  EXPECT_EQ(sla_->MatchRules({"", "gold", ""}), Priority::kHigh);
  EXPECT_EQ(sla_->MatchRules({"", "", "OUTAGE here"}), Priority::kCritical);
}

TEST_F(SlaServiceTest, IntentRuleSkipsFallbackGuess) {
  auto config = TestSlaConfig();
  config.rules.insert(config.rules.begin(), {Priority::kCritical, {"card_freeze"}, {}, {}});
  Build(std::move(config));
  const auto id = HandOff();
  core::Message message;
  message.conversation_id = id;
  message.text = "it is gone";
  message.intent = "card_freeze";
  message.intent_confidence = 0.4;
  Write([&](Repository& repository) {
    auto conversation = *repository.GetConversation(id);
    sla_->OnCustomerMessage(repository, conversation, message, false);
    EXPECT_EQ(conversation.priority, Priority::kStandard);
    message.intent_confidence = 0.9;
    sla_->OnCustomerMessage(repository, conversation, message, false);
    EXPECT_EQ(conversation.priority, Priority::kCritical);
  });
}

TEST_F(SlaServiceTest, AgentPriorityRetargetsAndHoldsAgainstRules) {
  const auto id = HandOff();
  clock_.Advance(minutes(5));
  Write([&](Repository& repository) {
    ASSERT_TRUE(sla_->SetPriority(repository, id, Priority::kCritical, alice_.id).ok());
  });
  EXPECT_EQ(GetConversation(id).priority, Priority::kCritical);
  // Five of the fifteen minutes are gone.
  EXPECT_EQ(*ActiveClock(id, config::SlaMetric::kFirstResponse)->due_at, kMonday + minutes(15));

  Write([&](Repository& repository) {
    ASSERT_TRUE(sla_->SetPriority(repository, id, Priority::kStandard, alice_.id).ok());
  });
  Receive("there is an outage");  // Would raise it to critical without the agent's choice.
  EXPECT_EQ(GetConversation(id).priority, Priority::kStandard);
  EXPECT_EQ(*ActiveClock(id, config::SlaMetric::kFirstResponse)->due_at, kMonday + hours(2));
  const auto changes = Events(events::kConversationPriorityChanged);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(Data(changes[1]).at("source").as_string(), "agent");
  EXPECT_EQ(changes[1].agent_id, alice_.id);

  core::ActionOutcome missing;
  Write([&](Repository& repository) {
    missing = sla_->SetPriority(repository, 9999, Priority::kHigh, alice_.id);
  });
  EXPECT_EQ(missing.error, core::ActionError::kConversationNotFound);
}

TEST_F(SlaServiceTest, HighBreachReassignsAndRaisesTier) {
  customer_tier_ = "gold";
  const auto id = HandOff();
  Write([&](Repository& repository) { service_->Claim(repository, id, alice_.id); });
  clock_.Advance(hours(1));
  EXPECT_EQ(timers_->RunDue(clock_.Now()), 1);
  const auto conversation = GetConversation(id);
  EXPECT_FALSE(conversation.assignee_agent_id.has_value());
  EXPECT_EQ(conversation.tier, 2);
  const auto unassigned = Events(events::kConversationUnassigned);
  ASSERT_EQ(unassigned.size(), 1u);
  EXPECT_EQ(Data(unassigned[0]).at("previous_agent_id").as_int64(), alice_.id);
  const auto escalations = Events(events::kEscalationRaised);
  ASSERT_EQ(escalations.size(), 1u);
  EXPECT_EQ(Data(escalations[0]).at("from_tier").as_int64(), 1);
  EXPECT_EQ(Data(escalations[0]).at("reason").as_string(), "sla_breach");
}

TEST_F(SlaServiceTest, CriticalBreachPagesAndEscalatesUntilAck) {
  const auto id = HandOff("Payment outage, get me a human");
  DrainOutbox();  // The bot's handoff reply.
  const auto& team = TestOnCall();
  const std::size_t first_index = on_call_->CurrentIndex(team, clock_.Now());
  const std::string first_phone = team.rotation[first_index].phone;
  const std::string second_phone = team.rotation[(first_index + 1) % 2].phone;

  clock_.Advance(minutes(15));
  EXPECT_EQ(timers_->RunDue(clock_.Now()), 1);
  const auto first_pages = PagesSentTo(first_phone);
  ASSERT_EQ(first_pages.size(), 1u);
  EXPECT_NE(first_pages[0].text.find("Reply ACK"), std::string::npos);
  EXPECT_NE(first_pages[0].text.find("conversation " + std::to_string(id)), std::string::npos);
  EXPECT_NE(first_pages[0].text.find("Runbook: Check the payment gateway"), std::string::npos);
  auto paged = Events(events::kOnCallPaged);
  ASSERT_EQ(paged.size(), 1u);
  EXPECT_EQ(Data(paged[0]).at("attempt").as_int64(), 1);
  EXPECT_EQ(paged[0].message_id, first_pages[0].message_id);

  // No ACK within the 5 minute window: the next person is paged, exactly at the boundary.
  EXPECT_EQ(timers_->RunDue(clock_.Now() + minutes(5) - seconds(1)), 0);
  clock_.Advance(minutes(5));
  EXPECT_EQ(timers_->RunDue(clock_.Now()), 1);
  ASSERT_EQ(PagesSentTo(second_phone).size(), 1u);
  paged = Events(events::kOnCallPaged);
  ASSERT_EQ(paged.size(), 2u);
  EXPECT_EQ(Data(paged[1]).at("attempt").as_int64(), 2);

  // The second person acknowledges; the reply is consumed, not handed to the bot.
  const auto ack = Receive("ack, on it", second_phone);
  EXPECT_TRUE(ack.consumed);
  EXPECT_EQ(ack.conversation_id, 0);
  const auto acknowledged = Events(events::kOnCallAcknowledged);
  ASSERT_EQ(acknowledged.size(), 1u);
  EXPECT_EQ(Data(acknowledged[0]).at("attempt").as_int64(), 2);
  EXPECT_EQ(acknowledged[0].conversation_id, id);

  // Nothing more is paged, and a repeated ACK changes nothing.
  clock_.Advance(hours(1));
  timers_->RunDue(clock_.Now());
  EXPECT_EQ(Events(events::kOnCallPaged).size(), 2u);
  EXPECT_TRUE(Receive("ACK", second_phone).consumed);
  EXPECT_EQ(Events(events::kOnCallAcknowledged).size(), 1u);
}

TEST_F(SlaServiceTest, UnacknowledgedRotationStopsAfterLastPerson) {
  HandOff("outage! human please");
  clock_.Advance(minutes(15));
  timers_->RunDue(clock_.Now());
  for (int i = 0; i < 4; ++i) {
    clock_.Advance(minutes(5));
    timers_->RunDue(clock_.Now());
  }
  // Two people in the rotation: each is paged once.
  EXPECT_EQ(Events(events::kOnCallPaged).size(), 2u);
}

TEST(AckWord, MatchesWholeWordInAnyCase) {
  EXPECT_TRUE(ContainsAckWord("ACK"));
  EXPECT_TRUE(ContainsAckWord("ok, ack."));
  EXPECT_TRUE(ContainsAckWord("Acknowledged"));
  EXPECT_FALSE(ContainsAckWord("backup is running"));
  EXPECT_FALSE(ContainsAckWord("hello"));
}

TEST(OnCallRotation, ChangesPersonEachMondayUtc) {
  const auto team = TestOnCall();
  core::ManualTimeSource clock(kMonday);
  std::map<std::string, core::InboxProfile> inboxes;
  core::ConversationService service(inboxes, nullptr, {}, clock);
  OnCallService on_call({team}, service, clock);
  const TimePoint sunday_night = TimePoint(sys_days(2026y / 3 / 8)) + 23h + 59min;
  const TimePoint monday = TimePoint(sys_days(2026y / 3 / 9));
  EXPECT_EQ(on_call.CurrentIndex(team, kMonday), on_call.CurrentIndex(team, sunday_night));
  EXPECT_NE(on_call.CurrentIndex(team, sunday_night), on_call.CurrentIndex(team, monday));
}

}  // namespace
}  // namespace mobilelink::routing
