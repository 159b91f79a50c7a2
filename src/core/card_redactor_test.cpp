#include "mobilelink/core/card_redactor.hpp"

#include <ostream>
#include <string>

#include <gtest/gtest.h>

namespace mobilelink::core {
namespace {

struct MaskCase {
  std::string name;
  std::string input;
  std::string expected;
};

// Prints the row's name in test output instead of the struct's bytes.
void PrintTo(const MaskCase& row, std::ostream* out) { *out << row.name; }

class CardMasking : public ::testing::TestWithParam<MaskCase> {};

TEST_P(CardMasking, Run) { EXPECT_EQ(MaskCardNumbers(GetParam().input), GetParam().expected); }

// 4111111111111111, 5555555555554444 and 4222222222222 are the test card numbers that card
// networks publish. 4111111111111111003 and 123456789012345671 were given a Luhn check digit
// here.
INSTANTIATE_TEST_SUITE_P(
    Table, CardMasking,
    ::testing::Values(
        MaskCase{"LeadingNumberKept", "99 4111-1111-1111-1111", "99 ****-****-****-1111"},
        MaskCase{"LuhnInvalidUnchanged", "4111111111111112", "4111111111111112"},
        MaskCase{"SixteenDigitsTogether", "4111111111111111", "************1111"},
        MaskCase{"ThirteenDigits", "card 4222222222222 ok", "card *********2222 ok"},
        MaskCase{"NineteenDigits", "4111111111111111003", "***************1003"},
        MaskCase{"SpaceSeparated", "4111 1111 1111 1111", "**** **** **** 1111"},
        MaskCase{"AmongOtherNumbers",
                 "Order 12345, card 4111 1111 1111 1111, call 555-0100 by 5 pm",
                 "Order 12345, card **** **** **** 1111, call 555-0100 by 5 pm"},
        MaskCase{"TwoCards", "4111111111111111 or 5555-5555-5555-4444?",
                 "************1111 or ****-****-****-4444?"},
        MaskCase{"EighteenDigitRun", "ref 123456789012345671", "ref **************5671"},
        MaskCase{"TwelveDigitsTooShort", "411111111113", "411111111113"},
        MaskCase{"TwentyDigitTrackingNumber", "1Z 12345678901234567890", "1Z 12345678901234567890"},
        MaskCase{"GluedToLetters", "card:4111111111111111.", "card:************1111."},
        MaskCase{"NoDigits", "Where is my parcel?", "Where is my parcel?"},
        MaskCase{"EmptyText", "", ""},
        MaskCase{"NonAsciiAround",
                 "Carte n\xC2\xB0 4111-1111-1111-1111 \xE2\x80\x94 merci \xE2\x9C\x93",
                 "Carte n\xC2\xB0 ****-****-****-1111 \xE2\x80\x94 merci \xE2\x9C\x93"},
        MaskCase{"DoubleSpaceSplitsRun", "4111  1111 1111 1111", "4111  1111 1111 1111"}),
    [](const ::testing::TestParamInfo<MaskCase>& info) { return info.param.name; });

TEST(Luhn, AcceptsPublishedTestCard) { EXPECT_TRUE(PassesLuhn("4111111111111111")); }

TEST(Luhn, RejectsChangedCheckDigit) { EXPECT_FALSE(PassesLuhn("4111111111111112")); }

TEST(Luhn, RejectsEmptyInput) { EXPECT_FALSE(PassesLuhn("")); }

}  // namespace
}  // namespace mobilelink::core
