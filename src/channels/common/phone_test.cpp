#include "mobilelink/channels/common/phone.hpp"

#include <gtest/gtest.h>

namespace mobilelink::channels::common {
namespace {

TEST(Phone, KeepsE164) { EXPECT_EQ(NormalizePhone("+12025550123", "US"), "+12025550123"); }

TEST(Phone, ReadsNationalFormatInDefaultRegion) {
  EXPECT_EQ(NormalizePhone("(202) 555-0123", "US"), "+12025550123");
}

TEST(Phone, ReadsOtherCountryWithPlus) {
  EXPECT_EQ(NormalizePhone("+44 7700 900123", "US"), "+447700900123");
}

TEST(Phone, RejectsLetters) { EXPECT_EQ(NormalizePhone("not-a-number", "US"), std::nullopt); }

TEST(Phone, RejectsEmpty) { EXPECT_EQ(NormalizePhone("", "US"), std::nullopt); }

TEST(Phone, RejectsTooShort) { EXPECT_EQ(NormalizePhone("+1202", "US"), std::nullopt); }

TEST(Phone, RejectsOverlongInput) {
  EXPECT_EQ(NormalizePhone(std::string(100, '1'), "US"), std::nullopt);
}

TEST(Phone, WhatsAppIdGetsPlus) { EXPECT_EQ(NormalizeWhatsAppId("12025550123"), "+12025550123"); }

TEST(Phone, WhatsAppIdRejectsNonDigits) {
  EXPECT_EQ(NormalizeWhatsAppId("+12025550123"), std::nullopt);
}

}  // namespace
}  // namespace mobilelink::channels::common
