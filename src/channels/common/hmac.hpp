#pragma once

// Keyed hashes, digests and encodings for provider signatures, over OpenSSL 3.

#include <string>
#include <string_view>

namespace mobilelink::channels::common {

/// Returns the raw 20-byte HMAC-SHA1 of `data` under `key`.
[[nodiscard]] std::string HmacSha1(std::string_view key, std::string_view data);

/// Returns the raw 32-byte HMAC-SHA256 of `data` under `key`.
[[nodiscard]] std::string HmacSha256(std::string_view key, std::string_view data);

/// Returns the raw 32-byte SHA-256 digest of `data`.
[[nodiscard]] std::string Sha256(std::string_view data);

/// Encodes bytes as standard Base64 with padding, without line breaks.
[[nodiscard]] std::string Base64Encode(std::string_view bytes);

/// Encodes bytes as lowercase hexadecimal.
[[nodiscard]] std::string HexEncode(std::string_view bytes);

/// Compares two strings in time that depends only on their lengths. Lengths are not secret:
/// a signature's length is fixed by its algorithm.
[[nodiscard]] bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace mobilelink::channels::common
