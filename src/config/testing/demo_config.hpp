#pragma once

// Loading config/demo.yaml in tests. Its relative paths, such as bot.knowledge_base_dir, start
// at the source directory, where ./scripts/demo.sh runs the server, so the load runs there too.

#include <filesystem>
#include <string>

#include "mobilelink/config/config.hpp"

namespace mobilelink::config {

/// Loads MOBILELINK_SOURCE_DIR/config/demo.yaml with the source directory as the working
/// directory, and restores the previous working directory afterwards, also on error.
inline Config LoadDemoConfig() {
  const std::filesystem::path previous = std::filesystem::current_path();
  std::filesystem::current_path(MOBILELINK_SOURCE_DIR);
  try {
    Config config = LoadConfig("config/demo.yaml");
    std::filesystem::current_path(previous);
    return config;
  } catch (...) {
    std::filesystem::current_path(previous);
    throw;
  }
}

}  // namespace mobilelink::config
