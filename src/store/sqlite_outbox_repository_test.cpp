#include "mobilelink/store/sqlite_outbox_repository.hpp"

#include <sqlite3.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mobilelink/common/testing/temp_dir.hpp"
#include "mobilelink/store/sqlite_repository.hpp"
#include "mobilelink/store/store.hpp"

namespace mobilelink::store {
namespace {

// Returns the detail column of each EXPLAIN QUERY PLAN row of `sql` on `db`.
std::vector<std::string> PlanDetails(sqlite3* db, std::string_view sql) {
  const std::string explain = "EXPLAIN QUERY PLAN " + std::string(sql);
  sqlite3_stmt* statement = nullptr;
  std::vector<std::string> details;
  if (sqlite3_prepare_v2(db, explain.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "prepare failed: " << sqlite3_errmsg(db);
    return details;
  }
  while (sqlite3_step(statement) == SQLITE_ROW) {
    details.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(statement, 3)));
  }
  sqlite3_finalize(statement);
  return details;
}

TEST(SqliteOutboxRepository, StatusMatchUsesCallbackIndex) {
  mobilelink::testing::TempDir dir;
  auto store = OpenSqliteStore({(dir.Path() / "mobilelink.db").string(), 16, "NORMAL"});
  std::vector<std::string> details;
  store->Read([&](core::Repository& repository) {
    details = PlanDetails(static_cast<SqliteRepository&>(repository).Db().Handle(),
                          kFindStatusMatches.sql);
  });
  store->Stop();

  std::string plan;
  for (const auto& detail : details) {
    plan += detail + "\n";
  }
  // Each unknown row looks its statuses up by inbox and callback data, instead of stepping
  // through every kept status of its inbox.
  EXPECT_NE(plan.find("orphan_statuses_callback (inbox_id=? AND callback_data=?)"),
            std::string::npos)
      << plan;
  EXPECT_EQ(plan.find("orphan_statuses_lookup"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("SCAN s"), std::string::npos) << plan;
}

}  // namespace
}  // namespace mobilelink::store
