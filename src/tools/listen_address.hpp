#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mobilelink::tools {

struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
};

/// Parses "HOST:PORT", "[IPv6]:PORT" or ":PORT" (host 127.0.0.1). Returns nullopt when the port
/// is missing or not in 0..65535.
std::optional<ListenAddress> ParseListenAddress(std::string_view text);

}  // namespace mobilelink::tools
