#pragma once

// LEB128 unsigned varints, the byte encoding of stored sketches and counters.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mobilelink::analytics {

inline void PutVarint(std::string& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

/// Reads one varint at `position` and moves past it. Throws std::invalid_argument when the
/// bytes end early or the value exceeds 64 bits.
inline std::uint64_t GetVarint(std::string_view bytes, std::size_t& position) {
  std::uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (position >= bytes.size()) {
      throw std::invalid_argument("stored bytes end inside a varint");
    }
    const auto byte = static_cast<unsigned char>(bytes[position++]);
    value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) {
      return value;
    }
  }
  throw std::invalid_argument("stored varint longer than 64 bits");
}

}  // namespace mobilelink::analytics
