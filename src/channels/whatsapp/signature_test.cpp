#include "mobilelink/channels/whatsapp/signature.hpp"

#include <gtest/gtest.h>

#include "mobilelink/channels/testing/adapter_harness.hpp"

namespace mobilelink::channels::whatsapp {
namespace {

// From Meta's WhatsApp Node.js SDK tests (src/__tests__/utils.test.ts).
TEST(WhatsAppSignature, MatchesSdkVector) {
  EXPECT_EQ(ComputeSignature("TEST_APP_SECRET", "test"),
            "sha256=0c61947b610d4f45e65f3d680e26027121ec2413e77598bcb6cfc6e0d9888221");
}

// From the Elixir whatsapp_sdk documentation.
TEST(WhatsAppSignature, MatchesSecondVector) {
  EXPECT_EQ(ComputeSignature("secret", "test"),
            "sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914");
}

TEST(WhatsAppSignature, MatchesExampleBody) {
  std::string body = testing::ReadFixture("whatsapp", "inbound_text.json");
  EXPECT_TRUE(
      VerifySignature("example_app_secret_0001", body,
                      "sha256=4ac1147a18b2cfca0a8fb829e919f663b344533145622e51bfa4fdeaec394048"));
}

TEST(WhatsAppSignature, AcceptsUppercaseHex) {
  EXPECT_TRUE(
      VerifySignature("TEST_APP_SECRET", "test",
                      "sha256=0C61947B610D4F45E65F3D680E26027121EC2413E77598BCB6CFC6E0D9888221"));
}

TEST(WhatsAppSignature, RejectsTamperedBody) {
  EXPECT_FALSE(
      VerifySignature("TEST_APP_SECRET", "test ",
                      "sha256=0c61947b610d4f45e65f3d680e26027121ec2413e77598bcb6cfc6e0d9888221"));
}

TEST(WhatsAppSignature, RejectsMissingPrefix) {
  EXPECT_FALSE(VerifySignature("TEST_APP_SECRET", "test",
                               "0c61947b610d4f45e65f3d680e26027121ec2413e77598bcb6cfc6e0d9888221"));
}

TEST(WhatsAppSignature, RejectsEmptySecret) {
  EXPECT_FALSE(VerifySignature("", "test", ComputeSignature("", "test")));
}

}  // namespace
}  // namespace mobilelink::channels::whatsapp
