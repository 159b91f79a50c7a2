#include "mobilelink/channels/common/settings.hpp"

#include <charconv>
#include <cmath>

namespace mobilelink::channels::common {

std::optional<std::string> CheckRatePerSecond(std::string_view value) {
  double rate = 0;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), rate);
  if (value.empty() || error != std::errc() || end != value.data() + value.size() ||
      !std::isfinite(rate)) {
    return "expected a number of messages per second, such as 1 or 0.5, got '" +
           std::string(value) + "'";
  }
  if (rate <= 0 || rate > kMaxRatePerSecond) {
    return "must be greater than 0 and at most 100000 messages per second, got '" +
           std::string(value) + "'";
  }
  return std::nullopt;
}

std::optional<std::string> CheckPositiveInteger(std::string_view value, long max) {
  long number = 0;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (value.empty() || error != std::errc() || end != value.data() + value.size() || number < 1 ||
      number > max) {
    return "expected a whole number from 1 to " + std::to_string(max) + ", got '" +
           std::string(value) + "'";
  }
  return std::nullopt;
}

}  // namespace mobilelink::channels::common
