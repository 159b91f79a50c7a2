#pragma once

#include <string>
#include <string_view>

namespace mobilelink::core {

/// Masks payment card numbers in free text before it is stored, logged, classified or sent.
///
/// A card number is 13 to 19 digits that pass the Luhn check, written together or in groups
/// separated by single spaces or dashes. Every digit of it except the last four becomes '*';
/// separators and all other text stay. Inside a longer run of digit groups, only windows made
/// of whole groups are tried, longest first, so "99 4111-1111-1111-1111" keeps "99" and masks
/// the card that follows. A Luhn-invalid group stays as written, never masked in part.
std::string MaskCardNumbers(std::string_view text);

/// Returns true when `digits` (ASCII digits only) passes the Luhn check.
bool PassesLuhn(std::string_view digits);

}  // namespace mobilelink::core
