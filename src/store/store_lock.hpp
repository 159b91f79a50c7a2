#pragma once

// An exclusive advisory lock (flock) on a file beside the store database. A server takes it
// before it opens the store, so a second server on the same store stops before it migrates,
// recovers or writes anything.

#include <stdexcept>
#include <string>

namespace mobilelink::store {

/// Raised when the lock file cannot be opened or another process holds the lock.
class StoreLockError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Holds the lock on `<database path>.lock` until destroyed. The kernel releases it when the
/// process exits, so a killed server leaves no stale lock.
class StoreLock final {
 public:
  /// Takes the lock without waiting. Raises StoreLockError that names the lock file when another
  /// process holds it or the file cannot be opened.
  explicit StoreLock(const std::string& database_path);
  ~StoreLock();
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;

  [[nodiscard]] const std::string& Path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

/// Returns the lock file path of a store database: its path with symbolic links and ".."
/// resolved (as far as they exist), with ".lock" appended.
std::string StoreLockPath(const std::string& database_path);

}  // namespace mobilelink::store
