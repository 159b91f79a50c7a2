#include "mobilelink/core/card_redactor.hpp"

#include <optional>
#include <vector>

namespace mobilelink::core {

namespace {

constexpr std::size_t kMinCardDigits = 13;
constexpr std::size_t kMaxCardDigits = 19;
constexpr std::size_t kVisibleDigits = 4;
// Separator characters allowed between two digit groups, e.g. "4111  1111" or "4111 - 1111".
constexpr std::size_t kMaxSeparatorChars = 3;

// One digit of the text: where it is, how many bytes it takes, and its value.
struct Digit {
  std::size_t offset = 0;
  std::size_t bytes = 1;
  int value = 0;
};

// Reads a digit at `at`: ASCII 0-9 or a fullwidth digit U+FF10..U+FF19 (EF BC 90..99).
std::optional<Digit> ReadDigit(std::string_view text, std::size_t at) {
  const auto byte = static_cast<unsigned char>(text[at]);
  if (byte >= '0' && byte <= '9') {
    return Digit{at, 1, byte - '0'};
  }
  if (byte == 0xEF && at + 2 < text.size() && static_cast<unsigned char>(text[at + 1]) == 0xBC) {
    const auto last = static_cast<unsigned char>(text[at + 2]);
    if (last >= 0x90 && last <= 0x99) {
      return Digit{at, 3, last - 0x90};
    }
  }
  return std::nullopt;
}

// Returns the byte length of a separator character at `at`, or 0: space, tab, '-', '.', '/',
// '_', no-break space (C2 A0), narrow no-break space (E2 80 AF) and the dashes E2 80 90..95.
std::size_t SeparatorBytes(std::string_view text, std::size_t at) {
  const auto byte = static_cast<unsigned char>(text[at]);
  if (byte == ' ' || byte == '\t' || byte == '-' || byte == '.' || byte == '/' || byte == '_') {
    return 1;
  }
  if (byte == 0xC2 && at + 1 < text.size() && static_cast<unsigned char>(text[at + 1]) == 0xA0) {
    return 2;
  }
  if (byte == 0xE2 && at + 2 < text.size() && static_cast<unsigned char>(text[at + 1]) == 0x80) {
    const auto last = static_cast<unsigned char>(text[at + 2]);
    if ((last >= 0x90 && last <= 0x95) || last == 0xAF) {
      return 3;
    }
  }
  return 0;
}

// A run of digit groups joined by short separators. `group_start[i]` is true when digit i
// begins a group.
struct DigitRun {
  std::vector<Digit> digits;
  std::vector<bool> group_start;
};

// Reads the run that starts with the digit at `at`. Returns the offset just past it.
std::size_t ReadRun(std::string_view text, std::size_t at, DigitRun& run) {
  std::size_t position = at;
  bool new_group = true;
  while (position < text.size()) {
    if (auto digit = ReadDigit(text, position)) {
      run.digits.push_back(*digit);
      run.group_start.push_back(new_group);
      new_group = false;
      position += digit->bytes;
      continue;
    }
    // Up to kMaxSeparatorChars separators continue the run only when a digit follows them.
    std::size_t probe = position;
    std::size_t separators = 0;
    while (probe < text.size() && separators < kMaxSeparatorChars) {
      const std::size_t bytes = SeparatorBytes(text, probe);
      if (bytes == 0) {
        break;
      }
      probe += bytes;
      ++separators;
    }
    if (separators == 0 || probe >= text.size() || !ReadDigit(text, probe)) {
      break;
    }
    position = probe;
    new_group = true;
  }
  return position;
}

bool IsBoundary(const DigitRun& run, std::size_t index) {
  return index == run.digits.size() || run.group_start[index];
}

bool WindowPassesLuhn(const DigitRun& run, std::size_t first, std::size_t count) {
  int sum = 0;
  bool doubled = false;
  for (std::size_t i = first + count; i-- > first;) {
    int value = run.digits[i].value;
    if (doubled) {
      value *= 2;
      if (value > 9) {
        value -= 9;
      }
    }
    sum += value;
    doubled = !doubled;
  }
  return sum % 10 == 0;
}

// Marks the digits to mask. From left to right, each group start takes the longest window of
// whole groups (13 to 19 digits) that passes Luhn; the scan goes on after a masked card. A
// window never starts or ends inside a group, because in about half of all Luhn-invalid
// 16-digit strings, such as order numbers, some slice of 13 to 15 digits passes Luhn (an
// estimate from 20,000 random strings). The scan is linear in the run's length.
std::vector<bool> FindCards(const DigitRun& run) {
  std::vector<bool> masked(run.digits.size(), false);
  std::size_t first = 0;
  while (first + kMinCardDigits <= run.digits.size()) {
    if (!IsBoundary(run, first)) {
      ++first;
      continue;
    }
    std::size_t found = 0;
    for (std::size_t count = std::min(kMaxCardDigits, run.digits.size() - first);
         count >= kMinCardDigits; --count) {
      if (IsBoundary(run, first + count) && WindowPassesLuhn(run, first, count)) {
        found = count;
        break;
      }
    }
    if (found == 0) {
      ++first;
      continue;
    }
    for (std::size_t i = first; i < first + found - kVisibleDigits; ++i) {
      masked[i] = true;
    }
    first += found;
  }
  return masked;
}

}  // namespace

bool PassesLuhn(std::string_view digits) {
  int sum = 0;
  bool doubled = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int value = *it - '0';
    if (doubled) {
      value *= 2;
      if (value > 9) {
        value -= 9;
      }
    }
    sum += value;
    doubled = !doubled;
  }
  return !digits.empty() && sum % 10 == 0;
}

std::string MaskCardNumbers(std::string_view text) {
  std::string output;
  output.reserve(text.size());
  std::size_t copied = 0;  // Bytes of `text` already written to `output`.
  std::size_t position = 0;
  while (position < text.size()) {
    // Every digit starts a run, even one glued to letters, so "card:4111..." is masked too.
    if (!ReadDigit(text, position)) {
      ++position;
      continue;
    }
    DigitRun run;
    const std::size_t end = ReadRun(text, position, run);
    const std::vector<bool> masked = FindCards(run);
    for (std::size_t i = 0; i < run.digits.size(); ++i) {
      if (!masked[i]) {
        continue;
      }
      output.append(text.substr(copied, run.digits[i].offset - copied));
      output.push_back('*');
      copied = run.digits[i].offset + run.digits[i].bytes;
    }
    position = end;
  }
  output.append(text.substr(copied));
  return output;
}

}  // namespace mobilelink::core
