#include "mobilelink/channels/common/form.hpp"

#include <gtest/gtest.h>

namespace mobilelink::channels::common {
namespace {

TEST(Form, KeepsOrderAndRepeats) {
  auto pairs = ParseForm("b=2&a=1&b=3");
  ASSERT_TRUE(pairs.has_value());
  FormPairs expected{{"b", "2"}, {"a", "1"}, {"b", "3"}};
  EXPECT_EQ(*pairs, expected);
}

TEST(Form, DecodesPlusAndEscapes) {
  auto pairs = ParseForm("Body=Where+is+my+order%3F&From=%2B1");
  ASSERT_TRUE(pairs.has_value());
  EXPECT_EQ((*pairs)[0].second, "Where is my order?");
  EXPECT_EQ((*pairs)[1].second, "+1");
}

TEST(Form, KeepsEmptyValuesAndSkipsEmptySegments) {
  auto pairs = ParseForm("&Body=&Flag&&");
  ASSERT_TRUE(pairs.has_value());
  FormPairs expected{{"Body", ""}, {"Flag", ""}};
  EXPECT_EQ(*pairs, expected);
}

TEST(Form, RejectsTruncatedEscape) { EXPECT_FALSE(ParseForm("a=%4").has_value()); }

TEST(Form, RejectsNonHexEscape) { EXPECT_FALSE(ParseForm("a=%zz").has_value()); }

TEST(Form, EncodeRoundTrips) {
  FormPairs pairs{{"To", "+1 202"}, {"Body", "a&b=c/é"}};
  EXPECT_EQ(EncodeForm(pairs), "To=%2B1+202&Body=a%26b%3Dc%2F%C3%A9");
  EXPECT_EQ(ParseForm(EncodeForm(pairs)), pairs);
}

}  // namespace
}  // namespace mobilelink::channels::common
