#pragma once

// Password hashing and opaque bearer tokens.

#include <string>
#include <string_view>

namespace mobilelink::security {

/// Initializes libsodium. Call once at start; safe to call again. Throws on failure.
void InitCrypto();

/// Hashes a password with Argon2id (libsodium's interactive limits: 2 passes, 64 MiB).
std::string HashPassword(std::string_view password);

/// Checks a password against an Argon2id hash in constant time for a given hash.
bool VerifyPassword(std::string_view password, const std::string& hash);

/// Returns a new random token: 32 bytes as URL-safe base64 without padding.
std::string NewToken();

/// Returns the lowercase hex SHA-256 of a token. Only this hash is stored, so a copy of the
/// database does not yield usable tokens.
std::string HashToken(std::string_view token);

}  // namespace mobilelink::security
