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

TEST(StoreLock, FileInStorePathFails) {
  const testing::TempDir directory;
  std::ofstream(directory.Path() / "file") << "";
  try {
    const StoreLock lock((directory.Path() / "file" / "store.db").string());
    FAIL() << "a file as a directory of the store path was accepted";
  } catch (const StoreLockError& error) {
    EXPECT_NE(std::string(error.what()).find("Check store.path"), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace mobilelink::store
