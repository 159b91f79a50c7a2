#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mobilelink::core {

/// Returns `text` with every invalid UTF-8 sequence (stray continuation bytes, truncated or
/// overlong sequences, surrogates, code points above U+10FFFF) replaced by U+FFFD, so stored
/// text is always valid UTF-8 and valid in JSON.
std::string SanitizeUtf8(std::string_view text);

/// Returns the byte offset of the first invalid UTF-8 sequence in `text`, or nullopt when the
/// text is valid UTF-8.
std::optional<std::size_t> FindInvalidUtf8(std::string_view text);

/// Returns true when `text` has no visible character: only whitespace (ASCII and Unicode
/// White_Space) and zero-width characters.
bool IsBlank(std::string_view text);

}  // namespace mobilelink::core
