#include "mobilelink/core/consent.hpp"

#include <ostream>
#include <string>

#include <gtest/gtest.h>

namespace mobilelink::core {
namespace {

struct KeywordCase {
  std::string name;
  std::string text;
  bool opted_out = false;
  ConsentKeyword expected = ConsentKeyword::kNone;
};

// Prints the row's name in test output instead of the struct's bytes.
void PrintTo(const KeywordCase& row, std::ostream* out) { *out << row.name; }

class ConsentKeywords : public ::testing::TestWithParam<KeywordCase> {};

TEST_P(ConsentKeywords, Run) {
  const auto& row = GetParam();
  EXPECT_EQ(ClassifyConsentKeyword(row.text, row.opted_out), row.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ConsentKeywords,
    ::testing::Values(
        KeywordCase{"StopUpperCase", "STOP", false, ConsentKeyword::kOptOut},
        KeywordCase{"StopThenThanks", "Stop. Thank you", false, ConsentKeyword::kOptOut},
        KeywordCase{"StopPlease", "stop please", false, ConsentKeyword::kOptOut},
        KeywordCase{"StopWithSpaces", "  stop  ", false, ConsentKeyword::kOptOut},
        KeywordCase{"StopInsideSentence", "we have got to stop meeting like this", false,
                    ConsentKeyword::kNone},
        KeywordCase{"CancelAlone", "Cancel", false, ConsentKeyword::kOptOut},
        KeywordCase{"CancelMyOrder", "cancel my order", false, ConsentKeyword::kNone},
        KeywordCase{"UnsubscribeExclaimed", "UNSUBSCRIBE!", false, ConsentKeyword::kOptOut},
        KeywordCase{"StopTextingMe", "Stop texting me", false, ConsentKeyword::kOptOut},
        KeywordCase{"OptOutTwoWords", "opt out", false, ConsentKeyword::kOptOut},
        KeywordCase{"StopWhenOptedOut", "stop", true, ConsentKeyword::kOptOut},
        KeywordCase{"Start", "START", false, ConsentKeyword::kOptIn},
        KeywordCase{"Unstop", "unstop", true, ConsentKeyword::kOptIn},
        KeywordCase{"YesWhenOptedOut", "yes", true, ConsentKeyword::kOptIn},
        KeywordCase{"YesWhenSubscribed", "yes", false, ConsentKeyword::kNone},
        KeywordCase{"Help", "HELP", false, ConsentKeyword::kHelp},
        KeywordCase{"HelpWhenOptedOut", "help", true, ConsentKeyword::kHelp},
        KeywordCase{"Info", "info", false, ConsentKeyword::kHelp},
        KeywordCase{"HelpWithRequest", "help me with my refund", false, ConsentKeyword::kNone},
        KeywordCase{"ThanksOnly", "Thank you", false, ConsentKeyword::kNone},
        KeywordCase{"EmptyText", "", false, ConsentKeyword::kNone}),
    [](const ::testing::TestParamInfo<KeywordCase>& info) { return info.param.name; });

}  // namespace
}  // namespace mobilelink::core
