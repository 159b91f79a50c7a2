#include "mobilelink/channels/common/sms_encoding.hpp"

#include <gtest/gtest.h>

namespace mobilelink::channels::common {
namespace {

// Digits that run 2, 3, ..., 9, 0, 1, ... as in Twilio's segment calculator tests.
std::string Digits(std::size_t count) {
  std::string digits;
  for (std::size_t i = 0; i < count; ++i) {
    digits.push_back(static_cast<char>('0' + (i + 2) % 10));
  }
  return digits;
}

const std::string kWinkingFace = "\xF0\x9F\x98\x9C";  // U+1F61C, a surrogate pair in UTF-16.

TEST(SmsEncoding, ExtensionCharacterFillsOneSegment) {
  SmsSplit split = SplitSms("{" + Digits(158));
  EXPECT_EQ(split.encoding, "gsm7");
  EXPECT_EQ(split.units, 160u);
  EXPECT_EQ(split.segments, 1u);
}

TEST(SmsEncoding, OneSeptetOverNeedsTwoSegments) {
  SmsSplit split = SplitSms("{" + Digits(159));
  EXPECT_EQ(split.encoding, "gsm7");
  EXPECT_EQ(split.units, 161u);
  EXPECT_EQ(split.segments, 2u);
}

TEST(SmsEncoding, EmojiWithDigitsFillsOneUcs2Segment) {
  SmsSplit split = SplitSms(kWinkingFace + Digits(68));
  EXPECT_EQ(split.encoding, "ucs2");
  EXPECT_EQ(split.units, 70u);
  EXPECT_EQ(split.segments, 1u);
}

TEST(SmsEncoding, EmojiWithMoreDigitsNeedsTwoSegments) {
  SmsSplit split = SplitSms(kWinkingFace + Digits(69));
  EXPECT_EQ(split.units, 71u);
  EXPECT_EQ(split.segments, 2u);
}

TEST(SmsEncoding, CaretsNeverSplitEscapePair) {
  SmsSplit split = SplitSms(std::string(81, '^'));
  EXPECT_EQ(split.encoding, "gsm7");
  EXPECT_EQ(split.units, 162u);
  ASSERT_EQ(split.segments, 2u);
  EXPECT_EQ(split.parts[0], std::string(76, '^'));
  EXPECT_EQ(split.parts[1], std::string(5, '^'));
}

TEST(SmsEncoding, SurrogatePairStaysInOnePart) {
  SmsSplit split = SplitSms(std::string(69, 'A') + kWinkingFace);
  EXPECT_EQ(split.encoding, "ucs2");
  EXPECT_EQ(split.units, 71u);
  ASSERT_EQ(split.segments, 2u);
  EXPECT_EQ(split.parts[0], std::string(67, 'A'));
  EXPECT_EQ(split.parts[1], "AA" + kWinkingFace);
}

TEST(SmsEncoding, SurrogatePairAtBoundaryMovesWhole) {
  SmsSplit split = SplitSms(std::string(66, 'A') + kWinkingFace + std::string(10, 'B'));
  ASSERT_EQ(split.segments, 2u);
  EXPECT_EQ(split.parts[0], std::string(66, 'A'));
  EXPECT_EQ(split.parts[1], kWinkingFace + std::string(10, 'B'));
}

TEST(SmsEncoding, SkinToneModifierStaysWithEmoji) {
  const std::string thumbs_up_dark = "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBF";  // U+1F44D U+1F3FF.
  SmsSplit split = SplitSms(std::string(64, 'A') + thumbs_up_dark + std::string(10, 'B'));
  ASSERT_EQ(split.segments, 2u);
  EXPECT_EQ(split.parts[0], std::string(64, 'A'));
  EXPECT_EQ(split.parts[1], thumbs_up_dark + std::string(10, 'B'));
}

TEST(SmsEncoding, GsmAccentsStayGsm7) {
  SmsSplit split = SplitSms("£ é ñ ü Ä ß €");
  EXPECT_EQ(split.encoding, "gsm7");
  EXPECT_EQ(split.units, 14u);  // 12 basic septets plus 2 for the euro sign.
}

TEST(SmsEncoding, BacktickForcesUcs2) {
  EXPECT_FALSE(FitsGsm7("`"));
  EXPECT_EQ(SplitSms("a`b").encoding, "ucs2");
}

TEST(SmsEncoding, CurlyQuoteForcesUcs2) {
  EXPECT_FALSE(FitsGsm7("\xE2\x80\x9Cquoted\xE2\x80\x9D"));
}

TEST(SmsEncoding, AsciiLookalikesDifferFromGsm) { EXPECT_TRUE(FitsGsm7("$@_{}[]~|\\^\f")); }

TEST(SmsEncoding, EmptyTextHasNoSegments) {
  SmsSplit split = SplitSms("");
  EXPECT_EQ(split.encoding, "gsm7");
  EXPECT_EQ(split.units, 0u);
  EXPECT_EQ(split.segments, 0u);
  EXPECT_TRUE(split.parts.empty());
}

TEST(SmsEncoding, LongGsmTextSplitsAt153) {
  SmsSplit split = SplitSms(std::string(306, 'x'));
  ASSERT_EQ(split.segments, 2u);
  EXPECT_EQ(split.parts[0].size(), 153u);
  EXPECT_EQ(split.parts[1].size(), 153u);
}

TEST(SmsEncoding, InvalidUtf8BecomesReplacementCharacter) {
  SmsSplit split = SplitSms("ok\xC3(\xFF\xE2\x82");
  EXPECT_EQ(split.encoding, "ucs2");
  EXPECT_EQ(split.segments, 1u);
  EXPECT_EQ(split.parts[0], "ok\xEF\xBF\xBD(\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(SmsEncoding, OverlongAndSurrogateEncodingsAreInvalid) {
  SmsSplit split = SplitSms("\xC0\xAF\xED\xA0\x80");
  EXPECT_EQ(split.encoding, "ucs2");
  EXPECT_EQ(split.units, 5u);  // One U+FFFD per byte.
}

TEST(SmsEncoding, PartsJoinBackToText) {
  std::string text;
  for (int i = 0; i < 40; ++i) {
    text += "Grüße " + kWinkingFace + " ";
  }
  SmsSplit split = SplitSms(text);
  std::string joined;
  for (const std::string& part : split.parts) {
    joined += part;
  }
  EXPECT_EQ(joined, text);
}

TEST(SmsEncoding, SurvivesEveryByteValue) {
  std::string bytes;
  for (int value = 0; value < 256; ++value) {
    bytes.push_back(static_cast<char>(value));
  }
  SmsSplit split = SplitSms(bytes + bytes);
  EXPECT_EQ(split.encoding, "ucs2");
  EXPECT_EQ(split.segments, split.parts.size());
}

}  // namespace
}  // namespace mobilelink::channels::common
