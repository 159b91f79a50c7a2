#include "mobilelink/channels/common/json_fields.hpp"

#include <gtest/gtest.h>

namespace mobilelink::channels::common {
namespace {

TEST(ParseJsonBody, ReturnsObject) {
  const JsonBody body = ParseJsonBody(R"({"text":"hi"})");
  ASSERT_TRUE(body.object.has_value()) << body.error;
  EXPECT_EQ(JsonText(*body.object, "text"), "hi");
  EXPECT_TRUE(body.error.empty());
}

TEST(ParseJsonBody, InvalidUtf8NamesByte) {
  const JsonBody body = ParseJsonBody("{\"text\":\"ab\xFF\"}");
  EXPECT_FALSE(body.object.has_value());
  EXPECT_EQ(body.error, "request body is not valid UTF-8 at byte 11");
}

TEST(ParseJsonBody, SyntaxErrorNamesByte) {
  const JsonBody body = ParseJsonBody(R"({"a": 1,})");
  EXPECT_FALSE(body.object.has_value());
  EXPECT_NE(body.error.find("not valid JSON at byte 8"), std::string::npos) << body.error;
}

TEST(ParseJsonBody, ReportsTruncatedValue) {
  EXPECT_EQ(ParseJsonBody(R"({"a": [1, 2)").error,
            "request body ends before its JSON value is complete");
  EXPECT_EQ(ParseJsonBody("").error, "request body ends before its JSON value is complete");
}

TEST(ParseJsonBody, RejectsTrailingText) {
  const JsonBody body = ParseJsonBody(R"({"a": 1} x)");
  EXPECT_FALSE(body.object.has_value());
  EXPECT_NE(body.error.find("not valid JSON at byte"), std::string::npos) << body.error;
}

TEST(ParseJsonBody, RejectsNonObjectTopLevel) {
  EXPECT_EQ(ParseJsonBody("[1]").error,
            "request body is valid JSON but its top level is not an object");
}

TEST(ParseJsonBody, RejectsDeepNesting) {
  const std::string deep = std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']');
  EXPECT_NE(ParseJsonBody("{\"a\":" + deep + "}").error.find("deeper than"), std::string::npos);
}

}  // namespace
}  // namespace mobilelink::channels::common
