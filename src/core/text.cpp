#include "mobilelink/core/text.hpp"

#include <cstdint>

namespace mobilelink::core {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// Returns the length of the valid UTF-8 sequence at `at`, or 0 when it is invalid.
std::size_t ValidSequenceLength(std::string_view text, std::size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  if (lead < 0x80) {
    return 1;
  }
  std::size_t length = 0;
  std::uint32_t code_point = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    code_point = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    code_point = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    code_point = lead & 0x07;
  } else {
    return 0;
  }
  if (at + length > text.size()) {
    return 0;
  }
  for (std::size_t i = 1; i < length; ++i) {
    const auto next = static_cast<unsigned char>(text[at + i]);
    if ((next & 0xC0) != 0x80) {
      return 0;
    }
    code_point = (code_point << 6) | (next & 0x3F);
  }
  constexpr std::uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code_point < kMinimum[length] || code_point > 0x10FFFF ||
      (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    return 0;
  }
  return length;
}

}  // namespace

std::string SanitizeUtf8(std::string_view text) {
  std::string output;
  output.reserve(text.size());
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t length = ValidSequenceLength(text, at);
    if (length == 0) {
      output.append(kReplacement);
      ++at;
      continue;
    }
    output.append(text.substr(at, length));
    at += length;
  }
  return output;
}

std::optional<std::size_t> FindInvalidUtf8(std::string_view text) {
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t length = ValidSequenceLength(text, at);
    if (length == 0) {
      return at;
    }
    at += length;
  }
  return std::nullopt;
}

bool IsBlank(std::string_view text) {
  // Unicode White_Space characters outside ASCII, plus the zero-width characters that render as
  // nothing, as UTF-8.
  static constexpr std::string_view kInvisible[] = {
      "\xC2\x85",     "\xC2\xA0",     "\xE1\x9A\x80", "\xE2\x80\x80", "\xE2\x80\x81",
      "\xE2\x80\x82", "\xE2\x80\x83", "\xE2\x80\x84", "\xE2\x80\x85", "\xE2\x80\x86",
      "\xE2\x80\x87", "\xE2\x80\x88", "\xE2\x80\x89", "\xE2\x80\x8A", "\xE2\x80\x8B",
      "\xE2\x80\x8C", "\xE2\x80\x8D", "\xE2\x80\xA8", "\xE2\x80\xA9", "\xE2\x80\xAF",
      "\xE2\x81\x9F", "\xE2\x81\xA0", "\xE3\x80\x80", "\xEF\xBB\xBF"};
  std::size_t at = 0;
  while (at < text.size()) {
    const char c = text[at];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++at;
      continue;
    }
    bool skipped = false;
    for (auto invisible : kInvisible) {
      if (text.substr(at, invisible.size()) == invisible) {
        at += invisible.size();
        skipped = true;
        break;
      }
    }
    if (!skipped) {
      return false;
    }
  }
  return true;
}

}  // namespace mobilelink::core
