#include "mobilelink/config/web_config.hpp"

#include <string>

#include <gtest/gtest.h>

#include "mobilelink/config/testing/config_error.hpp"

namespace mobilelink::config {
namespace {

const std::string kMinimal = MinimalConfig(WebchatInbox("chat"));

TEST(WebConfig, ReadsCannedResponsesAndOrigins) {
  const Config config = ParseConfig(kMinimal + R"(canned_responses:
  - code: hours
    text: "We are open 8 to 8."
web:
  embed_origins: ["https://shop.example.com", "http://localhost:3000"]
)",
                                    "test.yaml");
  ASSERT_EQ(config.canned_responses.size(), 1u);
  EXPECT_EQ(config.canned_responses[0].code, "hours");
  EXPECT_EQ(config.canned_responses[0].text, "We are open 8 to 8.");
  ASSERT_EQ(config.web.embed_origins.size(), 2u);
  EXPECT_EQ(config.web.embed_origins[1], "http://localhost:3000");
}

TEST(WebConfig, AbsentKeysGiveEmptyLists) {
  const Config config = ParseConfig(kMinimal, "test.yaml");
  EXPECT_TRUE(config.canned_responses.empty());
  EXPECT_TRUE(config.web.embed_origins.empty());
}

TEST(WebConfig, RejectsUpperCaseCode) {
  const auto error = ErrorOf(kMinimal + "canned_responses:\n  - code: Hours\n    text: hi\n");
  EXPECT_NE(error.find("canned_responses[0].code"), std::string::npos) << error;
}

TEST(WebConfig, RejectsDuplicateCode) {
  const auto error =
      ErrorOf(kMinimal + "canned_responses:\n  - code: a\n    text: x\n  - code: a\n    text: y\n");
  EXPECT_NE(error.find("canned_responses[1].code"), std::string::npos) << error;
  EXPECT_NE(error.find("duplicate"), std::string::npos) << error;
}

TEST(WebConfig, RejectsMissingText) {
  const auto error = ErrorOf(kMinimal + "canned_responses:\n  - code: a\n");
  EXPECT_NE(error.find("canned_responses[0].text"), std::string::npos) << error;
}

TEST(WebConfig, RejectsUnknownWebKey) {
  const auto error = ErrorOf(kMinimal + "web:\n  frame_origins: []\n");
  EXPECT_NE(error.find("frame_origins"), std::string::npos) << error;
}

TEST(WebConfig, RejectsOriginThatCouldExtendCsp) {
  for (const std::string origin :
       {"https://a.example; script-src *", "https://*.example.com", "https://shop.example.com/path",
        "shop.example.com", "javascript://x", "https://"}) {
    const auto error = ErrorOf(kMinimal + "web:\n  embed_origins: [\"" + origin + "\"]\n");
    EXPECT_NE(error.find("web.embed_origins[0]"), std::string::npos) << origin << ": " << error;
  }
}

}  // namespace
}  // namespace mobilelink::config
