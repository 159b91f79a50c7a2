#include "mobilelink/customers/customer_command.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "mobilelink/config/config.hpp"
#include "mobilelink/customers/customer_import.hpp"
#include "mobilelink/store/store.hpp"

namespace mobilelink::customers {

int RunCustomerImport(const std::string& config_path, const std::string& file) {
  std::ifstream input(file, std::ios::binary);
  if (!input) {
    std::cerr << "cannot open " << file << "; check the path\n";
    return 2;
  }
  std::stringstream text;
  text << input.rdbuf();
  ImportParse parsed = ParseImportCsv(text.str());
  if (!parsed.errors.empty()) {
    std::cerr << file << ": nothing was imported; fix these records:\n"
              << DescribeErrors(parsed.errors);
    return 1;
  }
  std::unique_ptr<store::Store> store;
  try {
    const config::Config config = config::LoadConfig(config_path);
    store = store::OpenSqliteStore({config.store.path, 512, config.store.synchronous});
  } catch (const std::exception& error) {
    std::cerr << error.what() << "\n";
    return 2;
  }
  std::vector<ImportError> errors;
  const auto result = store->WriteAndWait([&](core::Repository& repository) {
    auto customers = OpenCustomerRepository(repository);
    errors = ApplyImport(*customers, parsed.batch, core::Clock::now());
  });
  store->Stop();
  if (!result.ok) {
    std::cerr << "the import was not stored: " << result.error << "\n";
    return 2;
  }
  if (!errors.empty()) {
    std::cerr << file << ": nothing was imported; fix these records:\n" << DescribeErrors(errors);
    return 1;
  }
  std::cout << "imported customers=" << parsed.batch.profiles.size()
            << " transactions=" << parsed.batch.transactions.size() << "\n";
  return 0;
}

void AddCustomerCommands(CLI::App& app) {
  auto* customers = app.add_subcommand("customers", "Manage the built-in customer data");
  customers->require_subcommand(1);
  auto config_path = std::make_shared<std::string>("config/demo.yaml");
  auto file = std::make_shared<std::string>();
  auto* import = customers->add_subcommand(
      "import",
      "Import an RFC 4180 CSV file of customers, or of transactions when it has a kind column; "
      "all rows or none");
  import->add_option("FILE", *file, "CSV file with a header row")->required();
  import->add_option("--config", *config_path, "YAML config whose store receives the data");
  import->callback([config_path, file] {
    if (const int code = RunCustomerImport(*config_path, *file); code != 0) {
      throw CLI::RuntimeError(code);
    }
  });
}

}  // namespace mobilelink::customers
