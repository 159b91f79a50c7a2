#include "mobilelink/core/text.hpp"

#include <gtest/gtest.h>

namespace mobilelink::core {
namespace {

TEST(SanitizeUtf8, KeepsValidText) {
  const std::string text = "caf\xC3\xA9 \xF0\x9F\x91\x8D ok";
  EXPECT_EQ(SanitizeUtf8(text), text);
}

TEST(SanitizeUtf8, ReplacesStrayBytes) {
  EXPECT_EQ(SanitizeUtf8("agent \xFF\xFE"), "agent \xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(SanitizeUtf8, ReplacesTruncatedSequence) {
  EXPECT_EQ(SanitizeUtf8("x\xE2\x82"), "x\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(SanitizeUtf8, ReplacesOverlongEncoding) {
  EXPECT_EQ(SanitizeUtf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(SanitizeUtf8, ReplacesEncodedSurrogate) {
  EXPECT_EQ(SanitizeUtf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(FindInvalidUtf8, ReturnsNothingForValidText) {
  EXPECT_EQ(FindInvalidUtf8("caf\xC3\xA9 \xF0\x9F\x91\x8D"), std::nullopt);
  EXPECT_EQ(FindInvalidUtf8(""), std::nullopt);
}

TEST(FindInvalidUtf8, ReturnsTheOffsetOfTheFirstBadSequence) {
  EXPECT_EQ(FindInvalidUtf8("ab\xFF" "cd\xFE"), 2U);
  EXPECT_EQ(FindInvalidUtf8("caf\xC3"), 3U);
  EXPECT_EQ(FindInvalidUtf8("x\xED\xA0\x80"), 1U);
}

TEST(IsBlank, DetectsWhitespaceOnly) {
  EXPECT_TRUE(IsBlank("  \t\n"));
  EXPECT_TRUE(IsBlank(""));
  EXPECT_FALSE(IsBlank(" a "));
}

TEST(IsBlank, DetectsUnicodeSpacesAndZeroWidth) {
  EXPECT_TRUE(IsBlank("\xC2\xA0\xE3\x80\x80"));
  EXPECT_TRUE(IsBlank("\xE2\x80\x8B"));
  EXPECT_FALSE(IsBlank("\xC2\xA0x"));
}

}  // namespace
}  // namespace mobilelink::core
