#pragma once

// A directory of its own for each test, removed when the test ends.

#include <atomic>
#include <filesystem>
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>

namespace mobilelink::testing {

class TempDir final {
 public:
  /// Creates `<gtest temp dir>/mobilelink-<pid>-<n>-<test name>`. The pid and counter keep
  /// parallel test processes and repeated tests apart.
  TempDir() {
    static std::atomic<int> counter{0};
    std::string name =
        "mobilelink-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1));
    if (const auto* info = ::testing::UnitTest::GetInstance()->current_test_info()) {
      name += std::string("-") + info->name();
    }
    for (char& c : name) {
      if (c == '/') {
        c = '_';
      }
    }
    path_ = std::filesystem::path(::testing::TempDir()) / name;
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& Path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace mobilelink::testing
