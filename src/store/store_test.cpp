// The store contract, written once and run against every engine in the Engines list, which
// contains only SQLite until the PostgreSQL engine lands. Each test gets a fresh database in its
// own temp dir.

#include "mobilelink/store/store.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "mobilelink/common/testing/temp_dir.hpp"
#include "mobilelink/store/migrations.hpp"
#include "mobilelink/store/sqlite_connection.hpp"

namespace mobilelink::store {
namespace {

using core::DeliveryStatus;
using core::IdentityKind;
using core::Repository;
using core::TimePoint;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr auto kWaitLimit = std::chrono::seconds(30);

struct StoreEngine {
  std::string name;
  std::function<std::unique_ptr<Store>(const std::filesystem::path& dir)> open;
};

// Prints the engine's name in test output instead of the struct's bytes.
void PrintTo(const StoreEngine& engine, std::ostream* out) { *out << engine.name; }

std::unique_ptr<Store> OpenSqlite(const std::filesystem::path& dir) {
  SqliteOptions options;
  options.path = (dir / "mobilelink.db").string();
  options.synchronous = "NORMAL";  // The tests check commit order, not fsync.
  return OpenSqliteStore(options);
}

// Counts completions and lets the test wait, bounded, until all have arrived.
class Completions {
 public:
  void Add() {
    std::lock_guard lock(mutex_);
    ++count_;
    changed_.notify_all();
  }
  [[nodiscard]] bool WaitFor(int expected) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kWaitLimit, [&] { return count_ >= expected; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int count_ = 0;
};

class StoreContract : public ::testing::TestWithParam<StoreEngine> {
 protected:
  void SetUp() override { store_ = GetParam().open(dir_.Path()); }
  void TearDown() override {
    if (store_) {
      store_->Stop();
    }
  }

  // Runs `work` as one write and fails the test when it was rolled back.
  void Write(const std::function<void(Repository&)>& work) {
    const WriteResult result = store_->WriteAndWait(work);
    ASSERT_TRUE(result.ok) << result.error;
  }

  core::ContactIdentity Phone(const std::string& number, const std::string& inbox = "sms") {
    return {IdentityKind::kPhone, number, inbox};
  }

  // Creates a contact for `phone` and an open conversation, and returns the conversation id.
  std::int64_t NewConversation(const std::string& phone) {
    std::int64_t id = 0;
    Write([&](Repository& repository) {
      core::Conversation conversation;
      conversation.contact_id = repository.ResolveContact(Phone(phone), "", t0_);
      conversation.last_inbox_id = "sms";
      conversation.created_at = t0_;
      conversation.updated_at = t0_;
      repository.InsertConversation(conversation);
      id = conversation.id;
    });
    return id;
  }

  static core::Message MakeMessage(std::int64_t conversation_id, core::Direction direction,
                                   const std::string& provider_id, TimePoint at) {
    core::Message message;
    message.conversation_id = conversation_id;
    message.inbox_id = "sms";
    message.direction = direction;
    message.sender = direction == core::Direction::kInbound ? core::SenderKind::kCustomer
                                                            : core::SenderKind::kBot;
    message.text = "hello";
    message.provider_message_id = provider_id;
    message.status =
        direction == core::Direction::kInbound ? DeliveryStatus::kNone : DeliveryStatus::kQueued;
    message.created_at = at;
    message.updated_at = at;
    return message;
  }

  // Queues one outbound message of `conversation_id`, due at `due`, and returns the outbox id.
  std::int64_t Enqueue(std::int64_t conversation_id, TimePoint due) {
    std::int64_t id = 0;
    Write([&](Repository& repository) {
      auto message = MakeMessage(conversation_id, core::Direction::kOutbound, "", t0_);
      repository.InsertMessage(message);
      core::OutboxEntry entry;
      entry.message_id = message.id;
      entry.conversation_id = conversation_id;
      entry.inbox_id = "sms";
      entry.recipient = "+12025550100";
      entry.due_at = due;
      repository.EnqueueOutbox(entry);
      id = entry.id;
    });
    return id;
  }

  std::vector<core::OutboxEntry> Claim(TimePoint now, int limit = 100) {
    std::vector<core::OutboxEntry> claimed;
    Write([&](Repository& repository) { claimed = repository.ClaimDueOutbox(now, limit); });
    return claimed;
  }

  void SetOutboxState(const core::OutboxEntry& entry, const std::string& state) {
    core::OutboxEntry changed = entry;
    changed.state = state;
    Write([&](Repository& repository) { repository.UpdateOutbox(changed, ""); });
  }

  std::int64_t CountOutbox(const std::string& state) {
    std::int64_t count = 0;
    store_->Read([&](Repository& repository) { count = repository.CountOutbox(state); });
    return count;
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  const TimePoint t0_ = TimePoint(seconds(1'700'000'000));
};

TEST_P(StoreContract, FreshDatabaseIsReachable) {
  EXPECT_TRUE(store_->IsReachable());
  EXPECT_EQ(CountOutbox("pending"), 0);
}

TEST_P(StoreContract, ReopenKeepsDataAndMigratesOnce) {
  std::int64_t contact_id = 0;
  Write([&](Repository& repository) {
    contact_id = repository.ResolveContact(Phone("+12025550100"), "Ada", t0_);
  });
  store_->Stop();
  store_.reset();

  store_ = GetParam().open(dir_.Path());
  ASSERT_TRUE(store_->IsReachable());
  std::optional<core::Contact> contact;
  store_->Read([&](Repository& repository) { contact = repository.GetContact(contact_id); });
  ASSERT_TRUE(contact.has_value());
  EXPECT_EQ(contact->name, "Ada");
}

TEST_P(StoreContract, ResolveContactIsIdempotent) {
  std::int64_t first = 0;
  std::int64_t second = 0;
  Write([&](Repository& repository) {
    first = repository.ResolveContact(Phone("+12025550100"), "", t0_);
  });
  Write([&](Repository& repository) {
    second = repository.ResolveContact(Phone("+12025550100"), "", t0_);
  });
  EXPECT_EQ(first, second);
  std::vector<core::ContactIdentity> identities;
  store_->Read([&](Repository& repository) { identities = repository.ListIdentities(first); });
  EXPECT_EQ(identities.size(), 1u);
}

TEST_P(StoreContract, ResolveContactFillsEmptyNameOnly) {
  std::int64_t id = 0;
  Write([&](Repository& repository) {
    id = repository.ResolveContact(Phone("+12025550100"), "", t0_);
    repository.ResolveContact(Phone("+12025550100"), "Ada", t0_);
    repository.ResolveContact(Phone("+12025550100"), "Someone Else", t0_);
  });
  std::optional<core::Contact> contact;
  store_->Read([&](Repository& repository) { contact = repository.GetContact(id); });
  ASSERT_TRUE(contact.has_value());
  EXPECT_EQ(contact->name, "Ada");
}

TEST_P(StoreContract, PhoneIdentityIsGlobalAcrossInboxes) {
  std::int64_t over_sms = 0;
  std::int64_t over_whatsapp = 0;
  Write([&](Repository& repository) {
    over_sms = repository.ResolveContact(Phone("+12025550100", "sms"), "", t0_);
    over_whatsapp = repository.ResolveContact(Phone("+12025550100", "whatsapp"), "", t0_);
  });
  EXPECT_EQ(over_sms, over_whatsapp);
}

TEST_P(StoreContract, WebchatIdentityIsPerInbox) {
  std::int64_t in_chat = 0;
  std::int64_t in_chat_again = 0;
  std::int64_t in_other_chat = 0;
  Write([&](Repository& repository) {
    in_chat = repository.ResolveContact({IdentityKind::kWebchat, "visitor-1", "chat"}, "", t0_);
    in_chat_again =
        repository.ResolveContact({IdentityKind::kWebchat, "visitor-1", "chat"}, "", t0_);
    in_other_chat =
        repository.ResolveContact({IdentityKind::kWebchat, "visitor-1", "chat2"}, "", t0_);
  });
  EXPECT_EQ(in_chat, in_chat_again);
  EXPECT_NE(in_chat, in_other_chat);
  std::vector<core::ContactIdentity> identities;
  store_->Read([&](Repository& repository) { identities = repository.ListIdentities(in_chat); });
  ASSERT_EQ(identities.size(), 1u);
  EXPECT_EQ(identities[0].kind, IdentityKind::kWebchat);
  EXPECT_EQ(identities[0].inbox_id, "chat");
}

TEST_P(StoreContract, FindsInboundMessageByProviderId) {
  const auto conversation_id = NewConversation("+12025550100");
  std::int64_t inserted = 0;
  Write([&](Repository& repository) {
    auto message = MakeMessage(conversation_id, core::Direction::kInbound, "SM1", t0_);
    repository.InsertMessage(message);
    inserted = message.id;
  });
  std::optional<std::int64_t> found;
  std::optional<std::int64_t> other_inbox;
  std::optional<std::int64_t> other_id;
  store_->Read([&](Repository& repository) {
    found = repository.FindInboundMessage("sms", "SM1");
    other_inbox = repository.FindInboundMessage("whatsapp", "SM1");
    other_id = repository.FindInboundMessage("sms", "SM2");
  });
  EXPECT_EQ(found, inserted);
  EXPECT_FALSE(other_inbox.has_value());
  EXPECT_FALSE(other_id.has_value());
}

TEST_P(StoreContract, DuplicateProviderIdIsRejected) {
  const auto conversation_id = NewConversation("+12025550100");
  Write([&](Repository& repository) {
    auto message = MakeMessage(conversation_id, core::Direction::kInbound, "SM1", t0_);
    repository.InsertMessage(message);
  });
  const WriteResult again = store_->WriteAndWait([&](Repository& repository) {
    auto message = MakeMessage(conversation_id, core::Direction::kInbound, "SM1", t0_);
    repository.InsertMessage(message);
  });
  EXPECT_FALSE(again.ok);
  EXPECT_FALSE(again.error.empty());
  std::vector<core::Message> messages;
  store_->Read(
      [&](Repository& repository) { messages = repository.ListMessages(conversation_id, 0, 10); });
  EXPECT_EQ(messages.size(), 1u);
}

TEST_P(StoreContract, ProviderIdIsScopedByInboxAndDirection) {
  const auto conversation_id = NewConversation("+12025550100");
  Write([&](Repository& repository) {
    auto inbound = MakeMessage(conversation_id, core::Direction::kInbound, "ID1", t0_);
    repository.InsertMessage(inbound);
    auto outbound = MakeMessage(conversation_id, core::Direction::kOutbound, "ID1", t0_);
    repository.InsertMessage(outbound);
    auto other_inbox = MakeMessage(conversation_id, core::Direction::kInbound, "ID1", t0_);
    other_inbox.inbox_id = "whatsapp";
    repository.InsertMessage(other_inbox);
  });
  std::vector<core::Message> messages;
  store_->Read(
      [&](Repository& repository) { messages = repository.ListMessages(conversation_id, 0, 10); });
  EXPECT_EQ(messages.size(), 3u);
}

TEST_P(StoreContract, OutboundMessagesWithoutProviderIdCoexist) {
  const auto conversation_id = NewConversation("+12025550100");
  Enqueue(conversation_id, t0_);
  Enqueue(conversation_id, t0_);
  EXPECT_EQ(CountOutbox("pending"), 2);
}

TEST_P(StoreContract, DeliveryUpdateIsStored) {
  const auto conversation_id = NewConversation("+12025550100");
  std::int64_t message_id = 0;
  Write([&](Repository& repository) {
    auto message = MakeMessage(conversation_id, core::Direction::kOutbound, "", t0_);
    repository.InsertMessage(message);
    message_id = message.id;
    message.provider_message_id = "SM9";
    message.status = DeliveryStatus::kFailed;
    message.error_code = "30003";
    message.error_message = "Unreachable destination handset";
    message.updated_at = t0_ + seconds(5);
    repository.UpdateMessageDelivery(message);
  });
  std::optional<core::Message> found;
  store_->Read(
      [&](Repository& repository) { found = repository.FindOutboundMessage("sms", "SM9"); });
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, message_id);
  EXPECT_EQ(found->status, DeliveryStatus::kFailed);
  EXPECT_EQ(found->error_code, "30003");
  EXPECT_EQ(found->error_message, "Unreachable destination handset");
  EXPECT_EQ(found->updated_at, t0_ + seconds(5));
}

TEST_P(StoreContract, MessageFieldsRoundTrip) {
  const auto conversation_id = NewConversation("+12025550100");
  core::Message written = MakeMessage(conversation_id, core::Direction::kInbound, "SM1", t0_);
  written.media = {{"https://example.com/a.jpg", "image/jpeg"}};
  written.intent = "opening_hours";
  written.intent_confidence = 0.95;
  Write([&](Repository& repository) { repository.InsertMessage(written); });
  std::optional<core::Message> read;
  store_->Read([&](Repository& repository) { read = repository.GetMessage(written.id); });
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->text, "hello");
  ASSERT_EQ(read->media.size(), 1u);
  EXPECT_EQ(read->media[0].url, "https://example.com/a.jpg");
  EXPECT_EQ(read->media[0].content_type, "image/jpeg");
  EXPECT_EQ(read->intent, "opening_hours");
  EXPECT_DOUBLE_EQ(read->intent_confidence, 0.95);
  EXPECT_EQ(read->created_at, t0_);
}

TEST_P(StoreContract, LastInboundAtIsPerInbox) {
  const auto conversation_id = NewConversation("+12025550100");
  Write([&](Repository& repository) {
    auto early = MakeMessage(conversation_id, core::Direction::kInbound, "SM1", t0_);
    repository.InsertMessage(early);
    auto late = MakeMessage(conversation_id, core::Direction::kInbound, "SM2", t0_ + hours(2));
    repository.InsertMessage(late);
  });
  std::optional<core::Conversation> conversation;
  std::optional<TimePoint> sms;
  std::optional<TimePoint> whatsapp;
  store_->Read([&](Repository& repository) {
    conversation = repository.GetConversation(conversation_id);
    sms = repository.LastInboundAt(conversation->contact_id, "sms");
    whatsapp = repository.LastInboundAt(conversation->contact_id, "whatsapp");
  });
  EXPECT_EQ(sms, t0_ + hours(2));
  EXPECT_FALSE(whatsapp.has_value());
}

TEST_P(StoreContract, ClaimTakesOneRowPerConversation) {
  const auto first = NewConversation("+12025550100");
  const auto second = NewConversation("+12025550101");
  const auto first_a = Enqueue(first, t0_);
  Enqueue(first, t0_);
  const auto second_a = Enqueue(second, t0_);
  Enqueue(second, t0_);

  const auto claimed = Claim(t0_);
  ASSERT_EQ(claimed.size(), 2u);
  EXPECT_EQ(claimed[0].id, first_a);
  EXPECT_EQ(claimed[1].id, second_a);
}

TEST_P(StoreContract, ClaimMarksSending) {
  const auto conversation_id = NewConversation("+12025550100");
  Enqueue(conversation_id, t0_);
  const auto claimed = Claim(t0_ + seconds(1));
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].state, "sending");
  EXPECT_EQ(claimed[0].attempts, 1);
  EXPECT_EQ(claimed[0].claimed_at, t0_ + seconds(1));
  EXPECT_FALSE(claimed[0].outcome_unknown);
  EXPECT_EQ(claimed[0].text, "hello");
  EXPECT_EQ(claimed[0].recipient, "+12025550100");
  EXPECT_EQ(CountOutbox("sending"), 1);
  EXPECT_EQ(CountOutbox("pending"), 0);
}

TEST_P(StoreContract, ClaimRespectsDueTime) {
  const auto conversation_id = NewConversation("+12025550100");
  Enqueue(conversation_id, t0_ + minutes(1));
  EXPECT_TRUE(Claim(t0_).empty());
  EXPECT_EQ(Claim(t0_ + minutes(1)).size(), 1u);
}

TEST_P(StoreContract, ClaimRespectsLimit) {
  for (int i = 0; i < 3; ++i) {
    Enqueue(NewConversation("+1202555010" + std::to_string(i)), t0_);
  }
  EXPECT_EQ(Claim(t0_, 2).size(), 2u);
  EXPECT_EQ(Claim(t0_, 2).size(), 1u);
}

TEST_P(StoreContract, ClaimWaitsForPendingSibling) {
  const auto conversation_id = NewConversation("+12025550100");
  // The earlier row is not due yet, so the later one must wait behind it.
  Enqueue(conversation_id, t0_ + minutes(5));
  Enqueue(conversation_id, t0_);
  EXPECT_TRUE(Claim(t0_).empty());
}

TEST_P(StoreContract, ClaimWaitsForSendingSibling) {
  const auto conversation_id = NewConversation("+12025550100");
  Enqueue(conversation_id, t0_);
  const auto second = Enqueue(conversation_id, t0_);
  const auto first_claim = Claim(t0_);
  ASSERT_EQ(first_claim.size(), 1u);

  EXPECT_TRUE(Claim(t0_).empty());
  SetOutboxState(first_claim[0], "done");
  const auto next = Claim(t0_);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].id, second);
}

TEST_P(StoreContract, FailedSiblingDoesNotBlock) {
  const auto conversation_id = NewConversation("+12025550100");
  Enqueue(conversation_id, t0_);
  Enqueue(conversation_id, t0_);
  const auto first_claim = Claim(t0_);
  ASSERT_EQ(first_claim.size(), 1u);
  SetOutboxState(first_claim[0], "failed");
  EXPECT_EQ(Claim(t0_).size(), 1u);
}

TEST_P(StoreContract, RecoverTurnsSendingIntoUnknown) {
  const auto conversation_id = NewConversation("+12025550100");
  const auto row = Enqueue(conversation_id, t0_);
  ASSERT_EQ(Claim(t0_).size(), 1u);

  std::vector<core::OutboxEntry> recovered;
  Write([&](Repository& repository) { recovered = repository.RecoverInterruptedOutbox(); });
  ASSERT_EQ(recovered.size(), 1u);
  EXPECT_EQ(recovered[0].id, row);
  EXPECT_EQ(recovered[0].state, "unknown");
  EXPECT_EQ(CountOutbox("sending"), 0);
  EXPECT_EQ(CountOutbox("unknown"), 1);
}

TEST_P(StoreContract, UnknownRowIsClaimedAsUnknown) {
  const auto conversation_id = NewConversation("+12025550100");
  Enqueue(conversation_id, t0_);
  ASSERT_EQ(Claim(t0_).size(), 1u);
  Write([&](Repository& repository) { repository.RecoverInterruptedOutbox(); });

  const auto claimed = Claim(t0_ + minutes(10));
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_TRUE(claimed[0].outcome_unknown);
  EXPECT_EQ(claimed[0].attempts, 2);
  // The lookup searches from the interrupted attempt, which may have reached the provider.
  EXPECT_EQ(claimed[0].claimed_at, t0_);
}

TEST_P(StoreContract, UnknownSiblingBlocksLaterRow) {
  const auto conversation_id = NewConversation("+12025550100");
  const auto first = Enqueue(conversation_id, t0_);
  Enqueue(conversation_id, t0_);
  ASSERT_EQ(Claim(t0_).size(), 1u);
  Write([&](Repository& repository) { repository.RecoverInterruptedOutbox(); });

  const auto claimed = Claim(t0_);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].id, first);
}

TEST_P(StoreContract, NextOutboxDueIsEarliestPending) {
  Enqueue(NewConversation("+12025550100"), t0_ + minutes(3));
  Enqueue(NewConversation("+12025550101"), t0_ + minutes(1));
  std::optional<TimePoint> next;
  store_->Read([&](Repository& repository) { next = repository.NextOutboxDue(); });
  EXPECT_EQ(next, t0_ + minutes(1));
}

TEST_P(StoreContract, OrphanStatusesAreTakenOnce) {
  Write([&](Repository& repository) {
    repository.SaveOrphanStatus({"sms", "SM1", DeliveryStatus::kSent, "", "", std::nullopt}, t0_);
    repository.SaveOrphanStatus({"sms", "SM1", DeliveryStatus::kDelivered, "", "", std::nullopt},
                                t0_);
    repository.SaveOrphanStatus({"sms", "SM2", DeliveryStatus::kSent, "", "", std::nullopt}, t0_);
  });
  std::vector<core::StatusUpdate> first;
  std::vector<core::StatusUpdate> second;
  std::vector<core::StatusUpdate> other;
  Write([&](Repository& repository) { first = repository.TakeOrphanStatuses("sms", "SM1"); });
  Write([&](Repository& repository) {
    second = repository.TakeOrphanStatuses("sms", "SM1");
    other = repository.TakeOrphanStatuses("sms", "SM2");
  });
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].status, DeliveryStatus::kSent);
  EXPECT_EQ(first[1].status, DeliveryStatus::kDelivered);
  EXPECT_EQ(first[0].provider_message_id, "SM1");
  EXPECT_TRUE(second.empty());
  EXPECT_EQ(other.size(), 1u);
}

TEST_P(StoreContract, OptOutIsPerInboxAndAddress) {
  Write([&](Repository& repository) { repository.SetOptedOut("sms", "+12025550100", true, t0_); });
  bool same = false;
  bool other_inbox = true;
  bool other_address = true;
  store_->Read([&](Repository& repository) {
    same = repository.IsOptedOut("sms", "+12025550100");
    other_inbox = repository.IsOptedOut("whatsapp", "+12025550100");
    other_address = repository.IsOptedOut("sms", "+12025550101");
  });
  EXPECT_TRUE(same);
  EXPECT_FALSE(other_inbox);
  EXPECT_FALSE(other_address);

  Write([&](Repository& repository) { repository.SetOptedOut("sms", "+12025550100", false, t0_); });
  store_->Read(
      [&](Repository& repository) { same = repository.IsOptedOut("sms", "+12025550100"); });
  EXPECT_FALSE(same);
}

TEST_P(StoreContract, AccessTokensExpire) {
  core::Agent agent{0, "alice", "Alice", "agent", "$argon2id$stub", true};
  Write([&](Repository& repository) {
    repository.UpsertAgent(agent);
    repository.InsertAccessToken("hash-1", agent.id, t0_ + hours(1));
  });
  std::optional<std::int64_t> before;
  std::optional<std::int64_t> after;
  std::optional<std::int64_t> unknown;
  store_->Read([&](Repository& repository) {
    before = repository.FindAccessToken("hash-1", t0_);
    after = repository.FindAccessToken("hash-1", t0_ + hours(2));
    unknown = repository.FindAccessToken("hash-2", t0_);
  });
  EXPECT_EQ(before, agent.id);
  EXPECT_FALSE(after.has_value());
  EXPECT_FALSE(unknown.has_value());
}

TEST_P(StoreContract, WebchatSessionsExpire) {
  std::int64_t contact_id = 0;
  Write([&](Repository& repository) {
    contact_id = repository.ResolveContact({IdentityKind::kWebchat, "v1", "chat"}, "", t0_);
    repository.InsertWebchatSession({"token-hash", "chat", "v1", contact_id, t0_, t0_ + hours(1)});
  });
  std::optional<core::WebchatSession> live;
  std::optional<core::WebchatSession> expired;
  store_->Read([&](Repository& repository) {
    live = repository.FindWebchatSession("token-hash", t0_ + minutes(30));
    expired = repository.FindWebchatSession("token-hash", t0_ + hours(2));
  });
  ASSERT_TRUE(live.has_value());
  EXPECT_EQ(live->contact_id, contact_id);
  EXPECT_EQ(live->visitor_id, "v1");
  EXPECT_FALSE(expired.has_value());
}

TEST_P(StoreContract, UpsertAgentKeepsIdByLogin) {
  core::Agent first{0, "alice", "Alice", "agent", "$argon2id$one", true};
  core::Agent renamed{0, "alice", "Alice B", "supervisor", "$argon2id$two", true};
  Write([&](Repository& repository) {
    repository.UpsertAgent(first);
    repository.UpsertAgent(renamed);
  });
  EXPECT_EQ(first.id, renamed.id);
  std::optional<core::Agent> found;
  store_->Read([&](Repository& repository) { found = repository.FindAgentByLogin("alice"); });
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->role, "supervisor");
  EXPECT_EQ(found->password_hash, "$argon2id$two");
}

TEST_P(StoreContract, AssignOnlyWhenUnassigned) {
  const auto conversation_id = NewConversation("+12025550100");
  core::Agent alice{0, "alice", "Alice", "agent", "$argon2id$one", true};
  core::Agent bob{0, "bob", "Bob", "agent", "$argon2id$two", true};
  bool first = false;
  bool second = true;
  Write([&](Repository& repository) {
    repository.UpsertAgent(alice);
    repository.UpsertAgent(bob);
    first = repository.AssignIfUnassigned(conversation_id, alice.id, t0_);
    second = repository.AssignIfUnassigned(conversation_id, bob.id, t0_);
  });
  EXPECT_TRUE(first);
  EXPECT_FALSE(second);
  std::optional<core::Conversation> conversation;
  store_->Read(
      [&](Repository& repository) { conversation = repository.GetConversation(conversation_id); });
  ASSERT_TRUE(conversation.has_value());
  EXPECT_EQ(conversation->assignee_agent_id, alice.id);
}

TEST_P(StoreContract, ListConversationsFiltersQueue) {
  const auto bot_only = NewConversation("+12025550100");
  const auto handed_off = NewConversation("+12025550101");
  Write([&](Repository& repository) {
    auto conversation = repository.GetConversation(handed_off);
    conversation->tier = 1;
    conversation->handed_off_at = t0_;
    repository.UpdateConversation(*conversation);
  });
  std::vector<core::Conversation> queue;
  std::vector<core::Conversation> all;
  store_->Read([&](Repository& repository) {
    queue = repository.ListConversations({std::nullopt, 1, true, std::nullopt, 10});
    all = repository.ListConversations({});
  });
  ASSERT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue[0].id, handed_off);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, bot_only);
}

TEST_P(StoreContract, QueueViewSkipsResolvedConversations) {
  std::vector<std::int64_t> resolved;
  for (int i = 0; i < 30; ++i) {
    resolved.push_back(NewConversation("+120255502" + std::to_string(10 + i)));
  }
  const auto waiting = NewConversation("+12025550199");
  Write([&](Repository& repository) {
    for (const auto id : resolved) {
      auto conversation = repository.GetConversation(id);
      conversation->status = core::ConversationStatus::kResolved;
      conversation->tier = 1;
      repository.UpdateConversation(*conversation);
    }
    auto conversation = repository.GetConversation(waiting);
    conversation->tier = 1;
    conversation->handed_off_at = t0_;
    repository.UpdateConversation(*conversation);
  });
  const auto& scanned = store::FullScanRows("list_conversations_in_status");
  const double before = scanned.Value();

  std::vector<core::Conversation> queue;
  store_->Read([&](Repository& repository) {
    queue = repository.ListConversations({core::ConversationStatus::kOpen, 1, true, {}, 10});
  });

  ASSERT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue[0].id, waiting);
  EXPECT_EQ(scanned.Value(), before);
}

TEST_P(StoreContract, ConcurrentWritesAllComplete) {
  constexpr int kThreads = 8;
  constexpr int kWritesPerThread = 50;
  Completions completions;
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWritesPerThread; ++i) {
        const std::string phone = "+1202" + std::to_string(1000000 + t * 1000 + i);
        store_->Write(
            [this, phone](Repository& repository) {
              repository.ResolveContact(Phone(phone), "", t0_);
            },
            [&](const WriteResult& result) {
              if (!result.ok) {
                ++failed;
              }
              completions.Add();
            });
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  ASSERT_TRUE(completions.WaitFor(kThreads * kWritesPerThread));
  EXPECT_EQ(failed.load(), 0);
}

TEST_P(StoreContract, DoneRunsAfterDataIsReadable) {
  constexpr int kWrites = 100;
  Completions completions;
  std::atomic<int> unreadable{0};
  for (int i = 0; i < kWrites; ++i) {
    auto contact_id = std::make_shared<std::int64_t>(0);
    const std::string phone = "+1202555" + std::to_string(1000 + i);
    store_->Write(
        [this, phone, contact_id](Repository& repository) {
          *contact_id = repository.ResolveContact(Phone(phone), "", t0_);
        },
        [&, contact_id](const WriteResult& result) {
          bool found = false;
          if (result.ok) {
            store_->Read([&](Repository& repository) {
              found = repository.GetContact(*contact_id).has_value();
            });
          }
          if (!found) {
            ++unreadable;
          }
          completions.Add();
        });
  }
  ASSERT_TRUE(completions.WaitFor(kWrites));
  EXPECT_EQ(unreadable.load(), 0);
}

TEST_P(StoreContract, FailedUnitRollsBackAlone) {
  // A first unit blocks the writer until the next three are queued, so they share one batch.
  std::promise<void> started;
  std::promise<void> release;
  auto release_future = release.get_future().share();
  store_->Write(
      [&started, release_future](Repository&) {
        started.set_value();
        release_future.wait_for(kWaitLimit);
      },
      nullptr);
  ASSERT_EQ(started.get_future().wait_for(kWaitLimit), std::future_status::ready);

  Completions completions;
  std::vector<WriteResult> results(3);
  const std::vector<std::string> phones{"+12025550100", "+12025550101", "+12025550102"};
  for (int i = 0; i < 3; ++i) {
    store_->Write(
        [this, i, phone = phones[i]](Repository& repository) {
          repository.SetOptedOut("sms", phone, true, t0_);
          if (i == 1) {
            throw std::runtime_error("unit failed on purpose");
          }
        },
        [&, i](const WriteResult& result) {
          results[i] = result;
          completions.Add();
        });
  }
  release.set_value();
  ASSERT_TRUE(completions.WaitFor(3));

  EXPECT_TRUE(results[0].ok);
  EXPECT_FALSE(results[1].ok);
  EXPECT_EQ(results[1].error, "unit failed on purpose");
  EXPECT_TRUE(results[2].ok);
  std::vector<bool> opted_out;
  store_->Read([&](Repository& repository) {
    for (const auto& phone : phones) {
      opted_out.push_back(repository.IsOptedOut("sms", phone));
    }
  });
  ASSERT_EQ(opted_out.size(), 3u);
  EXPECT_TRUE(opted_out[0]);
  EXPECT_FALSE(opted_out[1]);
  EXPECT_TRUE(opted_out[2]);
}

TEST_P(StoreContract, WriteAndWaitReturnsResult) {
  const WriteResult ok = store_->WriteAndWait([](Repository&) {});
  const WriteResult failed =
      store_->WriteAndWait([](Repository&) { throw std::runtime_error("bad input"); });
  EXPECT_TRUE(ok.ok);
  EXPECT_FALSE(failed.ok);
  EXPECT_EQ(failed.error, "bad input");
}

TEST_P(StoreContract, WriteAfterStopFails) {
  store_->Stop();
  bool ran = false;
  const WriteResult result = store_->WriteAndWait([&](Repository&) { ran = true; });
  EXPECT_FALSE(result.ok);
  EXPECT_FALSE(ran);
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreContract,
                         ::testing::Values(StoreEngine{"Sqlite", OpenSqlite}),
                         [](const ::testing::TestParamInfo<StoreEngine>& info) {
                           return info.param.name;
                         });

TEST(SqliteStore, RecordsSchemaVersion) {
  testing::TempDir dir;
  const auto path = dir.Path() / "nested" / "folder" / "mobilelink.db";
  OpenSqliteStore({path.string(), 16, "NORMAL"})->Stop();

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &statement, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  const int version = sqlite3_column_int(statement, 0);
  sqlite3_finalize(statement);
  sqlite3_close(db);
  EXPECT_EQ(version, Migrations().back().version);
}

TEST(SqliteStore, UnwritableFolderThrows) {
  testing::TempDir dir;
  const auto blocker = dir.Path() / "file";
  { std::ofstream(blocker.string()) << "x"; }
  EXPECT_THROW(OpenSqliteStore({(blocker / "mobilelink.db").string(), 16, "NORMAL"}),
               std::exception);
}

}  // namespace
}  // namespace mobilelink::store
