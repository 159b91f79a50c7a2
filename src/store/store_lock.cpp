#include "mobilelink/store/store_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

namespace mobilelink::store {

std::string StoreLockPath(const std::string& database_path) {
  // Symbolic links and ".." are resolved, so that two paths to one database share one lock.
  std::error_code error;
  const auto resolved = std::filesystem::weakly_canonical(database_path, error);
  return (error ? database_path : resolved.string()) + ".lock";
}

StoreLock::StoreLock(const std::string& database_path) : path_(StoreLockPath(database_path)) {
  // The store creates its directory on open, and the lock comes first, so it creates it here.
  const auto parent = std::filesystem::path(path_).parent_path();
  if (!parent.empty()) {
    std::error_code error;
    std::filesystem::create_directories(parent, error);
    if (error) {
      throw StoreLockError(fmt::format(
          "cannot create the store directory {}: {}. Check store.path: each part of it must be "
          "a directory that this user can write, or a name that can be created",
          parent.string(), error.message()));
    }
  }
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    throw StoreLockError(fmt::format(
        "cannot open store lock file {}: {}. The user that runs mobilelink must be able to "
        "create and write this file: change its owner or permissions, or set store.path to a "
        "writable directory",
        path_, std::strerror(errno)));
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(fd_);
    fd_ = -1;
    if (error == EWOULDBLOCK) {
      throw StoreLockError(fmt::format(
          "store lock file {} is held: another mobilelink process (a server, or an analytics "
          "rebuild) uses store {}. Stop that process, or give this one a different store.path",
          path_, database_path));
    }
    throw StoreLockError(fmt::format("locking store lock file {} failed: {}", path_,
                                     std::strerror(error)));
  }
}

StoreLock::~StoreLock() {
  if (fd_ >= 0) {
    // Closing the descriptor releases the lock. The file stays, because removing it would let a
    // third process lock a new file while a second one still holds the old one.
    ::close(fd_);
  }
}

}  // namespace mobilelink::store
