#pragma once

// `mobilelink analytics verify` and `mobilelink analytics rebuild`.

#include <CLI/CLI.hpp>

namespace mobilelink::analytics {

/// Adds the analytics subcommands to `cli`. Each runs and exits from its callback.
void AddAnalyticsCommands(CLI::App& cli);

}  // namespace mobilelink::analytics
