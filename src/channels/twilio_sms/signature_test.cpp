#include "mobilelink/channels/twilio_sms/signature.hpp"

#include <gtest/gtest.h>

#include "mobilelink/channels/testing/adapter_harness.hpp"

namespace mobilelink::channels::twilio_sms {
namespace {

// Vectors from Twilio's SDK test suites (twilio-python test_request_validator.py, twilio-node
// validation.spec.js, twilio-csharp RequestValidatorTest.cs).
constexpr std::string_view kToken = "12345";
constexpr std::string_view kBaseUrl = "https://mycompany.com/myapp.php?foo=1&bar=2";
constexpr std::string_view kBodyHash =
    "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
constexpr std::string_view kEmptyBodyHash =
    "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

common::FormPairs BaseParams() {
  return {{"CallSid", "CA1234567890ABCDE"},
          {"Caller", "+14158675309"},
          {"Digits", "1234"},
          {"From", "+14158675309"},
          {"To", "+18005551212"}};
}

struct SignatureVector {
  std::string name;
  std::string url;
  common::FormPairs params;
  std::string expected;
};

class TwilioSignatureVector : public ::testing::TestWithParam<SignatureVector> {};

TEST_P(TwilioSignatureVector, MatchesSdk) {
  const SignatureVector& row = GetParam();
  EXPECT_EQ(ComputeSignature(kToken, row.url, row.params), row.expected);
}

const std::string kBase(kBaseUrl);

INSTANTIATE_TEST_SUITE_P(
    Sdk, TwilioSignatureVector,
    ::testing::Values(
        SignatureVector{"T1BaseUrl", kBase, BaseParams(), "RSOYDt4T1cUTdK1PDd93/VVr8B8="},
        SignatureVector{"T2HttpsDefaultPort", "https://mycompany.com:443/myapp.php?foo=1&bar=2",
                        BaseParams(), "kvajT1Ptam85bY51eRf/AJRuM3w="},
        SignatureVector{"T3HttpDefaultPort", "http://mycompany.com:80/myapp.php?foo=1&bar=2",
                        BaseParams(), "0ZXoZLH/DfblKGATFgpif+LLRf4="},
        SignatureVector{"T4HttpOtherPort", "http://mycompany.com:1234/myapp.php?foo=1&bar=2",
                        BaseParams(), "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="},
        SignatureVector{"T5HttpsOtherPort", "https://mycompany.com:1234/myapp.php?foo=1&bar=2",
                        BaseParams(), "CYn1h0gLBdNxDGkKJg6hYohgeD8="},
        SignatureVector{"T6MixedCaseHost", "https://MyCompany.com/myapp.php?foo=1&bar=2",
                        BaseParams(), "g9IN/x4Cft2g517EjYvEvM/W7LU="},
        SignatureVector{"T7UserInfo", "https://user:pass@mycompany.com/myapp.php?foo=1&bar=2",
                        BaseParams(), "CukzLTc1tT5dXEDIHm/tKBanW10="},
        SignatureVector{"T8UserInfoDefaultPort",
                        "https://user:pass@mycompany.com:443/myapp.php?foo=1&bar=2", BaseParams(),
                        "ZQFR1PTIZXF2MXB8ZnKCvnnA+rI="},
        SignatureVector{"T9RawApostrophe", kBase + "&Body=It's+amazing", BaseParams(),
                        "dsq4Ehbj6cs+KdTkpF5sSSplOWw="},
        SignatureVector{"T9EncodedApostrophe", kBase + "&Body=It%27s+amazing", BaseParams(),
                        "TfZzewPq8wqrGlMfyAud8+/IvJ0="},
        SignatureVector{"T10RepeatedKey",
                        kBase,
                        {{"Sid", "CA123"},
                         {"SidAccount", "AC123"},
                         {"Digits", "5678"},
                         {"Digits", "1234"},
                         {"Digits", "1234"}},
                        "IK+Dwps556ElfBT0I3Rgjkr1wJU="},
        SignatureVector{"T11RepeatedKeyOrderA",
                        kBase,
                        {{"MessagingBinding.Address", "+1325xxxxxxx"},
                         {"MessagingBinding.Address", "+1415xxxxxxx"}},
                        "83O6e2vORAoJHUNzJjDWN1jz+BA="},
        SignatureVector{"T11RepeatedKeyOrderB",
                        kBase,
                        {{"MessagingBinding.Address", "+1415xxxxxxx"},
                         {"MessagingBinding.Address", "+1325xxxxxxx"}},
                        "83O6e2vORAoJHUNzJjDWN1jz+BA="},
        SignatureVector{"T12BodyHash",
                        kBase + "&bodySHA256=" + std::string(kBodyHash),
                        {},
                        "a9nBmqA0ju/hNViExpshrM61xv4="},
        SignatureVector{"T13BodyHashOnly",
                        "https://mycompany.com/myapp.php?bodySHA256=" + std::string(kBodyHash),
                        {},
                        "y77kIzt2vzLz71DgmJGsen2scGs="},
        SignatureVector{"T14EmptyBodyDefaultPort",
                        "https://mycompany.com:443/myapp.php?foo=1&bar=2&bodySHA256=" +
                            std::string(kEmptyBodyHash),
                        {},
                        "Ldidvp12m26NI7eqEvxnEpkd9Hc="}),
    [](const ::testing::TestParamInfo<SignatureVector>& info) { return info.param.name; });

TEST(TwilioSignature, BodyHashMatchesJsonBody) {
  std::string url = kBase + "&bodySHA256=" + std::string(kBodyHash);
  EXPECT_TRUE(VerifyBodySha256(url, R"({"property": "value", "boolean": true})"));
}

TEST(TwilioSignature, BodyHashMatchesEmptyObject) {
  std::string url = kBase + "&bodySHA256=" + std::string(kEmptyBodyHash);
  EXPECT_TRUE(VerifyBodySha256(url, "{}"));
}

TEST(TwilioSignature, BodyHashRejectsOtherBody) {
  std::string url = kBase + "&bodySHA256=" + std::string(kBodyHash);
  EXPECT_FALSE(VerifyBodySha256(url, "{}"));
}

TEST(TwilioSignature, BodyHashRejectsUrlWithoutHash) {
  EXPECT_FALSE(VerifyBodySha256(kBase, "{}"));
}

TEST(TwilioSignature, AcceptsDefaultPortSignatureForPlainUrl) {
  EXPECT_TRUE(VerifySignature(kToken, {kBase}, BaseParams(), "kvajT1Ptam85bY51eRf/AJRuM3w="));
}

TEST(TwilioSignature, AcceptsPlainSignatureForDefaultPortUrl) {
  EXPECT_TRUE(VerifySignature(kToken, {"https://mycompany.com:443/myapp.php?foo=1&bar=2"},
                              BaseParams(), "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
}

TEST(TwilioSignature, AcceptsSecondCandidateUrl) {
  EXPECT_TRUE(VerifySignature(kToken, {"https://other.example.com/x", kBase}, BaseParams(),
                              "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
}

TEST(TwilioSignature, RejectsTamperedParameter) {
  common::FormPairs params = BaseParams();
  params[2].second = "9999";
  EXPECT_FALSE(VerifySignature(kToken, {kBase}, params, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
}

TEST(TwilioSignature, RejectsWrongToken) {
  EXPECT_FALSE(VerifySignature("54321", {kBase}, BaseParams(), "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
}

TEST(TwilioSignature, RejectsEmptyHeader) {
  EXPECT_FALSE(VerifySignature(kToken, {kBase}, BaseParams(), ""));
}

TEST(TwilioSignature, RejectsEmptyCandidateList) {
  EXPECT_FALSE(VerifySignature(kToken, {}, BaseParams(), "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
}

TEST(TwilioSignature, PortVariantsOfPlainHttpsUrl) {
  std::vector<std::string> expected{kBase, "https://mycompany.com:443/myapp.php?foo=1&bar=2"};
  EXPECT_EQ(PortVariants(kBase), expected);
}

TEST(TwilioSignature, PortVariantsOfUrlWithPort) {
  std::vector<std::string> expected{"http://user:pass@[::1]:8080/a?b=1",
                                    "http://user:pass@[::1]/a?b=1"};
  EXPECT_EQ(PortVariants("http://user:pass@[::1]:8080/a?b=1"), expected);
}

TEST(TwilioSignature, MatchesDocumentedInboundExample) {
  std::string body = testing::ReadFixture("twilio_sms", "inbound_mms_doc_example.form");
  auto params = common::ParseForm(body);
  ASSERT_TRUE(params.has_value());
  EXPECT_EQ(
      ComputeSignature("example_auth_token_0001", "https://hooks.example.com/twilio/sms", *params),
      "fQrxmyfu+ILG0JcXeATCCXtEKt0=");
}

}  // namespace
}  // namespace mobilelink::channels::twilio_sms
