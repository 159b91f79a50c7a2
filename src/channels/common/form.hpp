#pragma once

// application/x-www-form-urlencoded bodies, kept as ordered name/value pairs. Signature checks
// need every received pair exactly as decoded, repetitions included, so nothing is merged.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mobilelink::channels::common {

using FormPairs = std::vector<std::pair<std::string, std::string>>;

/// Decodes one form component: '+' becomes a space and %XX a byte. Returns nullopt for a '%'
/// that is not followed by two hex digits.
[[nodiscard]] std::optional<std::string> DecodeFormComponent(std::string_view text);

/// Parses a form body or query string in order, keeping repeated names and empty values.
/// Empty segments between '&' are skipped. Returns nullopt when any escape is malformed.
[[nodiscard]] std::optional<FormPairs> ParseForm(std::string_view text);

/// Encodes one form component: ALPHA, DIGIT and "-._*" stay, space becomes '+', the rest %XX.
[[nodiscard]] std::string EncodeFormComponent(std::string_view text);

/// Joins pairs into a form body in the given order.
[[nodiscard]] std::string EncodeForm(const FormPairs& pairs);

/// Returns the first value of `name`, or nullptr.
[[nodiscard]] const std::string* FindFormValue(const FormPairs& pairs, std::string_view name);

}  // namespace mobilelink::channels::common
