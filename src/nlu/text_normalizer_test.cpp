#include "mobilelink/nlu/text_normalizer.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace mobilelink::nlu {
namespace {

using Tokens = std::vector<std::string>;

TEST(NormalizeTokens, FoldsCaseAndCompatibilityForms) {
  EXPECT_EQ(NormalizeTokens("Ｒｅｆｕｎｄ ﬁle"), (Tokens{"refund", "file"}));
  EXPECT_EQ(NormalizeTokens("STRASSE Straße"), (Tokens{"strasse", "strasse"}));
}

TEST(NormalizeTokens, ReplacesDigitRunsWithPlaceholder) {
  EXPECT_EQ(NormalizeTokens("order 12345 by 4pm"), (Tokens{"order", "<num>", "by", "<num>", "pm"}));
  EXPECT_EQ(NormalizeTokens("order ９９"), (Tokens{"order", "<num>"}));
}

TEST(NormalizeTokens, ReplacesMaskedCardWithPlaceholder) {
  EXPECT_EQ(NormalizeTokens("card ************1111 lost"), (Tokens{"card", "<card>", "lost"}));
  EXPECT_EQ(NormalizeTokens("****-****-****-1111"), (Tokens{"<card>"}));
  EXPECT_EQ(NormalizeTokens("**** **** **** 1111"), (Tokens{"<card>"}));
}

TEST(NormalizeTokens, MasksUnmaskedCardFirst) {
  const Tokens tokens = NormalizeTokens("my card 4111 1111 1111 1111 was stolen");
  EXPECT_EQ(tokens, (Tokens{"my", "card", "<card>", "was", "stolen"}));
}

TEST(NormalizeTokens, KeepsEmojiAsTokens) {
  EXPECT_EQ(NormalizeTokens("👍"), (Tokens{"👍"}));
  EXPECT_EQ(NormalizeTokens("👍🏽"), (Tokens{"👍"}));
  EXPECT_EQ(NormalizeTokens("thanks👋bye"), (Tokens{"thanks", "👋", "bye"}));
  EXPECT_EQ(NormalizeTokens("👨‍👩‍👧"), (Tokens{"👨‍👩‍👧"}));
  EXPECT_EQ(NormalizeTokens("🇫🇷🇩🇪"), (Tokens{"🇫🇷", "🇩🇪"}));
}

TEST(NormalizeTokens, EmptyAndWhitespaceGiveNoTokens) {
  EXPECT_TRUE(NormalizeTokens("").empty());
  EXPECT_TRUE(NormalizeTokens(" \t\r\n\u00a0").empty());
  EXPECT_TRUE(NormalizeTokens("?!...").empty());
}

TEST(NormalizeTokens, KeepsMixedScripts) {
  EXPECT_EQ(NormalizeTokens("Refund возврат 退款 استرداد"),
            (Tokens{"refund", "возврат", "退款", "استرداد"}));
}

TEST(NormalizeTokens, JoinsApostropheInsideWord) {
  EXPECT_EQ(NormalizeTokens("what's up 'quoted'"), (Tokens{"whats", "up", "quoted"}));
}

TEST(NormalizeTokens, CapsLongText) {
  std::string text;
  while (text.size() < 10 * 1024) {
    text += "refund ";
  }
  const Tokens tokens = NormalizeTokens(text);
  EXPECT_EQ(tokens.size(), kMaxTokens);
}

TEST(NormalizeTokens, ToleratesInvalidUtf8) {
  const Tokens tokens = NormalizeTokens(std::string("ab\xff\xfe cd\xc3"));
  ASSERT_FALSE(tokens.empty());
  EXPECT_EQ(tokens.front(), "ab");
}

TEST(NormalizeText, JoinsTokensWithSpaces) {
  EXPECT_EQ(NormalizeText("  Where IS my\tparcel?? "), "where is my parcel");
}

}  // namespace
}  // namespace mobilelink::nlu
