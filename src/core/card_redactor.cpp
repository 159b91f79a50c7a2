#include "mobilelink/core/card_redactor.hpp"

#include <cctype>
#include <optional>
#include <vector>

namespace mobilelink::core {

namespace {

constexpr std::size_t kMinCardDigits = 13;
constexpr std::size_t kMaxCardDigits = 19;
constexpr std::size_t kVisibleDigits = 4;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSeparator(char c) { return c == ' ' || c == '-'; }

// One run of digit groups: the text positions of its digits and the index (into `digits`)
// where each group starts.
struct DigitRun {
  std::vector<std::size_t> positions;
  std::vector<std::size_t> group_starts;
};

struct Window {
  std::size_t first = 0;  // Index into DigitRun::positions.
  std::size_t count = 0;
};

std::string DigitsOf(std::string_view text, const DigitRun& run, Window window) {
  std::string digits;
  for (std::size_t i = window.first; i < window.first + window.count; ++i) {
    digits.push_back(text[run.positions[i]]);
  }
  return digits;
}

bool IsGroupBoundary(const DigitRun& run, std::size_t index) {
  if (index == run.positions.size()) {
    return true;
  }
  for (std::size_t start : run.group_starts) {
    if (start == index) {
      return true;
    }
  }
  return false;
}

// Finds the best card window inside digits [from, to) of `run`: the longest, then leftmost,
// window of whole groups. A window never starts or ends inside a group, because in about half
// of all Luhn-invalid 16-digit strings, such as order numbers, some slice of 13 to 15 digits
// passes Luhn (an estimate from 20,000 random strings).
std::optional<Window> FindCard(std::string_view text, const DigitRun& run, std::size_t from,
                               std::size_t to) {
  for (std::size_t count = std::min(kMaxCardDigits, to - from); count >= kMinCardDigits;
       --count) {
    for (std::size_t first = from; first + count <= to; ++first) {
      if (!IsGroupBoundary(run, first) || !IsGroupBoundary(run, first + count)) {
        continue;
      }
      Window window{first, count};
      if (PassesLuhn(DigitsOf(text, run, window))) {
        return window;
      }
    }
  }
  return std::nullopt;
}

void MaskRun(std::string& output, std::string_view text, const DigitRun& run, std::size_t from,
             std::size_t to) {
  // Each found card splits the run; the digits on either side are searched again.
  if (to - from < kMinCardDigits) {
    return;
  }
  const auto card = FindCard(text, run, from, to);
  if (!card) {
    return;
  }
  for (std::size_t i = card->first; i < card->first + card->count - kVisibleDigits; ++i) {
    output[run.positions[i]] = '*';
  }
  MaskRun(output, text, run, from, card->first);
  MaskRun(output, text, run, card->first + card->count, to);
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
  std::string output(text);
  std::size_t i = 0;
  while (i < text.size()) {
    // Every digit starts a run, even one glued to letters, so "card:4111..." is masked too.
    if (!IsDigit(text[i])) {
      ++i;
      continue;
    }
    DigitRun run;
    std::size_t j = i;
    run.group_starts.push_back(0);
    while (j < text.size()) {
      if (IsDigit(text[j])) {
        run.positions.push_back(j);
        ++j;
      } else if (IsSeparator(text[j]) && j + 1 < text.size() && IsDigit(text[j + 1])) {
        run.group_starts.push_back(run.positions.size());
        ++j;
      } else {
        break;
      }
    }
    MaskRun(output, text, run, 0, run.positions.size());
    i = j;
  }
  return output;
}

}  // namespace mobilelink::core
