#pragma once

// Checks for inbox settings that several channels share. Each returns the reason a value is
// invalid, written to follow the key's path in a config error, or nullopt when it is valid.

#include <optional>
#include <string>
#include <string_view>

namespace mobilelink::channels::common {

/// Highest rate_per_second an inbox may set. Providers throttle far below it; the bound only
/// keeps a typo from turning the outbound rate limit off.
inline constexpr double kMaxRatePerSecond = 100000;

/// Checks an outbound rate: a decimal number greater than 0 and at most kMaxRatePerSecond.
[[nodiscard]] std::optional<std::string> CheckRatePerSecond(std::string_view value);

/// Checks a whole number from 1 to `max`, written in decimal digits only.
[[nodiscard]] std::optional<std::string> CheckPositiveInteger(std::string_view value, long max);

}  // namespace mobilelink::channels::common
