#include "mobilelink/security/audit_command.hpp"

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "mobilelink/config/config.hpp"
#include "mobilelink/security/audit.hpp"
#include "mobilelink/store/store.hpp"

namespace mobilelink::security {

namespace {

struct AuditVerifyOptions {
  std::string config_path;
  std::string database_path;
};

int RunAuditVerify(const AuditVerifyOptions& options) {
  store::SqliteOptions sqlite;
  std::unique_ptr<store::Store> store;
  try {
    if (!options.database_path.empty()) {
      sqlite.path = options.database_path;
    } else if (!options.config_path.empty()) {
      sqlite.path = config::LoadConfig(options.config_path).store.path;
    }
    // Opening a missing file would create an empty store and report an intact log.
    if (!std::filesystem::is_regular_file(sqlite.path)) {
      throw std::runtime_error("database file " + sqlite.path +
                               " not found; pass the server's store with --db or --config");
    }
    store = store::OpenSqliteStore(sqlite);
  } catch (const std::exception& error) {
    std::cerr << "audit verify failed: " << error.what() << "\n";
    return 2;
  }
  AuditChainReport report;
  store->Read([&](core::Repository& unit) { report = VerifyAuditChain(unit); });
  store->Stop();
  if (report.ok) {
    std::cout << "audit log intact: " << report.rows_checked << " rows checked in " << sqlite.path
              << "\n";
    return 0;
  }
  std::cout << "audit log broken at row " << *report.first_bad_id << ": " << report.reason << " ("
            << report.rows_checked << " rows before it are intact)\n";
  return 1;
}

}  // namespace

void AddAuditCommand(CLI::App& app) {
  auto* audit = app.add_subcommand("audit", "Inspect the tamper-evident audit log");
  audit->require_subcommand(1);
  auto options = std::make_shared<AuditVerifyOptions>();
  auto* verify = audit->add_subcommand(
      "verify", "Check the audit log's hash chain and name the first edited or deleted row");
  verify->add_option("--config", options->config_path,
                     "YAML config file whose store.path names the database");
  verify->add_option("--db", options->database_path,
                     "SQLite database file; overrides --config (default var/mobilelink.db)");
  verify->callback([options] {
    const int code = RunAuditVerify(*options);
    if (code != 0) {
      throw CLI::RuntimeError(code);
    }
  });
}

}  // namespace mobilelink::security
