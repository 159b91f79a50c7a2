// Kept statuses (orphan_statuses) that settle WhatsApp sends with an unknown outcome: a status
// settles a row only when it went to the row's recipient, and old statuses are deleted.

#include <sqlite3.h>

#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "mobilelink/bot/tier_zero_bot.hpp"
#include "mobilelink/channels/registry.hpp"
#include "mobilelink/common/testing/temp_dir.hpp"
#include "mobilelink/outbox/outbox_repository.hpp"
#include "mobilelink/outbox/outbox_worker.hpp"
#include "mobilelink/store/store.hpp"
#include "testing/wait_until.hpp"
#include "testing/whatsapp_inbox.hpp"

namespace mobilelink {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

using mobilelink::testing::WaitUntil;

constexpr char kCustomer[] = "+12025550100";

// A WhatsApp inbox whose provider address has no listener, a store, and a worker on a manual
// clock. Nothing here reaches a provider: rows are settled by kept statuses only.
class OrphanStatus : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqliteOptions options;
    options.path = StorePath();
    options.synchronous = "NORMAL";
    store_ = store::OpenSqliteStore(options);
    bot::BotConfig bot_config;
    bot_config.handoff_message = "Passing you to a person.";
    bot_config.fallback_message = "Sorry, I did not understand.";
    bot_config.rules = {{"opening_hours", {"opening hours"}, {}, "We open at 8."}};
    service_ = std::make_unique<core::ConversationService>(
        std::map<std::string, core::InboxProfile>{
            {"wa", {"wa", "whatsapp", channels::FindAdapter("whatsapp")->GetCapabilities()}}},
        std::make_shared<bot::TierZeroBot>(bot_config),
        core::ComplianceTexts{"Bye.", "Hi.", "Help."}, clock_);
  }

  void TearDown() override {
    if (worker_) {
      worker_->Stop(seconds(5));
    }
    store_->Stop();
  }

  [[nodiscard]] std::string StorePath() const { return (dir_.Path() / "mobilelink.db").string(); }

  // Queues a reply and claims it, as a process does that is killed during the send. The
  // worker's start then moves the row to `unknown` to wait for a status. Returns the row id.
  std::int64_t QueueInterruptedReply() {
    core::InboundMessage inbound;
    inbound.inbox_id = "wa";
    inbound.provider_message_id = "wamid.IN0001";
    inbound.from = {core::IdentityKind::kPhone, kCustomer, "wa"};
    inbound.text = "opening hours?";
    std::int64_t outbox_id = 0;
    const auto stored = store_->WriteAndWait([&](core::Repository& repository) {
      service_->ReceiveInbound(repository, inbound);
      const auto claimed = repository.ClaimDueOutbox(clock_.Now(), 1);
      outbox_id = claimed.empty() ? 0 : claimed.front().id;
    });
    EXPECT_TRUE(stored.ok) << stored.error;
    return outbox_id;
  }

  void StartWorker() {
    outbox::WorkerOptions options;
    options.outbox.workers = 1;
    options.outbox.whatsapp_status_wait = minutes(10);
    options.public_url = "http://127.0.0.1:9";
    options.client.loopback_only = true;
    options.idle_poll = milliseconds(10);
    const channels::InboxConfig inbox = testing::WhatsAppTestInbox("http://127.0.0.1:9");
    worker_ = std::make_unique<outbox::OutboxWorker>(options, std::vector{inbox}, *store_,
                                                     *service_, clock_, nullptr);
    worker_->Start();
  }

  void SaveStatus(const std::string& wamid, const std::string& callback_data,
                  const std::string& recipient) {
    core::StatusUpdate update;
    update.inbox_id = "wa";
    update.provider_message_id = wamid;
    update.status = core::DeliveryStatus::kSent;
    update.callback_data = callback_data;
    update.recipient = recipient;
    const auto stored = store_->WriteAndWait(
        [&](core::Repository& repository) { repository.SaveOrphanStatus(update, clock_.Now()); });
    ASSERT_TRUE(stored.ok) << stored.error;
    worker_->Notify();
  }

  // Returns the first column of the first row of `sql`, read on a connection of its own.
  [[nodiscard]] std::string QueryText(const std::string& sql) const {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(StorePath().c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      sqlite3_close(db);
      throw std::runtime_error("cannot open " + StorePath());
    }
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt* statement = nullptr;
    std::string value;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW && sqlite3_column_text(statement, 0) != nullptr) {
      value = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    }
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return value;
  }

  mobilelink::testing::TempDir dir_;
  core::ManualTimeSource clock_{std::chrono::floor<seconds>(core::Clock::now())};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<core::ConversationService> service_;
  std::unique_ptr<outbox::OutboxWorker> worker_;
};

TEST_F(OrphanStatus, OtherRecipientLeavesRowWaiting) {
  const std::int64_t outbox_id = QueueInterruptedReply();
  ASSERT_GT(outbox_id, 0);
  StartWorker();
  const std::string callback_data = outbox::CallbackDataFor(outbox_id);
  const std::string status_of_other = "SELECT callback_data FROM orphan_statuses WHERE "
                                      "provider_message_id = 'wamid.OTHER'";

  // Another deployment's send can echo the same value, and its status names another customer.
  SaveStatus("wamid.OTHER", callback_data, "19995550199");

  ASSERT_TRUE(WaitUntil([&] { return QueryText(status_of_other).empty(); }));
  EXPECT_EQ(QueryText("SELECT state FROM outbox"), "unknown");
  EXPECT_EQ(QueryText("SELECT count(*) FROM orphan_statuses"), "1");

  // WhatsApp writes the customer's wa_id without the "+" of the stored E.164 number.
  SaveStatus("wamid.MINE", callback_data, "12025550100");

  ASSERT_TRUE(WaitUntil([&] { return QueryText("SELECT state FROM outbox") == "done"; }));
  EXPECT_EQ(QueryText("SELECT provider_message_id FROM messages WHERE direction = 'outbound'"),
            "wamid.MINE");
}

TEST_F(OrphanStatus, StatusWithoutRecipientSettlesNothing) {
  const std::int64_t outbox_id = QueueInterruptedReply();
  ASSERT_GT(outbox_id, 0);
  StartWorker();

  SaveStatus("wamid.NOBODY", outbox::CallbackDataFor(outbox_id), "");

  ASSERT_TRUE(WaitUntil([&] {
    return QueryText("SELECT callback_data FROM orphan_statuses").empty();
  }));
  EXPECT_EQ(QueryText("SELECT state FROM outbox"), "unknown");
}

TEST_F(OrphanStatus, OldStatusesArePruned) {
  StartWorker();
  SaveStatus("wamid.OLD", "", "12025550100");
  clock_.Advance(hours(2));
  SaveStatus("wamid.NEWER", "", "12025550100");

  // 24 hours and 30 minutes after the first status: past the bound for it only.
  clock_.Advance(hours(22) + minutes(30));
  worker_->Notify();

  ASSERT_TRUE(WaitUntil(
      [&] { return QueryText("SELECT count(*) FROM orphan_statuses") == "1"; }));
  EXPECT_EQ(QueryText("SELECT provider_message_id FROM orphan_statuses"), "wamid.NEWER");
}

TEST(OrphanStatusMaxAge, IsDayOrTwiceStatusWait) {
  config::OutboxConfig outbox;
  outbox.whatsapp_status_wait = minutes(2);
  EXPECT_EQ(outbox::OrphanStatusMaxAge(outbox), hours(24));
  outbox.whatsapp_status_wait = hours(20);
  EXPECT_EQ(outbox::OrphanStatusMaxAge(outbox), hours(40));
}

TEST(OutboxAddresses, IgnoreLeadingPlus) {
  EXPECT_TRUE(outbox::IsSameAddress("12025550100", "+12025550100"));
  EXPECT_TRUE(outbox::IsSameAddress("+12025550100", "+12025550100"));
  EXPECT_FALSE(outbox::IsSameAddress("19995550199", "+12025550100"));
  EXPECT_FALSE(outbox::IsSameAddress("", "+12025550100"));
  EXPECT_FALSE(outbox::IsSameAddress("", ""));
}

}  // namespace
}  // namespace mobilelink
