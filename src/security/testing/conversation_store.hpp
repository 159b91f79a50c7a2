#pragma once

// A real SQLite store in a temp dir with helpers that create contacts and conversations, for
// the tests of the security and bot layers' ports.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "mobilelink/common/testing/temp_dir.hpp"
#include "mobilelink/core/repository.hpp"
#include "mobilelink/store/store.hpp"

namespace mobilelink::testing {

class ConversationStore {
 public:
  ConversationStore() {
    store::SqliteOptions options;
    options.path = DatabasePath();
    options.synchronous = "NORMAL";
    store_ = store::OpenSqliteStore(options);
  }
  ~ConversationStore() { store_->Stop(); }

  [[nodiscard]] std::string DatabasePath() const { return (dir_.Path() / "auth.db").string(); }
  store::Store& Store() { return *store_; }

  /// Runs `work` as one committed unit of work and fails the test if it threw.
  void Write(const std::function<void(core::Repository&)>& work) {
    const auto result = store_->WriteAndWait(work);
    ASSERT_TRUE(result.ok) << result.error;
  }

  /// Creates a contact with `identity` and an open conversation on `inbox_id`; returns its id.
  std::int64_t NewConversation(const core::ContactIdentity& identity, const std::string& inbox_id,
                               core::TimePoint now) {
    std::int64_t id = 0;
    Write([&](core::Repository& unit) {
      core::Conversation conversation;
      conversation.contact_id = unit.ResolveContact(identity, "", now);
      conversation.last_inbox_id = inbox_id;
      conversation.created_at = now;
      conversation.updated_at = now;
      unit.InsertConversation(conversation);
      id = conversation.id;
    });
    return id;
  }

  /// Counts stored events of `type`.
  int CountEvents(std::string_view type) {
    int count = 0;
    store_->Read([&](core::Repository& unit) {
      for (const auto& event : unit.ListEvents(0, 100000)) {
        count += event.type == type ? 1 : 0;
      }
    });
    return count;
  }

 private:
  TempDir dir_;
  std::unique_ptr<store::Store> store_;
};

}  // namespace mobilelink::testing
