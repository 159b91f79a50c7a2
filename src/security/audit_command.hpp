#pragma once

// The `mobilelink audit` subcommands.

#include <CLI/CLI.hpp>

namespace mobilelink::security {

/// Adds `audit verify`, which checks the audit log's hash chain and exits 0 when it is intact,
/// 1 at the first bad row (printed with the reason) and 2 when the database cannot be opened.
void AddAuditCommand(CLI::App& app);

}  // namespace mobilelink::security
