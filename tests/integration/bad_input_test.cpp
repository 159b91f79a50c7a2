// Invalid webhook requests get a 4xx with a JSON error that names the problem, and store
// nothing.

#include "server_fixture.hpp"

namespace mobilelink::integration {
namespace {

class BadInput : public ServerFixture {
 protected:
  void ExpectNothingStored() const {
    EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM messages"), 0);
    EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM contacts"), 0);
    EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM conversations"), 0);
    EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM orphan_statuses"), 0);
  }

  // Returns error.message of a JSON error body, or an empty string.
  static std::string ErrorMessage(const std::string& body) {
    const auto value = ParseJson(body);
    if (!value.is_object() || !value.as_object().contains("error")) {
      return {};
    }
    const auto* message = value.as_object().at("error").as_object().if_contains("message");
    return message != nullptr && message->is_string() ? std::string(message->as_string())
                                                      : std::string();
  }
};

TEST_F(BadInput, MalformedFormEscapeIs400) {
  const std::string path = "/webhooks/twilio/sms";
  const std::string body = "MessageSid=SM1&From=%2B12025550123&Body=100%ZZ";
  http::Headers headers;
  headers.Set("Content-Type", "application/x-www-form-urlencoded");
  headers.Set("X-Twilio-Signature", "c2lnbmF0dXJl");
  const auto response = Request("POST", path, body, headers);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCode(response.body), "malformed") << response.body;
  EXPECT_NE(ErrorMessage(response.body).find("percent-escape"), std::string::npos)
      << response.body;
  ExpectNothingStored();
}

TEST_F(BadInput, MalformedWhatsAppJsonIs400) {
  const auto response = PostWhatsApp(R"({"object":"whatsapp_business_account","entry":[)");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCode(response.body), "malformed") << response.body;
  EXPECT_FALSE(ErrorMessage(response.body).empty()) << response.body;
  ExpectNothingStored();
}

TEST_F(BadInput, OversizedBodyIs413) {
  auto form = TwilioInboundForm("SM20000000000000000000000000000001", "+12025550123",
                                std::string(300 * 1024, 'a'));
  const auto response = PostTwilio("/webhooks/twilio/sms", form);
  EXPECT_EQ(response.status, 413);
  EXPECT_EQ(ErrorCode(response.body), "body_too_large") << response.body;
  ExpectNothingStored();
}

TEST_F(BadInput, UnknownInboxIs404) {
  const auto form = TwilioInboundForm("SM20000000000000000000000000000002", "+12025550123", "hi");
  const auto response = PostTwilio("/webhooks/twilio/no-such-inbox", form);
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(ErrorCode(response.body), "inbox_not_found") << response.body;
  EXPECT_NE(ErrorMessage(response.body).find("no-such-inbox"), std::string::npos)
      << response.body;
  ExpectNothingStored();
}

TEST_F(BadInput, ChannelMismatchIs404) {
  // The `whatsapp` inbox exists, but not under the Twilio path.
  const auto form = TwilioInboundForm("SM20000000000000000000000000000003", "+12025550123", "hi");
  const auto response = PostTwilio("/webhooks/twilio/whatsapp", form);
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(ErrorCode(response.body), "inbox_not_found") << response.body;
  ExpectNothingStored();
}

TEST_F(BadInput, WrongContentTypeIs415) {
  const auto form = TwilioInboundForm("SM20000000000000000000000000000004", "+12025550123", "hi");
  http::Headers headers;
  headers.Set("Content-Type", "text/plain");
  headers.Set("X-Twilio-Signature",
              channels::twilio_sms::ComputeSignature(
                  kTwilioAuthToken, public_url_ + "/webhooks/twilio/sms", form));
  const auto response =
      Request("POST", "/webhooks/twilio/sms", channels::common::EncodeForm(form), headers);
  EXPECT_EQ(response.status, 415);
  EXPECT_EQ(ErrorCode(response.body), "unsupported_media_type") << response.body;
  EXPECT_NE(ErrorMessage(response.body).find("application/x-www-form-urlencoded"),
            std::string::npos)
      << response.body;
  EXPECT_NE(response.body.find(R"("field":"Content-Type")"), std::string::npos) << response.body;
  ExpectNothingStored();
}

TEST_F(BadInput, WhatsAppWrongContentTypeIs415) {
  http::Headers headers;
  headers.Set("Content-Type", "application/x-www-form-urlencoded");
  const auto response = Request("POST", "/webhooks/whatsapp/whatsapp", "a=b", headers);
  EXPECT_EQ(response.status, 415);
  EXPECT_EQ(ErrorCode(response.body), "unsupported_media_type") << response.body;
  ExpectNothingStored();
}

TEST_F(BadInput, ApiReplyWithoutJsonIs415) {
  const std::string token = Login("bob", kSupervisorPassword);
  http::Headers headers;
  headers.Set("Authorization", "Bearer " + token);
  headers.Set("Content-Type", "text/plain");
  const auto response = Request("POST", "/api/v1/conversations/1/messages", "hi", headers);
  EXPECT_EQ(response.status, 415);
  EXPECT_EQ(ErrorCode(response.body), "unsupported_media_type") << response.body;
  ExpectNothingStored();
}

}  // namespace
}  // namespace mobilelink::integration
