#pragma once

#include <string>

namespace CLI {
class App;
}

namespace mobilelink::customers {

/// Registers `mobilelink customers import FILE --config CONFIG`.
void AddCustomerCommands(CLI::App& app);

/// Imports one CSV file into the store that `config_path` names. Prints each invalid record
/// and writes nothing when there is one. Returns the process exit code: 0 on success, 1 for
/// invalid records, 2 when the file, config or store cannot be opened.
int RunCustomerImport(const std::string& config_path, const std::string& file);

}  // namespace mobilelink::customers
