#include "mobilelink/store/store_lock.hpp"

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "mobilelink/common/testing/temp_dir.hpp"

namespace mobilelink::store {
namespace {

TEST(StoreLock, SecondLockOnSameStoreFails) {
  const testing::TempDir directory;
  const std::string database = (directory.Path() / "store.db").string();
  const StoreLock first(database);
  EXPECT_THROW(StoreLock second(database), StoreLockError);
}

TEST(StoreLock, SymbolicLinkToStoreSharesLock) {
  const testing::TempDir directory;
  const auto database = directory.Path() / "store.db";
  std::ofstream(database) << "";
  const auto link = directory.Path() / "link.db";
  std::filesystem::create_symlink(database, link);
  EXPECT_EQ(StoreLockPath(link.string()), StoreLockPath(database.string()));

  const StoreLock first(database.string());
  EXPECT_THROW(StoreLock second(link.string()), StoreLockError);
  EXPECT_THROW(StoreLock third((directory.Path() / "sub" / ".." / "store.db").string()),
               StoreLockError);
}

TEST(StoreLock, ReleasedWhenDestroyed) {
  const testing::TempDir directory;
  const std::string database = (directory.Path() / "store.db").string();
  { const StoreLock first(database); }
  EXPECT_NO_THROW(StoreLock again(database));
}

}  // namespace
}  // namespace mobilelink::store
