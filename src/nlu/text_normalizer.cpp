#include "mobilelink/nlu/text_normalizer.hpp"

#include <stdexcept>

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "mobilelink/core/card_redactor.hpp"

namespace mobilelink::nlu {

namespace {

constexpr UChar32 kZeroWidthJoiner = 0x200D;
// Bytes of a message that are read. kMaxTokens tokens fit well within this, and the cut keeps
// normalization time bounded. A card cut in two still yields no digits, because every digit
// run becomes a placeholder.
constexpr std::size_t kMaxInputBytes = 4096;
// A masked card shows at least 9 stars (13 digits less the 4 kept). 4 is a looser floor that
// still leaves a lone '*' or "**" out.
constexpr int kMinCardStars = 4;

bool IsEmoji(UChar32 c) {
  return u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC) ||
         u_hasBinaryProperty(c, UCHAR_REGIONAL_INDICATOR);
}

// Characters that change how an emoji looks but not what it means.
bool IsEmojiModifier(UChar32 c) {
  return u_hasBinaryProperty(c, UCHAR_EMOJI_MODIFIER) ||
         u_hasBinaryProperty(c, UCHAR_VARIATION_SELECTOR) || c == 0x20E3;
}

bool IsWordChar(UChar32 c) {
  if (u_isdigit(c)) {
    return false;
  }
  const auto mask = U_GET_GC_MASK(c);
  return u_hasBinaryProperty(c, UCHAR_ALPHABETIC) || (mask & U_GC_M_MASK) != 0 ||
         (mask & U_GC_PC_MASK) != 0;
}

bool IsApostrophe(UChar32 c) { return c == 0x27 || c == 0x2019; }

bool IsDigitOrStar(UChar32 c) { return c == '*' || u_isdigit(c); }

class Tokenizer {
 public:
  explicit Tokenizer(const icu::UnicodeString& text) : text_(text) {}

  std::vector<std::string> Run() {
    const int32_t length = text_.length();
    while (index_ < length && tokens_.size() < kMaxTokens) {
      const UChar32 c = text_.char32At(index_);
      if (IsEmoji(c)) {
        ReadEmoji();
      } else if (IsDigitOrStar(c)) {
        ReadNumber();
      } else if (IsWordChar(c)) {
        ReadWord();
      } else {
        Advance();
      }
    }
    return std::move(tokens_);
  }

 private:
  UChar32 Peek(int32_t offset_code_points = 0) const {
    const int32_t at = text_.moveIndex32(index_, offset_code_points);
    return at < text_.length() ? text_.char32At(at) : U_SENTINEL;
  }

  void Advance() { index_ = text_.moveIndex32(index_, 1); }

  void Emit(const icu::UnicodeString& token) {
    std::string utf8;
    token.toUTF8String(utf8);
    tokens_.push_back(std::move(utf8));
  }

  // One emoji with its modifiers, or several joined by ZWJ. A pair of regional indicators
  // (a flag) is one token too.
  void ReadEmoji() {
    icu::UnicodeString token;
    const bool flag = u_hasBinaryProperty(Peek(), UCHAR_REGIONAL_INDICATOR);
    token.append(Peek());
    Advance();
    if (flag && u_hasBinaryProperty(Peek(), UCHAR_REGIONAL_INDICATOR)) {
      token.append(Peek());
      Advance();
    }
    while (index_ < text_.length()) {
      if (IsEmojiModifier(Peek())) {
        Advance();
      } else if (Peek() == kZeroWidthJoiner && IsEmoji(Peek(1))) {
        Advance();
        token.append(kZeroWidthJoiner).append(Peek());
        Advance();
      } else {
        break;
      }
    }
    Emit(token);
  }

  // Digits and '*' of a masked card, across single spaces or dashes once a star was seen.
  void ReadNumber() {
    int stars = 0;
    int digits = 0;
    bool ends_in_digit = false;
    while (index_ < text_.length()) {
      const UChar32 c = Peek();
      if (IsDigitOrStar(c)) {
        stars += c == '*' ? 1 : 0;
        digits += c == '*' ? 0 : 1;
        ends_in_digit = c != '*';
        Advance();
      } else if ((c == ' ' || c == '-') && stars > 0 && IsDigitOrStar(Peek(1))) {
        Advance();
      } else {
        break;
      }
    }
    if (stars >= kMinCardStars && ends_in_digit) {
      tokens_.emplace_back(kCardToken);
    } else if (digits > 0) {
      tokens_.emplace_back(kNumberToken);
    }
  }

  void ReadWord() {
    icu::UnicodeString token;
    while (index_ < text_.length()) {
      const UChar32 c = Peek();
      if (IsWordChar(c)) {
        token.append(c);
      } else if (!(IsApostrophe(c) && IsWordChar(Peek(1)))) {
        break;
      }
      Advance();
    }
    Emit(token);
  }

  const icu::UnicodeString& text_;
  int32_t index_ = 0;
  std::vector<std::string> tokens_;
};

}  // namespace

std::vector<std::string> NormalizeTokens(std::string_view text) {
  if (text.size() > kMaxInputBytes) {
    std::size_t end = kMaxInputBytes;
    // Cut at a code point boundary: back up over UTF-8 continuation bytes.
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;
    }
    text = text.substr(0, end);
  }
  const std::string masked = core::MaskCardNumbers(text);
  UErrorCode status = U_ZERO_ERROR;
  // NFKC then full case folding. ICU's combined NFKC_Casefold would also delete the zero-width
  // joiners that hold an emoji sequence together.
  const icu::Normalizer2* normalizer = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status)) {
    throw std::runtime_error(std::string("ICU NFKC data not available: ") + u_errorName(status));
  }
  const icu::UnicodeString source = icu::UnicodeString::fromUTF8(masked);
  icu::UnicodeString folded = normalizer->normalize(source, status);
  if (U_FAILURE(status)) {
    throw std::runtime_error(std::string("ICU normalization failed: ") + u_errorName(status));
  }
  folded.foldCase(U_FOLD_CASE_DEFAULT);
  return Tokenizer(folded).Run();
}

std::string NormalizeText(std::string_view text) {
  std::string joined;
  for (const auto& token : NormalizeTokens(text)) {
    if (!joined.empty()) {
      joined.push_back(' ');
    }
    joined += token;
  }
  return joined;
}

}  // namespace mobilelink::nlu
