#include "mobilelink/security/credentials.hpp"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace mobilelink::security {
namespace {

class Credentials : public ::testing::Test {
 protected:
  void SetUp() override { InitCrypto(); }
};

TEST_F(Credentials, HashVerifiesOriginalPassword) {
  const std::string hash = HashPassword("correct horse battery staple");
  EXPECT_TRUE(hash.starts_with("$argon2id$"));
  EXPECT_TRUE(VerifyPassword("correct horse battery staple", hash));
}

TEST_F(Credentials, WrongPasswordFails) {
  const std::string hash = HashPassword("correct horse battery staple");
  EXPECT_FALSE(VerifyPassword("correct horse battery stapler", hash));
  EXPECT_FALSE(VerifyPassword("", hash));
}

TEST_F(Credentials, SamePasswordGetsFreshSalt) {
  EXPECT_NE(HashPassword("secret"), HashPassword("secret"));
}

TEST_F(Credentials, GarbageHashFails) { EXPECT_FALSE(VerifyPassword("secret", "not-a-hash")); }

TEST_F(Credentials, TokensAreUnique) {
  std::set<std::string> tokens;
  for (int i = 0; i < 1000; ++i) {
    tokens.insert(NewToken());
  }
  EXPECT_EQ(tokens.size(), 1000u);
}

TEST_F(Credentials, TokenIsUrlSafeBase64) {
  const std::string token = NewToken();
  // 32 bytes in base64 without padding take 43 characters.
  EXPECT_EQ(token.size(), 43u);
  EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                    "0123456789-_"),
            std::string::npos);
}

TEST_F(Credentials, TokenHashIsStable) {
  const std::string token = NewToken();
  EXPECT_EQ(HashToken(token), HashToken(token));
}

TEST_F(Credentials, TokenHashIsSha256Hex) {
  // SHA-256 of "abc", from FIPS 180-2 appendix B.1.
  EXPECT_EQ(HashToken("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(Credentials, DifferentTokensHashApart) { EXPECT_NE(HashToken("a"), HashToken("b")); }

}  // namespace
}  // namespace mobilelink::security
