#pragma once

// Phone number normalization to E.164 with libphonenumber.

#include <optional>
#include <string>
#include <string_view>

namespace mobilelink::channels::common {

/// Normalizes a phone number to E.164 ("+" and digits). `raw` may carry a leading '+', spaces,
/// dashes and brackets; without '+' it is read as a national number of `default_region`
/// (ISO 3166 alpha-2, such as "US"). Returns nullopt when libphonenumber cannot parse it or
/// when its length is impossible for the country. Numbers in unassigned ranges are kept,
/// because a customer's real number may be newer than the library's metadata.
[[nodiscard]] std::optional<std::string> NormalizePhone(std::string_view raw,
                                                        std::string_view default_region);

/// Normalizes a WhatsApp id (international digits without '+', such as "12025550123") to
/// E.164. Returns nullopt when it is not all digits or not a possible number.
[[nodiscard]] std::optional<std::string> NormalizeWhatsAppId(std::string_view wa_id);

}  // namespace mobilelink::channels::common
