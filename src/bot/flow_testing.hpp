#pragma once

// A conversation service with the demo config's bot and flows over a real SQLite file, and the
// demo customer data imported, for the flow engine's tests.

#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mobilelink/bot/flow_engine.hpp"
#include "mobilelink/channels/registry.hpp"
#include "mobilelink/common/testing/temp_dir.hpp"
#include "mobilelink/config/config.hpp"
#include "mobilelink/config/testing/demo_config.hpp"
#include "mobilelink/core/conversation_service.hpp"
#include "mobilelink/customers/customer_import.hpp"
#include "mobilelink/store/sqlite_repository.hpp"
#include "mobilelink/store/store.hpp"

namespace mobilelink::bot::testing {

inline std::string ReadSourceFile(const std::string& relative) {
  std::ifstream file(std::string(MOBILELINK_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

class FlowHarness : public ::testing::Test {
 protected:
  /// Loads `config_text` (the demo config when empty) and opens the store.
  void Open(const std::string& config_text = {}) {
    config_ =
        config_text.empty() ? config::LoadDemoConfig() : config::ParseConfig(config_text, "test");
    store::SqliteOptions options;
    options.path = (dir_.Path() / "flows.db").string();
    options.synchronous = "NORMAL";
    store_ = store::OpenSqliteStore(options);
    MakeService();
  }

  /// Builds a new service over the same store, as a restart does.
  void MakeService() {
    std::map<std::string, core::InboxProfile> inboxes;
    for (const auto& inbox : config_.inboxes) {
      inboxes.emplace(inbox.id, core::InboxProfile{
                                    inbox.id, inbox.channel,
                                    channels::FindAdapter(inbox.channel)->GetCapabilities()});
    }
    security::OtpOptions otp;
    otp.hash_key = "flow-test-key";
    FlowAuthOptions auth;
    auth.otp = std::make_shared<security::OtpService>(otp);
    auth.policy.in_app_inboxes.insert(config_.auth.in_app_inboxes.begin(),
                                      config_.auth.in_app_inboxes.end());
    auth.public_url = config_.server.public_url;
    auth.link_ttl = config_.auth.link_ttl;
    engine_ = std::make_shared<FlowEngine>(config_.flows, clock_, std::move(auth));
    service_ = std::make_unique<core::ConversationService>(
        inboxes, std::make_shared<TierZeroBot>(config_.bot), config_.compliance, clock_, engine_);
  }

  void TearDown() override {
    if (store_) {
      store_->Stop();
    }
  }

  void ImportDemoCustomers() {
    for (const char* file : {"data/demo/customers.csv", "data/demo/transactions.csv"}) {
      auto parsed = customers::ParseImportCsv(ReadSourceFile(file));
      ASSERT_TRUE(parsed.errors.empty()) << customers::DescribeErrors(parsed.errors);
      std::vector<customers::ImportError> errors;
      Write([&](core::Repository& repository) {
        auto customers_repository = customers::OpenCustomerRepository(repository);
        errors = customers::ApplyImport(*customers_repository, parsed.batch, clock_.Now());
      });
      ASSERT_TRUE(errors.empty()) << customers::DescribeErrors(errors);
    }
  }

  void Write(const std::function<void(core::Repository&)>& work) {
    const auto result = store_->WriteAndWait(work);
    ASSERT_TRUE(result.ok) << result.error;
  }

  /// Receives `text` from `from` on `inbox`. Senders on the web chat inboxes (chat, and app, the
  /// demo's in-app chat) are visitor ids.
  core::InboundOutcome Receive(const std::string& text, const std::string& inbox = "sms",
                               const std::string& from = "+12025550123",
                               const std::string& reply_id = {}) {
    core::InboundMessage inbound;
    inbound.inbox_id = inbox;
    inbound.provider_message_id = "in-" + std::to_string(++received_);
    inbound.from = inbox == "chat" || inbox == "app"
                       ? core::ContactIdentity{core::IdentityKind::kWebchat, from, inbox}
                       : core::ContactIdentity{core::IdentityKind::kPhone, from, ""};
    inbound.text = text;
    inbound.reply_id = reply_id;
    core::InboundOutcome outcome;
    Write([&](core::Repository& repository) {
      outcome = service_->ReceiveInbound(repository, inbound);
    });
    return outcome;
  }

  /// Returns the texts of the replies queued by `outcome`, in order.
  std::vector<std::string> Replies(const core::InboundOutcome& outcome) {
    std::vector<std::string> texts;
    store_->Read([&](core::Repository& repository) {
      for (const auto& queued : outcome.queued) {
        texts.push_back(repository.GetMessage(queued.message_id)->text);
      }
    });
    return texts;
  }

  /// Returns the data of every event of `type`, oldest first.
  std::vector<std::string> EventData(std::string_view type) {
    std::vector<std::string> data;
    store_->Read([&](core::Repository& repository) {
      for (const auto& event : repository.ListEvents(0, 10000)) {
        if (event.type == type) {
          data.push_back(event.data_json);
        }
      }
    });
    return data;
  }

  /// Returns the passcode in the first reply of `outcome`, the SMS of an authenticate step.
  /// Returns the text the outbox sends for the first message queued by `outcome`: the stored
  /// copy of a passcode SMS has the code masked, the outbox row has it in clear.
  std::string CodeIn(const core::InboundOutcome& outcome) {
    std::vector<std::string> replies;
    if (!outcome.queued.empty()) {
      store_->Read([&](core::Repository& repository) {
        static constexpr store::Query kSendText{
            "test_outbox_send_text", "SELECT send_text FROM outbox WHERE message_id = ?1"};
        auto row = static_cast<store::SqliteRepository&>(repository).Db().Prepare(kSendText);
        row.Bind(1, outcome.queued.front().message_id);
        if (row.Step() && !row.IsNull(0)) {
          replies.push_back(row.Text(0));
        }
      });
    }
    std::string code;
    if (!replies.empty()) {
      const std::string& text = replies.front();
      const auto start = text.find_first_of("0123456789");
      if (start != std::string::npos) {
        code = text.substr(start, text.find_first_not_of("0123456789", start) - start);
      }
    }
    EXPECT_EQ(code.size(), 6u) << (replies.empty() ? "no reply" : replies.front());
    return code;
  }

  /// Claims every due outbox entry, oldest first, marking each done so that the next of its
  /// conversation becomes due, and returns them all.
  std::vector<core::OutboxEntry> DrainOutbox() {
    std::vector<core::OutboxEntry> all;
    for (int round = 0; round < 100; ++round) {
      std::vector<core::OutboxEntry> claimed;
      Write([&](core::Repository& repository) {
        claimed = repository.ClaimDueOutbox(clock_.Now(), 100);
        for (auto entry : claimed) {
          entry.state = "done";
          repository.UpdateOutbox(entry, "");
        }
      });
      if (claimed.empty()) {
        break;
      }
      all.insert(all.end(), claimed.begin(), claimed.end());
    }
    return all;
  }

  std::optional<FlowState> State(std::int64_t conversation_id) {
    std::optional<FlowState> state;
    store_->Read([&](core::Repository& repository) {
      state = OpenFlowRepository(repository)->Load(conversation_id);
    });
    return state;
  }

  core::Conversation Conversation(std::int64_t id) {
    std::optional<core::Conversation> conversation;
    store_->Read([&](core::Repository& repository) {
      conversation = repository.GetConversation(id);
    });
    return *conversation;
  }

  ::mobilelink::testing::TempDir dir_;
  core::ManualTimeSource clock_{core::TimePoint(std::chrono::hours(24 * 20600))};
  config::Config config_;
  std::unique_ptr<store::Store> store_;
  std::shared_ptr<FlowEngine> engine_;
  std::unique_ptr<core::ConversationService> service_;
  int received_ = 0;
};

}  // namespace mobilelink::bot::testing
