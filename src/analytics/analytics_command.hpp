#pragma once

// `mobilelink analytics verify` and `mobilelink analytics rebuild`.

#include <CLI/CLI.hpp>

#include "mobilelink/config/config.hpp"

namespace mobilelink::analytics {

/// Deletes the KPI rollups of the store of `config` and folds every event again. Takes the
/// store lock first, so it changes nothing while a server runs on that store. Returns the exit
/// code: 0 when done, 1 when a write failed, 2 when the lock is held or cannot be taken.
int RebuildRollups(const config::Config& config);

/// Adds the analytics subcommands to `cli`. Each runs and exits from its callback.
void AddAnalyticsCommands(CLI::App& cli);

}  // namespace mobilelink::analytics
