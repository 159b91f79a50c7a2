#include "mobilelink/channels/common/sms_encoding.hpp"

#include <array>

namespace mobilelink::channels::common {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// GSM 03.38 basic table, indexed by septet value. 0x1B is the escape to the extension table and
// maps to no character.
constexpr std::array<char32_t, 128> kGsm7Basic = {
    U'@', U'£', U'$', U'¥', U'è', U'é', U'ù', U'ì', U'ò', U'Ç',  U'\n', U'Ø', U'ø', U'\r', U'Å',
    U'å', U'Δ', U'_', U'Φ', U'Γ', U'Λ', U'Ω', U'Π', U'Ψ', U'Σ',  U'Θ',  U'Ξ', 0,    U'Æ',  U'æ',
    U'ß', U'É', U' ', U'!', U'"', U'#', U'¤', U'%', U'&', U'\'', U'(',  U')', U'*', U'+',  U',',
    U'-', U'.', U'/', U'0', U'1', U'2', U'3', U'4', U'5', U'6',  U'7',  U'8', U'9', U':',  U';',
    U'<', U'=', U'>', U'?', U'¡', U'A', U'B', U'C', U'D', U'E',  U'F',  U'G', U'H', U'I',  U'J',
    U'K', U'L', U'M', U'N', U'O', U'P', U'Q', U'R', U'S', U'T',  U'U',  U'V', U'W', U'X',  U'Y',
    U'Z', U'Ä', U'Ö', U'Ñ', U'Ü', U'§', U'¿', U'a', U'b', U'c',  U'd',  U'e', U'f', U'g',  U'h',
    U'i', U'j', U'k', U'l', U'm', U'n', U'o', U'p', U'q', U'r',  U's',  U't', U'u', U'v',  U'w',
    U'x', U'y', U'z', U'ä', U'ö', U'ñ', U'ü', U'à',
};

// Characters of the GSM 03.38 extension table; each is sent as 0x1B plus a code.
constexpr std::array<char32_t, 10> kGsm7Extension = {
    U'\f', U'^', U'{', U'}', U'\\', U'[', U'~', U']', U'|', U'€',
};

// Returns the septets that `c` costs in GSM-7: 1 or 2, or 0 when GSM-7 cannot carry it.
std::size_t Gsm7Septets(char32_t c) {
  for (char32_t basic : kGsm7Basic) {
    if (basic == c && c != 0) {
      return 1;
    }
  }
  for (char32_t extension : kGsm7Extension) {
    if (extension == c) {
      return 2;
    }
  }
  return 0;
}

// Decodes UTF-8, reading each invalid, overlong, surrogate or truncated sequence byte by byte
// as U+FFFD.
std::u32string DecodeUtf8(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = lead < 0x80           ? 1
                         : (lead >> 5) == 0x6  ? 2
                         : (lead >> 4) == 0xE  ? 3
                         : (lead >> 3) == 0x1E ? 4
                                               : 0;
    if (length == 0 || i + length > text.size()) {
      out.push_back(length == 1 ? lead : kReplacement);
      ++i;
      continue;
    }
    char32_t c = length == 1 ? lead : lead & (0x7F >> length);
    bool valid = true;
    for (std::size_t k = 1; k < length; ++k) {
      auto next = static_cast<unsigned char>(text[i + k]);
      valid = valid && (next & 0xC0) == 0x80;
      c = (c << 6) | (next & 0x3F);
    }
    static constexpr std::array<char32_t, 5> kMinimum = {0, 0, 0x80, 0x800, 0x10000};
    valid = valid && c >= kMinimum[length] && c <= 0x10FFFF && (c < 0xD800 || c > 0xDFFF);
    if (!valid) {
      out.push_back(kReplacement);
      ++i;
      continue;
    }
    out.push_back(c);
    i += length;
  }
  return out;
}

void AppendUtf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

bool IsRegionalIndicator(char32_t c) { return c >= 0x1F1E6 && c <= 0x1F1FF; }

// Returns true when `c` belongs to the character before it. This approximates the grapheme
// cluster rules of Unicode UAX #29 for the cases SMS text meets: combining marks, variation
// selectors, emoji modifiers, tag characters and zero-width-joiner sequences.
bool ExtendsPrevious(char32_t c, char32_t previous) {
  bool combining = (c >= 0x0300 && c <= 0x036F) || (c >= 0x20D0 && c <= 0x20FF);
  bool variation = (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF);
  bool modifier = c >= 0x1F3FB && c <= 0x1F3FF;
  bool tag = c >= 0xE0020 && c <= 0xE007F;
  return combining || variation || modifier || tag || c == 0x200D || previous == 0x200D;
}

// Groups code points into clusters that a part boundary must not cut.
std::vector<std::u32string> SplitClusters(const std::u32string& text) {
  std::vector<std::u32string> clusters;
  bool open_flag = false;  // The last cluster is one regional indicator waiting for its pair.
  for (char32_t c : text) {
    bool joins = !clusters.empty() && ExtendsPrevious(c, clusters.back().back());
    bool pairs_flag = open_flag && IsRegionalIndicator(c);
    if (joins || pairs_flag) {
      clusters.back().push_back(c);
      open_flag = false;
      continue;
    }
    clusters.emplace_back(1, c);
    open_flag = IsRegionalIndicator(c);
  }
  return clusters;
}

std::size_t Utf16Units(char32_t c) { return c >= 0x10000 ? 2 : 1; }

std::size_t CountUnits(const std::u32string& text, bool gsm7) {
  std::size_t units = 0;
  for (char32_t c : text) {
    units += gsm7 ? Gsm7Septets(c) : Utf16Units(c);
  }
  return units;
}

// Packs whole clusters into parts of at most `part_units`. A cluster longer than a part (a
// pathological run of combining marks) is cut between code points, never inside one.
std::vector<std::string> PackParts(const std::u32string& text, bool gsm7, std::size_t part_units) {
  std::vector<std::string> parts;
  std::string current;
  std::size_t current_units = 0;
  for (const std::u32string& cluster : SplitClusters(text)) {
    std::size_t cluster_units = CountUnits(cluster, gsm7);
    bool fits_alone = cluster_units <= part_units;
    for (std::size_t k = 0; k < cluster.size(); ++k) {
      char32_t c = cluster[k];
      std::size_t units = gsm7 ? Gsm7Septets(c) : Utf16Units(c);
      std::size_t needed = fits_alone && k == 0 ? cluster_units : units;
      if (current_units + needed > part_units && current_units > 0) {
        parts.push_back(std::move(current));
        current.clear();
        current_units = 0;
      }
      AppendUtf8(current, c);
      current_units += units;
    }
  }
  if (!current.empty()) {
    parts.push_back(std::move(current));
  }
  return parts;
}

}  // namespace

bool FitsGsm7(std::string_view text) {
  for (char32_t c : DecodeUtf8(text)) {
    if (Gsm7Septets(c) == 0) {
      return false;
    }
  }
  return true;
}

SmsSplit SplitSms(std::string_view text) {
  std::u32string decoded = DecodeUtf8(text);
  bool gsm7 = true;
  for (char32_t c : decoded) {
    gsm7 = gsm7 && Gsm7Septets(c) != 0;
  }

  SmsSplit split;
  split.encoding = gsm7 ? "gsm7" : "ucs2";
  split.units = CountUnits(decoded, gsm7);
  if (split.units == 0) {
    return split;
  }

  std::size_t single = gsm7 ? kGsm7SingleSeptets : kUcs2SingleUnits;
  if (split.units <= single) {
    std::string whole;
    for (char32_t c : decoded) {
      AppendUtf8(whole, c);
    }
    split.parts.push_back(std::move(whole));
  } else {
    split.parts = PackParts(decoded, gsm7, gsm7 ? kGsm7PartSeptets : kUcs2PartUnits);
  }
  split.segments = split.parts.size();
  return split;
}

}  // namespace mobilelink::channels::common
