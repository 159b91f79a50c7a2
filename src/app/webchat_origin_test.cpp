#include <gtest/gtest.h>

#include "mobilelink/app/webchat_hub.hpp"

namespace mobilelink::app {
namespace {

TEST(OriginListed, MatchesWholeItems) {
  EXPECT_TRUE(OriginListed("https://a.example,https://b.example", "https://b.example"));
  EXPECT_FALSE(OriginListed("https://a.example,https://b.example", "https://b.exam"));
  EXPECT_FALSE(OriginListed("https://a.example", "https://a.example.evil"));
}

TEST(OriginListed, IgnoresSpacesAroundCommas) {
  EXPECT_TRUE(OriginListed("https://a.example, https://b.example", "https://b.example"));
  EXPECT_TRUE(OriginListed(" https://a.example ,https://b.example", "https://a.example"));
}

TEST(OriginListed, EmptyOriginIsNeverListed) {
  EXPECT_FALSE(OriginListed("https://a.example,", ""));
  EXPECT_FALSE(OriginListed("", "https://a.example"));
}

}  // namespace
}  // namespace mobilelink::app
