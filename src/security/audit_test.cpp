#include "mobilelink/security/audit.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "mobilelink/security/testing/conversation_store.hpp"

namespace mobilelink::security {
namespace {

using std::chrono::seconds;

const core::TimePoint kNow = core::TimePoint(seconds(1'800'000'000));

class AuditTest : public ::testing::Test {
 protected:
  void AppendRows(int count) {
    db_.Write([&](core::Repository& unit) {
      for (int i = 0; i < count; ++i) {
        AuditRecord record;
        record.actor_kind = ActorKind::kAgent;
        record.actor_id = "7";
        record.action = "profile.updated";
        record.target = "contact:3";
        record.old_value = "1 Old Road " + std::to_string(i);
        record.new_value = "22 New Street " + std::to_string(i);
        record.channel = "api";
        record.conversation_id = 5;
        record.occurred_at = kNow + seconds(i);
        AppendAudit(unit, record);
      }
    });
  }

  AuditChainReport Verify() {
    AuditChainReport report;
    db_.Store().Read([&](core::Repository& unit) { report = VerifyAuditChain(unit); });
    return report;
  }

  // Runs raw SQL on the database file from a second connection, as an attacker would.
  void Tamper(const std::string& sql) {
    sqlite3* handle = nullptr;
    ASSERT_EQ(sqlite3_open(db_.DatabasePath().c_str(), &handle), SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(handle, sql.c_str(), nullptr, nullptr, &error);
    const std::string message = error ? error : "";
    sqlite3_free(error);
    sqlite3_close(handle);
    ASSERT_EQ(rc, SQLITE_OK) << message;
  }

  testing::ConversationStore db_;
};

TEST_F(AuditTest, IntactChainVerifies) {
  AppendRows(5);
  const auto report = Verify();
  EXPECT_TRUE(report.ok) << report.reason;
  EXPECT_EQ(report.rows_checked, 5);
}

TEST_F(AuditTest, EmptyLogVerifies) {
  const auto report = Verify();
  EXPECT_TRUE(report.ok);
  EXPECT_EQ(report.rows_checked, 0);
}

TEST_F(AuditTest, StoresMaskedValues) {
  AppendRows(1);
  std::vector<AuditRecord> rows;
  db_.Store().Read(
      [&](core::Repository& unit) { rows = OpenAuditRepository(unit)->ListAfter(0, 10); });
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].old_value, "1**********0");
  EXPECT_EQ(rows[0].new_value, "2*************0");
  EXPECT_EQ(rows[0].prev_hash, std::string(64, '0'));
}

TEST_F(AuditTest, DetectsEditedRow) {
  AppendRows(5);
  Tamper("UPDATE audit_log SET new_value = 'x' WHERE id = 3");
  const auto report = Verify();
  EXPECT_FALSE(report.ok);
  ASSERT_TRUE(report.first_bad_id.has_value());
  EXPECT_EQ(*report.first_bad_id, 3);
  EXPECT_EQ(report.rows_checked, 2);
}

TEST_F(AuditTest, DetectsEditedRowWithRecomputedHash) {
  AppendRows(5);
  // The attacker fixes row 3's own hash, so the break shows at row 4.
  AuditRecord edited;
  db_.Store().Read(
      [&](core::Repository& unit) { edited = OpenAuditRepository(unit)->ListAfter(2, 1).at(0); });
  edited.new_value = "x";
  Tamper("UPDATE audit_log SET new_value = 'x', hash = '" + HashAuditRecord(edited) +
         "' WHERE id = 3");
  const auto report = Verify();
  EXPECT_FALSE(report.ok);
  ASSERT_TRUE(report.first_bad_id.has_value());
  EXPECT_EQ(*report.first_bad_id, 4);
}

TEST_F(AuditTest, DetectsDeletedRow) {
  AppendRows(5);
  Tamper("DELETE FROM audit_log WHERE id = 2");
  const auto report = Verify();
  EXPECT_FALSE(report.ok);
  ASSERT_TRUE(report.first_bad_id.has_value());
  EXPECT_EQ(*report.first_bad_id, 3);
}

TEST_F(AuditTest, DetectsDeletedAndRenumberedRow) {
  AppendRows(5);
  Tamper("DELETE FROM audit_log WHERE id = 2; UPDATE audit_log SET id = id - 1 WHERE id > 2");
  const auto report = Verify();
  EXPECT_FALSE(report.ok);
  ASSERT_TRUE(report.first_bad_id.has_value());
  EXPECT_EQ(*report.first_bad_id, 2);
}

TEST_F(AuditTest, RolledBackChangeLeavesNoRow) {
  const auto result = db_.Store().WriteAndWait([&](core::Repository& unit) {
    AuditRecord record;
    record.action = "card.frozen";
    record.occurred_at = kNow;
    AppendAudit(unit, record);
    throw std::runtime_error("the change failed");
  });
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(Verify().rows_checked, 0);
}

TEST(AuditMask, MasksValues) {
  EXPECT_EQ(MaskValue(""), "");
  EXPECT_EQ(MaskValue("abc"), "***");
  EXPECT_EQ(MaskValue("abcdef"), "******");
  EXPECT_EQ(MaskValue("abcdefg"), "a****fg");
  EXPECT_EQ(MaskValue("Zürich 8001"), "Z********01");
}

TEST(AuditMask, MasksCardNumberFirst) {
  const std::string masked = MaskValue("card 4111 1111 1111 1111 ok");
  EXPECT_EQ(masked.find("1111 1111"), std::string::npos);
  EXPECT_EQ(masked.front(), 'c');
}

}  // namespace
}  // namespace mobilelink::security
