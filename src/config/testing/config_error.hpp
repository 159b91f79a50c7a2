#pragma once

// A test helper shared by the config section tests.

#include <string>

#include "mobilelink/config/config.hpp"

namespace mobilelink::config {

/// Returns the ConfigError message of parsing `text`, or "no error" when it parses.
inline std::string ErrorOf(const std::string& text) {
  try {
    ParseConfig(text, "test.yaml");
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "no error";
}

}  // namespace mobilelink::config
