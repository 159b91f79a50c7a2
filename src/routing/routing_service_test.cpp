#include "mobilelink/routing/routing_service.hpp"

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "mobilelink/channels/registry.hpp"
#include "mobilelink/common/testing/temp_dir.hpp"
#include "mobilelink/core/timer_worker.hpp"
#include "mobilelink/events/event_types.hpp"
#include "mobilelink/routing/auto_assigner.hpp"
#include "mobilelink/routing/escalation_timers.hpp"
#include "mobilelink/routing/routing_repository.hpp"
#include "mobilelink/store/store.hpp"

namespace mobilelink::routing {
namespace {

using std::chrono::seconds;

core::InboxProfile Profile(const std::string& id, const std::string& channel) {
  return {id, channel, channels::FindAdapter(channel)->GetCapabilities()};
}

bot::BotConfig TestBotConfig() {
  bot::BotConfig config;
  config.handoff_after = 3;
  config.handoff_phrases = bot::DefaultHandoffPhrases();
  config.handoff_message = "Passing you to a person.";
  config.fallback_message = "Sorry, I did not understand.";
  return config;
}

// Teams support (least busy, overflows to backup), backup (round robin) and billing (skills),
// plus engineering for tier 2. Agents alice, bob and carol; dave supervises support.
RoutingConfig TestRoutingConfig() {
  RoutingConfig config;
  config.settings.default_team = "support";
  config.settings.tier2_team = "engineering";
  config.settings.notices.accept_timeout = "Everyone is busy; {team} will answer within {wait}.";
  config.settings.notices.resolution_timeout = "We passed your case to {team}; expect {wait}.";
  config.settings.notices.needs_engineering = "Our engineers in {team} will reply within {wait}.";
  config.teams = {
      {"support", "Support", {}, Policy::kLeastBusy, "backup", "", {"dave"}},
      {"backup", "Backup", {}, Policy::kRoundRobin, "", "", {}},
      {"billing", "Billing", {"billing"}, Policy::kSkills, "", "", {}},
      {"engineering", "Engineering", {}, Policy::kLeastBusy, "", "", {}},
  };
  config.agents = {
      {"alice", {"support", "backup", "billing"}, {}, {2, {{"sms", 1}}}},
      {"bob", {"support", "backup", "billing"}, {"billing"}, {3, {}}},
      {"carol", {"backup", "engineering"}, {}, {3, {}}},
  };
  return config;
}

class RoutingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqliteOptions options;
    options.path = (dir_.Path() / "mobilelink.db").string();
    options.synchronous = "NORMAL";
    store_ = store::OpenSqliteStore(options);
    std::map<std::string, core::InboxProfile> inboxes{
        {"sms", Profile("sms", "twilio_sms")},
        {"whatsapp", Profile("whatsapp", "whatsapp")},
    };
    conversations_ = std::make_unique<core::ConversationService>(
        inboxes, std::make_shared<bot::TierZeroBot>(TestBotConfig()),
        core::ComplianceTexts{"Unsubscribed.", "Subscribed again.", "Help."}, clock_);
    Write([&](core::Repository& repository) {
      for (const char* login : {"alice", "bob", "carol", "dave"}) {
        core::Agent agent{0,
                          login,
                          login,
                          login == std::string("dave") ? "supervisor" : "agent",
                          "$argon2id$unused",
                          true};
        repository.UpsertAgent(agent);
        ids_[login] = agent.id;
      }
    });
    Init(TestRoutingConfig());
  }
  void TearDown() override { store_->Stop(); }

  void Init(RoutingConfig config) {
    routing_ = std::make_unique<RoutingService>(std::move(config), *conversations_, clock_);
    store_->Read([&](core::Repository& repository) { routing_->ResolveAgents(repository); });
    conversations_->SetHandoffListener(routing_.get());
  }

  void Write(const std::function<void(core::Repository&)>& work) {
    const store::WriteResult result = store_->WriteAndWait(work);
    ASSERT_TRUE(result.ok) << result.error;
  }

  template <typename Action>
  RoutingOutcome Act(Action action) {
    RoutingOutcome outcome;
    Write([&](core::Repository& repository) { outcome = action(repository); });
    return outcome;
  }

  // Sends a handoff request from a new customer and returns the handed-off conversation.
  std::int64_t HandOff(const std::string& inbox = "sms") {
    core::InboundMessage inbound;
    inbound.inbox_id = inbox;
    inbound.provider_message_id = "in-" + std::to_string(++customers_);
    inbound.from = {core::IdentityKind::kPhone, "+1202555" + std::to_string(1000 + customers_),
                    inbox};
    inbound.text = "I want to talk to a human";
    core::InboundOutcome outcome;
    Write([&](core::Repository& repository) {
      outcome = conversations_->ReceiveInbound(repository, inbound);
    });
    EXPECT_TRUE(outcome.handed_off);
    return outcome.conversation_id;
  }

  void GoOnline(const std::string& login) {
    EXPECT_TRUE(Act([&](core::Repository& repository) {
                  return routing_->SetPresence(repository, ids_[login], {ids_[login], false},
                                               Presence::kOnline);
                }).ok());
  }

  int Drain() {
    int assigned = 0;
    Write([&](core::Repository& repository) { assigned = routing_->DrainAll(repository); });
    return assigned;
  }

  RoutingOutcome Claim(std::int64_t conversation, const std::string& login) {
    return Act([&](core::Repository& repository) {
      return routing_->Claim(repository, conversation, ids_[login]);
    });
  }

  core::Conversation Get(std::int64_t id) {
    std::optional<core::Conversation> conversation;
    store_->Read(
        [&](core::Repository& repository) { conversation = repository.GetConversation(id); });
    return conversation.value_or(core::Conversation{});
  }

  QueueEntry Entry(std::int64_t id) {
    std::optional<QueueEntry> entry;
    store_->Read([&](core::Repository& repository) {
      entry = OpenRoutingRepository(repository)->GetEntry(id);
    });
    return entry.value_or(QueueEntry{});
  }

  void SaveEntry(const QueueEntry& entry) {
    Write(
        [&](core::Repository& repository) { OpenRoutingRepository(repository)->SaveEntry(entry); });
  }

  std::vector<core::Event> EventsOfType(std::string_view type) {
    std::vector<core::Event> found;
    store_->Read([&](core::Repository& repository) {
      for (auto& event : repository.ListEvents(0, 10000)) {
        if (event.type == type) {
          found.push_back(std::move(event));
        }
      }
    });
    return found;
  }

  std::vector<std::string> OutboundTexts(std::int64_t conversation) {
    std::vector<std::string> texts;
    store_->Read([&](core::Repository& repository) {
      for (const auto& message : repository.ListMessages(conversation, 0, 100)) {
        if (message.direction == core::Direction::kOutbound) {
          texts.push_back(message.text);
        }
      }
    });
    return texts;
  }

  testing::TempDir dir_;
  core::ManualTimeSource clock_{core::TimePoint(std::chrono::hours(24 * 20000))};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<core::ConversationService> conversations_;
  std::unique_ptr<RoutingService> routing_;
  std::map<std::string, std::int64_t> ids_;
  int customers_ = 0;
};

boost::json::object DataOf(const core::Event& event) {
  return boost::json::parse(event.data_json).as_object();
}

TEST_F(RoutingTest, HandoffQueuesOnDefaultTeam) {
  const auto conversation = HandOff();
  const QueueEntry entry = Entry(conversation);
  EXPECT_EQ(entry.team_id, "support");
  EXPECT_EQ(entry.channel_kind, "sms");
  EXPECT_FALSE(entry.assignee_agent_id);
  const auto raised = EventsOfType(events::kEscalationRaised);
  ASSERT_EQ(raised.size(), 1u);
  const auto data = DataOf(raised.front());
  EXPECT_EQ(data.at("from_tier").as_int64(), 0);
  EXPECT_EQ(data.at("to_tier").as_int64(), 1);
  EXPECT_EQ(data.at("reason").as_string(), "customer_request");
  EXPECT_EQ(data.at("team").as_string(), "support");
  EXPECT_TRUE(routing_->TakeDrainRequest());
}

TEST_F(RoutingTest, OfflineAgentsGetNothing) {
  HandOff();
  EXPECT_EQ(Drain(), 0);
  GoOnline("alice");
  EXPECT_EQ(Drain(), 1);
}

TEST_F(RoutingTest, LeastBusySpreadsLoad) {
  GoOnline("alice");
  GoOnline("bob");
  const auto first = HandOff("whatsapp");
  ASSERT_EQ(Drain(), 1);
  const auto second = HandOff("whatsapp");
  ASSERT_EQ(Drain(), 1);
  EXPECT_EQ(Get(first).assignee_agent_id, ids_["alice"]);
  EXPECT_EQ(Get(second).assignee_agent_id, ids_["bob"]);
  EXPECT_TRUE(Entry(first).offered_at);
  EXPECT_FALSE(Entry(first).accepted_at);
}

TEST_F(RoutingTest, ChannelCapacityHoldsBacklog) {
  GoOnline("alice");
  const auto first = HandOff("sms");
  const auto second = HandOff("sms");
  EXPECT_EQ(Drain(), 1);
  EXPECT_EQ(Get(first).assignee_agent_id, ids_["alice"]);
  EXPECT_FALSE(Get(second).assignee_agent_id);
  // Alice takes no second SMS conversation, but a WhatsApp one fits her total of 2.
  const auto third = HandOff("whatsapp");
  EXPECT_EQ(Drain(), 1);
  EXPECT_EQ(Get(third).assignee_agent_id, ids_["alice"]);
}

TEST_F(RoutingTest, RoundRobinRotates) {
  GoOnline("alice");
  GoOnline("bob");
  GoOnline("carol");
  std::vector<std::int64_t> assignees;
  for (int i = 0; i < 4; ++i) {
    const auto conversation = HandOff("whatsapp");
    QueueEntry entry = Entry(conversation);
    entry.team_id = "backup";
    SaveEntry(entry);
    ASSERT_EQ(Drain(), 1);
    assignees.push_back(Get(conversation).assignee_agent_id.value_or(0));
  }
  EXPECT_EQ(assignees[0], ids_["alice"]);
  EXPECT_EQ(assignees[1], ids_["bob"]);
  EXPECT_EQ(assignees[2], ids_["carol"]);
  EXPECT_EQ(assignees[3], ids_["alice"]);
}

TEST_F(RoutingTest, SkillsPolicyNeedsTheSkill) {
  GoOnline("alice");
  const auto conversation = HandOff("whatsapp");
  QueueEntry entry = Entry(conversation);
  entry.team_id = "billing";
  entry.required_skill = "billing";
  SaveEntry(entry);
  EXPECT_EQ(Drain(), 0);
  GoOnline("bob");
  EXPECT_EQ(Drain(), 1);
  EXPECT_EQ(Get(conversation).assignee_agent_id, ids_["bob"]);
}

TEST_F(RoutingTest, DrainsByPriorityThenHandoffTime) {
  const auto oldest = HandOff("whatsapp");
  clock_.Advance(seconds(10));
  const auto middle = HandOff("whatsapp");
  clock_.Advance(seconds(10));
  const auto urgent = HandOff("whatsapp");
  ASSERT_TRUE(Act([&](core::Repository& repository) {
                return routing_->SetPriority(repository, urgent, {ids_["dave"], true},
                                             core::Priority::kHigh);
              }).ok());
  // Alice can take two; the high-priority conversation goes first, then the oldest.
  GoOnline("alice");
  EXPECT_EQ(Drain(), 2);
  EXPECT_EQ(Get(urgent).assignee_agent_id, ids_["alice"]);
  EXPECT_EQ(Get(oldest).assignee_agent_id, ids_["alice"]);
  EXPECT_FALSE(Get(middle).assignee_agent_id);

  Write([&](core::Repository& repository) {
    ASSERT_TRUE(conversations_->Resolve(repository, oldest, ids_["alice"], false).ok());
  });
  EXPECT_EQ(Drain(), 1);
  EXPECT_EQ(Get(middle).assignee_agent_id, ids_["alice"]);
}

TEST_F(RoutingTest, ClaimStopsAtCapacity) {
  const auto first = HandOff("whatsapp");
  const auto second = HandOff("whatsapp");
  const auto third = HandOff("whatsapp");
  EXPECT_TRUE(Claim(first, "alice").ok());
  EXPECT_TRUE(Claim(second, "alice").ok());
  const auto over = Claim(third, "alice");
  EXPECT_EQ(over.error, RoutingError::kOverCapacity);
  EXPECT_FALSE(Get(third).assignee_agent_id);
  EXPECT_TRUE(Entry(first).accepted_at);
}

TEST_F(RoutingTest, ClaimOfAssignedIsRejected) {
  const auto conversation = HandOff();
  ASSERT_TRUE(Claim(conversation, "alice").ok());
  EXPECT_EQ(Claim(conversation, "bob").error, RoutingError::kAlreadyAssigned);
  EXPECT_TRUE(Claim(conversation, "alice").ok());
  EXPECT_EQ(Claim(999999, "bob").error, RoutingError::kConversationNotFound);
}

TEST_F(RoutingTest, AcceptConfirmsAnOffer) {
  GoOnline("alice");
  const auto conversation = HandOff();
  ASSERT_EQ(Drain(), 1);
  EXPECT_EQ(Act([&](core::Repository& repository) {
              return routing_->Accept(repository, conversation, {ids_["bob"], false});
            }).error,
            RoutingError::kNotAssignee);
  EXPECT_TRUE(Act([&](core::Repository& repository) {
                return routing_->Accept(repository, conversation, {ids_["alice"], false});
              }).ok());
  EXPECT_TRUE(Entry(conversation).accepted_at);
  EXPECT_EQ(EventsOfType(events::kConversationAccepted).size(), 1u);
}

TEST_F(RoutingTest, TransferToAgentChecksCapacity) {
  const auto first = HandOff("sms");
  const auto second = HandOff("sms");
  ASSERT_TRUE(Claim(first, "alice").ok());
  ASSERT_TRUE(Claim(second, "bob").ok());
  // Alice already has her one SMS conversation.
  const auto over = Act([&](core::Repository& repository) {
    return routing_->TransferToAgent(repository, second, {ids_["bob"], false}, ids_["alice"]);
  });
  EXPECT_EQ(over.error, RoutingError::kOverCapacity);
  EXPECT_EQ(Get(second).assignee_agent_id, ids_["bob"]);

  const auto moved = Act([&](core::Repository& repository) {
    return routing_->TransferToAgent(repository, second, {ids_["bob"], false}, ids_["carol"]);
  });
  EXPECT_TRUE(moved.ok());
  EXPECT_EQ(Get(second).assignee_agent_id, ids_["carol"]);
  const auto transferred = EventsOfType(events::kConversationTransferred);
  ASSERT_EQ(transferred.size(), 1u);
  EXPECT_EQ(DataOf(transferred.front()).at("from_agent_id").as_int64(), ids_["bob"]);
}

TEST_F(RoutingTest, TransferNeedsAssigneeOrSupervisor) {
  const auto conversation = HandOff();
  ASSERT_TRUE(Claim(conversation, "alice").ok());
  const auto denied = Act([&](core::Repository& repository) {
    return routing_->TransferToTeam(repository, conversation, {ids_["bob"], false}, "backup");
  });
  EXPECT_EQ(denied.error, RoutingError::kNotAssignee);
  const auto missing = Act([&](core::Repository& repository) {
    return routing_->TransferToTeam(repository, conversation, {ids_["alice"], false}, "nope");
  });
  EXPECT_EQ(missing.error, RoutingError::kTeamNotFound);
  const auto moved = Act([&](core::Repository& repository) {
    return routing_->TransferToTeam(repository, conversation, {ids_["dave"], true}, "backup");
  });
  EXPECT_TRUE(moved.ok());
  EXPECT_FALSE(Get(conversation).assignee_agent_id);
  EXPECT_EQ(Entry(conversation).team_id, "backup");
}

TEST_F(RoutingTest, AcceptTimeoutMovesToOverflow) {
  GoOnline("alice");
  const auto conversation = HandOff("whatsapp");
  ASSERT_EQ(Drain(), 1);
  clock_.Advance(seconds(120));
  Act([&](core::Repository& repository) {
    return routing_->OnAcceptTimeout(repository, conversation);
  });
  EXPECT_FALSE(Get(conversation).assignee_agent_id);
  EXPECT_EQ(Entry(conversation).team_id, "backup");

  const auto raised = EventsOfType(events::kEscalationRaised);
  ASSERT_EQ(raised.size(), 2u);
  const auto data = DataOf(raised.back());
  EXPECT_EQ(data.at("reason").as_string(), "accept_timeout");
  EXPECT_EQ(data.at("team").as_string(), "backup");
  const auto alerts = EventsOfType(events::kSupervisorAlerted);
  ASSERT_EQ(alerts.size(), 1u);
  const auto alert = DataOf(alerts.front());
  EXPECT_EQ(alert.at("supervisor_ids").as_array().at(0).as_int64(), ids_["dave"]);
  EXPECT_EQ(alert.at("waiting_s").as_int64(), 120);

  const auto texts = OutboundTexts(conversation);
  ASSERT_FALSE(texts.empty());
  EXPECT_EQ(texts.back(), "Everyone is busy; Backup will answer within 2 minutes.");
}

TEST_F(RoutingTest, AcceptTimeoutWithoutOverflowStays) {
  GoOnline("alice");
  const auto conversation = HandOff("whatsapp");
  ASSERT_EQ(Drain(), 1);
  const auto time_out = [&] {
    clock_.Advance(seconds(120));
    Act([&](core::Repository& repository) {
      return routing_->OnAcceptTimeout(repository, conversation);
    });
  };
  const auto busy_notices = [&] {
    const auto texts = OutboundTexts(conversation);
    return std::count(texts.begin(), texts.end(),
                      "Everyone is busy; Backup will answer within 2 minutes.");
  };
  time_out();
  ASSERT_EQ(Entry(conversation).team_id, "backup");
  ASSERT_EQ(EventsOfType(events::kEscalationRaised).size(), 2u);
  ASSERT_EQ(busy_notices(), 1);

  // Backup has no overflow team: its offer is withdrawn and its supervisors are alerted, but
  // the conversation stays, so nothing is escalated or sent again.
  ASSERT_EQ(Drain(), 1);
  ASSERT_EQ(Get(conversation).assignee_agent_id, ids_["alice"]);
  time_out();
  EXPECT_FALSE(Get(conversation).assignee_agent_id);
  EXPECT_EQ(Entry(conversation).team_id, "backup");
  EXPECT_EQ(Entry(conversation).escalations, 1);
  EXPECT_EQ(EventsOfType(events::kEscalationRaised).size(), 2u);
  EXPECT_EQ(busy_notices(), 1);
  const auto alerts = EventsOfType(events::kSupervisorAlerted);
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(DataOf(alerts.back()).at("team").as_string(), "backup");
  EXPECT_EQ(DataOf(alerts.back()).at("overflow_team").as_string(), "backup");
}

TEST_F(RoutingTest, AcceptedConversationIgnoresTimeout) {
  const auto conversation = HandOff();
  ASSERT_TRUE(Claim(conversation, "alice").ok());
  clock_.Advance(seconds(120));
  Act([&](core::Repository& repository) {
    return routing_->OnAcceptTimeout(repository, conversation);
  });
  EXPECT_EQ(Get(conversation).assignee_agent_id, ids_["alice"]);
  EXPECT_EQ(Entry(conversation).team_id, "support");
  EXPECT_TRUE(EventsOfType(events::kSupervisorAlerted).empty());
}

TEST_F(RoutingTest, ResolutionTimeoutRaisesTier2) {
  const auto conversation = HandOff("whatsapp");
  ASSERT_TRUE(Claim(conversation, "alice").ok());
  clock_.Advance(seconds(900));
  Act([&](core::Repository& repository) {
    return routing_->OnResolutionTimeout(repository, conversation);
  });
  const auto escalated = Get(conversation);
  EXPECT_EQ(escalated.tier, 2);
  EXPECT_FALSE(escalated.assignee_agent_id);
  EXPECT_EQ(Entry(conversation).team_id, "engineering");
  const auto data = DataOf(EventsOfType(events::kEscalationRaised).back());
  EXPECT_EQ(data.at("from_tier").as_int64(), 1);
  EXPECT_EQ(data.at("to_tier").as_int64(), 2);
  EXPECT_EQ(data.at("reason").as_string(), "resolution_timeout");
  EXPECT_EQ(OutboundTexts(conversation).back(),
            "We passed your case to Engineering; expect 4 hours.");
}

TEST_F(RoutingTest, ResolvedConversationIgnoresTimeouts) {
  const auto conversation = HandOff();
  ASSERT_TRUE(Claim(conversation, "alice").ok());
  Write([&](core::Repository& repository) {
    ASSERT_TRUE(conversations_->Resolve(repository, conversation, ids_["alice"], false).ok());
  });
  Act([&](core::Repository& repository) {
    return routing_->OnResolutionTimeout(repository, conversation);
  });
  EXPECT_EQ(Get(conversation).tier, 1);
}

TEST_F(RoutingTest, NeedsEngineeringEscalates) {
  const auto conversation = HandOff("whatsapp");
  ASSERT_TRUE(Claim(conversation, "alice").ok());
  const auto denied = Act([&](core::Repository& repository) {
    return routing_->Escalate(repository, conversation, {ids_["bob"], false},
                              EscalationReason::kNeedsEngineering);
  });
  EXPECT_EQ(denied.error, RoutingError::kNotAssignee);
  const auto raised = Act([&](core::Repository& repository) {
    return routing_->Escalate(repository, conversation, {ids_["alice"], false},
                              EscalationReason::kNeedsEngineering);
  });
  EXPECT_TRUE(raised.ok());
  EXPECT_TRUE(raised.queued_messages);
  EXPECT_EQ(Get(conversation).tier, 2);
  EXPECT_EQ(DataOf(EventsOfType(events::kEscalationRaised).back()).at("reason").as_string(),
            "needs_engineering");
  EXPECT_EQ(OutboundTexts(conversation).back(),
            "Our engineers in Engineering will reply within 4 hours.");
  const auto again = Act([&](core::Repository& repository) {
    return routing_->Escalate(repository, conversation, {ids_["dave"], true},
                              EscalationReason::kManual);
  });
  EXPECT_EQ(again.error, RoutingError::kAlreadyEscalated);
}

TEST_F(RoutingTest, PresenceIsOwnUnlessSupervisor) {
  const auto denied = Act([&](core::Repository& repository) {
    return routing_->SetPresence(repository, ids_["bob"], {ids_["alice"], false},
                                 Presence::kOnline);
  });
  EXPECT_EQ(denied.error, RoutingError::kForbidden);
  GoOnline("alice");
  EXPECT_TRUE(routing_->TakeDrainRequest());
  EXPECT_TRUE(Act([&](core::Repository& repository) {
                return routing_->SetPresence(repository, ids_["alice"], {ids_["dave"], true},
                                             Presence::kAway);
              }).ok());
  const auto changes = EventsOfType(events::kAgentPresenceChanged);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(DataOf(changes.back()).at("presence").as_string(), "away");
  EXPECT_EQ(DataOf(changes.back()).at("previous").as_string(), "online");
  std::vector<AgentState> states;
  store_->Read(
      [&](core::Repository& repository) { states = routing_->ListAgentStates(repository); });
  for (const auto& state : states) {
    if (state.agent.id == ids_["alice"]) {
      EXPECT_EQ(state.presence, Presence::kAway);
    }
  }
}

// Many claimers and the auto-assigner compete for the same conversations. The store's
// conditional update must keep every agent within capacity and let exactly one assignment win
// per conversation.
TEST_F(RoutingTest, ClaimRaceKeepsCapacity) {
  RoutingConfig config = TestRoutingConfig();
  config.agents = {
      {"alice", {"support"}, {}, {3, {{"sms", 2}}}},
      {"bob", {"support"}, {}, {3, {{"sms", 2}}}},
      {"carol", {"support"}, {}, {3, {{"sms", 2}}}},
  };
  Init(config);
  std::vector<std::int64_t> conversations;
  for (int i = 0; i < 40; ++i) {
    conversations.push_back(HandOff(i % 2 == 0 ? "sms" : "whatsapp"));
  }
  for (const char* login : {"alice", "bob", "carol"}) {
    GoOnline(login);
  }

  AutoAssigner assigner(*store_, *routing_, std::chrono::milliseconds(1));
  assigner.Start();
  constexpr int kClaimers = 8;
  std::vector<std::thread> claimers;
  std::atomic<int> claimed{0};
  const std::int64_t logins[] = {ids_["alice"], ids_["bob"], ids_["carol"]};
  for (int t = 0; t < kClaimers; ++t) {
    claimers.emplace_back([&, t] {
      std::mt19937 random(static_cast<unsigned>(t));
      auto order = conversations;
      std::shuffle(order.begin(), order.end(), random);
      for (const auto conversation : order) {
        const auto agent_id = logins[random() % 3];
        RoutingOutcome outcome;
        const auto result = store_->WriteAndWait([&](core::Repository& repository) {
          outcome = routing_->Claim(repository, conversation, agent_id);
        });
        if (result.ok && outcome.ok()) {
          ++claimed;
        }
      }
    });
  }
  for (auto& claimer : claimers) {
    claimer.join();
  }
  assigner.Stop();
  Drain();

  int assigned = 0;
  store_->Read([&](core::Repository& repository) {
    auto routes = OpenRoutingRepository(repository);
    for (const char* login : {"alice", "bob", "carol"}) {
      AgentLoad load = routes->LoadOf(ids_[login]);
      EXPECT_EQ(load.total, 3) << login;
      EXPECT_LE(load.per_channel["sms"], 2) << login;
      assigned += load.total;
    }
  });
  EXPECT_EQ(assigned, 9);
  // One conversation.assigned per assignment: no assignment overwrote another.
  EXPECT_EQ(EventsOfType(events::kConversationAssigned).size(), 9u);
  EXPECT_GT(claimed.load(), 0);
}

TEST_F(RoutingTest, AutoAssignerDrainsOnNotify) {
  GoOnline("alice");
  const auto conversation = HandOff();
  AutoAssigner assigner(*store_, *routing_, std::chrono::minutes(10));
  assigner.Start();
  assigner.Notify();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!Get(conversation).assignee_agent_id && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  assigner.Stop();
  EXPECT_EQ(Get(conversation).assignee_agent_id, ids_["alice"]);
  EXPECT_EQ(assigner.AssignedTotal(), 1);
}

// The handoff schedules both timeouts as stored timers; each fires at its exact due time.
TEST_F(RoutingTest, StoredTimersFireAtBoundary) {
  StoredEscalationTimers timers;
  routing_->SetTimers(&timers);
  core::TimerWorker worker(*store_, clock_);
  RegisterEscalationTimers(worker, *routing_);
  GoOnline("alice");
  const auto conversation = HandOff("whatsapp");
  ASSERT_EQ(Drain(), 1);
  const auto advance_to = [&, start = clock_.Now()](int second) {
    clock_.Advance(start + seconds(second) - clock_.Now());
    return worker.RunDue(clock_.Now());
  };

  EXPECT_EQ(advance_to(119), 0);
  EXPECT_EQ(Get(conversation).assignee_agent_id, ids_["alice"]);
  EXPECT_EQ(advance_to(120), 1);
  EXPECT_FALSE(Get(conversation).assignee_agent_id);
  EXPECT_EQ(Entry(conversation).team_id, "backup");
  // The overflow team gets its own accept timeout; backup has no overflow, so it stays there
  // and the supervisors are alerted again.
  EXPECT_EQ(advance_to(239), 0);
  EXPECT_EQ(advance_to(240), 1);
  EXPECT_EQ(EventsOfType(events::kSupervisorAlerted).size(), 2u);

  EXPECT_EQ(advance_to(899), 0);
  EXPECT_EQ(Get(conversation).tier, 1);
  EXPECT_EQ(advance_to(900), 1);
  EXPECT_EQ(Get(conversation).tier, 2);
  EXPECT_EQ(advance_to(5000), 0);
}

TEST(DescribeWait, PicksUnit) {
  EXPECT_EQ(DescribeWait(seconds(45)), "45 seconds");
  EXPECT_EQ(DescribeWait(seconds(60)), "1 minute");
  EXPECT_EQ(DescribeWait(seconds(120)), "2 minutes");
  EXPECT_EQ(DescribeWait(seconds(4 * 3600)), "4 hours");
}

}  // namespace
}  // namespace mobilelink::routing
