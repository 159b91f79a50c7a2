#include "mobilelink/common/log.hpp"

#include <gtest/gtest.h>

namespace mobilelink {
namespace {

TEST(EscapeLogValue, EscapesLineBreaks) {
  EXPECT_EQ(EscapeLogValue("a\nb\r"), "a\\nb\\r");
}

TEST(EscapeLogValue, EscapesQuotesAndBackslashes) {
  EXPECT_EQ(EscapeLogValue("say \"hi\" \\ bye"), "say \\\"hi\\\" \\\\ bye");
}

TEST(EscapeLogValue, EscapesOtherControlBytes) {
  EXPECT_EQ(EscapeLogValue(std::string("x\x01y", 3)), "x\\x01y");
}

TEST(EscapeLogValue, KeepsUtf8) {
  EXPECT_EQ(EscapeLogValue("caf\xC3\xA9"), "caf\xC3\xA9");
}

}  // namespace
}  // namespace mobilelink
