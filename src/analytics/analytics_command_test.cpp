#include "mobilelink/analytics/analytics_command.hpp"

#include <filesystem>

#include <gtest/gtest.h>

#include "mobilelink/common/testing/temp_dir.hpp"
#include "mobilelink/config/testing/demo_config.hpp"
#include "mobilelink/store/store_lock.hpp"

namespace mobilelink::analytics {
namespace {

TEST(RebuildRollups, HeldStoreLockChangesNothing) {
  const testing::TempDir directory;
  auto config = config::LoadDemoConfig();
  config.store.path = (directory.Path() / "store.db").string();
  {
    const store::StoreLock server(config.store.path);
    EXPECT_EQ(RebuildRollups(config), 2);
    // The store was not even opened, so no database file exists.
    EXPECT_FALSE(std::filesystem::exists(config.store.path));
  }

  EXPECT_EQ(RebuildRollups(config), 0);
  EXPECT_TRUE(std::filesystem::exists(config.store.path));
  // The rebuild released the lock when it finished.
  EXPECT_NO_THROW(store::StoreLock after(config.store.path));
}

}  // namespace
}  // namespace mobilelink::analytics
