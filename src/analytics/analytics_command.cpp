#include "mobilelink/analytics/analytics_command.hpp"

#include <filesystem>
#include <iostream>
#include <optional>

#include "mobilelink/analytics/processor.hpp"
#include "mobilelink/analytics/working_time.hpp"
#include "mobilelink/config/config.hpp"
#include "mobilelink/store/store.hpp"
#include "mobilelink/store/store_lock.hpp"

namespace mobilelink::analytics {

namespace {

constexpr int kBatchEvents = 20'000;
constexpr std::size_t kMaxPrintedDifferences = 50;

int Verify(const config::Config& config) {
  // Opening a missing file would create an empty store whose rollups trivially match.
  if (!std::filesystem::is_regular_file(config.store.path)) {
    std::cerr << "database file " << config.store.path
              << " not found; check store.path in the config\n";
    return 2;
  }
  auto store = store::OpenSqliteStore({config.store.path, 512, config.store.synchronous});
  const TimeZone zone(config.analytics.time_zone);
  const auto working_time = TeamCalendarsOf(config);
  const AnalyticsProcessor processor(config.analytics, zone, *working_time);
  std::vector<std::string> differences;
  std::int64_t cursor = 0;
  store->Read([&](core::Repository& unit) {
    cursor = OpenAnalyticsRepository(unit)->Cursor();
    differences = processor.Verify(unit);
  });
  store->Stop();
  if (differences.empty()) {
    std::cout << "rollups match a full recomputation of the events up to id " << cursor << "\n";
    return 0;
  }
  std::cout << differences.size() << " differences between the stored rollups and a full "
            << "recomputation up to event id " << cursor << ":\n";
  for (std::size_t i = 0; i < differences.size() && i < kMaxPrintedDifferences; ++i) {
    std::cout << "  " << differences[i] << "\n";
  }
  std::cout << "run `mobilelink analytics rebuild` with the server stopped to refold them\n";
  return 1;
}

}  // namespace

int RebuildRollups(const config::Config& config) {
  // A running server folds new events into the rollups too, so both together would count
  // events twice.
  std::optional<store::StoreLock> lock;
  try {
    lock.emplace(config.store.path);
  } catch (const store::StoreLockError& error) {
    std::cerr << "rebuild not started: " << error.what() << "\n";
    return 2;
  }
  auto store = store::OpenSqliteStore({config.store.path, 512, config.store.synchronous});
  const TimeZone zone(config.analytics.time_zone);
  const auto working_time = TeamCalendarsOf(config);
  const AnalyticsProcessor processor(config.analytics, zone, *working_time);
  auto cleared = store->WriteAndWait(
      [](core::Repository& unit) { OpenAnalyticsRepository(unit)->ClearAll(); });
  if (!cleared.ok) {
    std::cerr << "clearing the rollups failed: " << cleared.error << "\n";
    return 1;
  }
  std::int64_t folded = 0;
  BatchResult result;
  do {
    auto write = store->WriteAndWait(
        [&](core::Repository& unit) { result = processor.ProcessBatch(unit, kBatchEvents); });
    if (!write.ok) {
      std::cerr << "folding events failed after id " << result.cursor << ": " << write.error
                << "\n";
      return 1;
    }
    folded += result.events;
  } while (result.events == kBatchEvents);
  store->Stop();
  std::cout << "folded " << folded << " events up to id " << result.cursor << "\n";
  return 0;
}

void AddAnalyticsCommands(CLI::App& cli) {
  auto* analytics = cli.add_subcommand("analytics", "Check or rebuild the KPI rollups");
  analytics->require_subcommand(1);
  auto config_path = std::make_shared<std::string>("config/demo.yaml");
  for (const bool rebuild : {false, true}) {
    auto* command = analytics->add_subcommand(
        rebuild ? "rebuild" : "verify",
        rebuild ? "Delete the rollups and fold every event again (stop the server first)"
                : "Compare the stored rollups with a full recomputation from the events; "
                  "exits 1 on any difference");
    command->add_option("--config", *config_path, "YAML config file (default config/demo.yaml)");
    command->callback([config_path, rebuild] {
      config::Config config;
      try {
        config = config::LoadConfig(*config_path);
      } catch (const config::ConfigError& error) {
        std::cerr << "invalid config: " << error.what() << "\n";
        throw CLI::RuntimeError(2);
      }
      const int code = rebuild ? RebuildRollups(config) : Verify(config);
      if (code != 0) {
        throw CLI::RuntimeError(code);
      }
    });
  }
}

}  // namespace mobilelink::analytics
