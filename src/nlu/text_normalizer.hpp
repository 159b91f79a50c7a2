#pragma once

// Text normalization shared by every intent model, so that training and prediction see the
// same tokens.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mobilelink::nlu {

/// Token that replaces a masked or unmasked payment card number.
inline constexpr std::string_view kCardToken = "<card>";
/// Token that replaces a run of digits.
inline constexpr std::string_view kNumberToken = "<num>";
/// Tokens kept from one message. Intent is carried by the first words, and the cap bounds the
/// prediction time of a 10 kB message.
inline constexpr std::size_t kMaxTokens = 128;

/// Splits a customer message into normalized tokens.
///
/// Card numbers are masked first, then the text is NFKC-normalized and case-folded (ICU). A token
/// is a run of letters, marks and connector punctuation of any script. A masked card ('*' runs
/// ending in digits) becomes kCardToken, and any other digit run becomes kNumberToken. Each emoji
/// (Extended_Pictographic or a regional-indicator flag, with its modifiers and joiners) is a token
/// of its own. Other characters separate tokens. Invalid UTF-8 is replaced, never rejected. At most
/// kMaxTokens tokens are returned.
std::vector<std::string> NormalizeTokens(std::string_view text);

/// Returns NormalizeTokens(text) joined by single spaces.
std::string NormalizeText(std::string_view text);

}  // namespace mobilelink::nlu
