#pragma once

// Named spdlog loggers, one per layer, so an operator can raise one layer to debug without the
// rest. Lines are a lower-case event phrase followed by key=value fields.

#include <memory>
#include <string>
#include <string_view>

#include <spdlog/common.h>
#include <spdlog/logger.h>

namespace mobilelink {

/// Returns the logger of `layer` (http, ws, channel, core, store, bot, routing, events,
/// security), creating it on first use. Thread safe. Callers may keep the pointer.
std::shared_ptr<spdlog::logger> Logger(std::string_view layer);

/// Sets the level of every layer logger, existing and future. Call it once at startup, before
/// other threads log; later calls are safe but race with lines being written.
void InitLogging(spdlog::level::level_enum level);

/// Sets the level of one layer, for example to debug the http layer alone.
void SetLogLevel(std::string_view layer, spdlog::level::level_enum level);

/// Returns `value` safe to put inside a quoted key="value" field: backslash, double quote and
/// control characters become escapes, so a peer cannot start a forged log line.
std::string EscapeLogValue(std::string_view value);

}  // namespace mobilelink
