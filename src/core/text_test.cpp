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
