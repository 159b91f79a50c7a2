#pragma once

// SMS text encoding and segmentation (3GPP TS 23.038 alphabet, TS 23.040 concatenation).
//
// A text goes out as GSM-7 when every character is in the GSM 03.38 basic table or its
// extension table, and as UCS-2 otherwise: one character outside GSM-7 switches the whole
// message. GSM-7 counts septets, where an extension character costs two (escape 0x1B plus its
// code). UCS-2 counts UTF-16 code units, where a character outside the BMP is a surrogate pair
// of two units. A single message holds 160 septets or 70 units; a concatenated one spends 6
// octets on its user data header (3GPP TS 23.040, concatenation with an 8-bit reference),
// which leaves 153 septets or 67 units per part. Twilio bills by these segments.
//
// Parts never split an escape pair or a surrogate pair. They also keep together a character
// and the combining marks, variation selectors, skin-tone modifiers, zero-width-joiner
// sequences and regional-indicator pairs that follow it, so that an emoji is not cut in two.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mobilelink::channels::common {

inline constexpr std::size_t kGsm7SingleSeptets = 160;
inline constexpr std::size_t kGsm7PartSeptets = 153;
inline constexpr std::size_t kUcs2SingleUnits = 70;
inline constexpr std::size_t kUcs2PartUnits = 67;

/// The encoding and split of one SMS text.
struct SmsSplit {
  std::string encoding;            // "gsm7" or "ucs2".
  std::size_t units = 0;           // Septets for gsm7, UTF-16 code units for ucs2.
  std::size_t segments = 0;        // 0 for an empty text.
  std::vector<std::string> parts;  // UTF-8 text of each segment, in order.
};

/// Chooses the encoding of UTF-8 `text`, counts its units and splits it into segments. Invalid
/// UTF-8 bytes are read as U+FFFD, which is not in GSM-7, so such text goes out as UCS-2 and
/// the parts carry U+FFFD in their place.
[[nodiscard]] SmsSplit SplitSms(std::string_view text);

/// Returns true when every character of UTF-8 `text` is in the GSM-7 basic or extension table.
[[nodiscard]] bool FitsGsm7(std::string_view text);

}  // namespace mobilelink::channels::common
