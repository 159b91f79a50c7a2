#include "mobilelink/tools/replay.hpp"

#include <set>

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <phonenumbers/phonenumberutil.h>

#include "mobilelink/channels/common/form.hpp"
#include "mobilelink/channels/common/hmac.hpp"
#include "mobilelink/channels/twilio_sms/signature.hpp"
#include "mobilelink/channels/whatsapp/signature.hpp"
#include "mobilelink/http/client.hpp"
#include "mobilelink/http/server.hpp"
#include "mobilelink/tools/fake_provider.hpp"
#include "mobilelink/tools/replay_internal.hpp"

namespace mobilelink::tools {
namespace {

constexpr char kHandoff[] = "Connecting you with an agent.";
constexpr char kFallback[] = "Sorry, I did not understand.";
constexpr char kAuthToken[] = "replay_token";
constexpr char kPublicUrl[] = "https://support.example.test";
constexpr char kAppSecret[] = "replay_app_secret";

// A stand-in for the server's Twilio webhook: it checks the signature, responds 200 and replies
// through the fake provider. Text containing "agent" gets the handoff notice, text containing
// "gibberish" gets the fallback reply and text containing "silent" gets no reply.
class StandInServer final {
 public:
  explicit StandInServer(std::string provider_url) : provider_url_(std::move(provider_url)) {
    auto router = std::make_shared<http::Router>();
    router->Add("POST", "/webhooks/twilio/{inbox}",
                [this](http::HttpRequest&& request, http::Responder done) {
                  Handle(std::move(request), std::move(done));
                });
    router->Add("POST", "/webhooks/whatsapp/{inbox}",
                [this](http::HttpRequest&& request, http::Responder done) {
                  HandleWhatsApp(std::move(request), std::move(done));
                });
    server_ = std::make_unique<http::Server>(http::ServerOptions{}, router);
    server_->Start();
  }
  ~StandInServer() { server_->Stop(std::chrono::milliseconds(1000)); }

  [[nodiscard]] std::string BaseUrl() const {
    return "http://127.0.0.1:" + std::to_string(server_->Port());
  }

 private:
  void Handle(http::HttpRequest&& request, const http::Responder& done) {
    const auto params = channels::common::ParseForm(request.body);
    const auto signature = request.headers.Get("X-Twilio-Signature").value_or("");
    const std::string signed_url = std::string(kPublicUrl) + request.path;
    if (!params ||
        !channels::twilio_sms::VerifySignature(kAuthToken, {signed_url}, *params, signature)) {
      done(http::HttpResponse::Text(403, "invalid signature"));
      return;
    }
    done(http::HttpResponse{200, {}, "<Response/>"});
    const std::string text = *channels::common::FindFormValue(*params, "Body");
    if (text.find("silent") != std::string::npos) {
      return;
    }
    std::string reply = "Bot: " + text;
    if (text.find("agent") != std::string::npos) {
      reply = kHandoff;
    } else if (text.find("gibberish") != std::string::npos) {
      reply = kFallback;
    }
    http::ClientRequest send;
    send.url = provider_url_ + "/2010-04-01/Accounts/AC1/Messages.json";
    send.headers.Set("Authorization", "Basic " + channels::common::Base64Encode("AC1:secret"));
    send.headers.Set("Content-Type", "application/x-www-form-urlencoded");
    send.body =
        channels::common::EncodeForm({{"To", *channels::common::FindFormValue(*params, "From")},
                                      {"From", *channels::common::FindFormValue(*params, "To")},
                                      {"Body", reply}});
    auto client = http::MakeHttpClient(http::ClientOptions{.loopback_only = true});
    (void)client->Send(send);
  }

  void HandleWhatsApp(http::HttpRequest&& request, const http::Responder& done) {
    const auto signature = request.headers.Get("X-Hub-Signature-256").value_or("");
    if (!channels::whatsapp::VerifySignature(kAppSecret, request.body, signature)) {
      done(http::HttpResponse::Text(403, "invalid signature"));
      return;
    }
    done(http::HttpResponse::Text(200, ""));
    const auto value =
        boost::json::parse(request.body).at("entry").at(0).at("changes").at(0).at("value");
    const auto& message = value.at("messages").at(0);
    boost::json::object reply{
        {"messaging_product", "whatsapp"},
        {"to", message.at("from")},
        {"type", "text"},
        {"text", {{"body", "Bot: " + std::string(message.at("text").at("body").as_string())}}}};
    http::ClientRequest send;
    send.url = provider_url_ + "/v21.0/" +
               std::string(value.at("metadata").at("phone_number_id").as_string()) + "/messages";
    send.headers.Set("Authorization", "Bearer token");
    send.headers.Set("Content-Type", "application/json");
    send.body = boost::json::serialize(reply);
    auto client = http::MakeHttpClient(http::ClientOptions{.loopback_only = true});
    (void)client->Send(send);
  }

  std::string provider_url_;
  std::unique_ptr<http::Server> server_;
};

ToolConfig TestConfig(const std::string& auth_token) {
  ToolConfig config;
  config.public_url = kPublicUrl;
  config.handoff_message = kHandoff;
  config.fallback_message = kFallback;
  ToolInbox inbox;
  inbox.id = "sms-main";
  inbox.channel = "twilio_sms";
  inbox.settings = {{"account_sid", "AC1"}, {"auth_token", auth_token}, {"from", "+14155550000"}};
  config.inboxes.push_back(inbox);
  ToolInbox whatsapp;
  whatsapp.id = "wa-main";
  whatsapp.channel = "whatsapp";
  whatsapp.settings = {{"phone_number_id", "200000000000001"}, {"app_secret", kAppSecret}};
  config.inboxes.push_back(whatsapp);
  return config;
}

class ReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FakeProviderOptions provider_options;
    provider_options.loopback_callbacks_only = true;
    provider_ = std::make_unique<FakeProvider>(provider_options, ToolConfig{});
    provider_->Start();
    stand_in_ = std::make_unique<StandInServer>(provider_->BaseUrl());
    options_.inbox = "sms-main";
    options_.url = stand_in_->BaseUrl();
    options_.provider = provider_->BaseUrl();
    options_.loopback_only = true;
    options_.timeout = std::chrono::milliseconds(1500);
    options_.concurrency = 2;
  }

  std::unique_ptr<FakeProvider> provider_;
  std::unique_ptr<StandInServer> stand_in_;
  ReplayOptions options_;
};

TEST_F(ReplayTest, ClassifiesAnsweredHandoffAndFailed) {
  // Customer A sends messages 0, 2 and 4; customer B sends 1, 3 and 5.
  const std::vector<Utterance> utterances = {
      {"hello", "greeting"},          {"let me talk to an agent", "handoff"},
      {"where is my order", "order"}, {"still there?", "oos"},
      {"silent please", "oos"},       {"hello again", "greeting"}};
  options_.customers = 2;
  const auto report = Replay(options_, utterances, TestConfig(kAuthToken));
  EXPECT_EQ(report.messages_sent, 6u);
  EXPECT_EQ(report.answered_by_bot, 2u);
  EXPECT_EQ(report.handed_off, 3u);
  EXPECT_EQ(report.failed, 1u);
  EXPECT_GT(report.reply_p50_ms, 0);
  // The stand-in replies to every message but the silent one; replay ignores the replies that
  // follow a handoff.
  EXPECT_EQ(provider_->Messages().size(), 5u);
}

TEST_F(ReplayTest, LimitCapsMessagesSent) {
  const std::vector<Utterance> utterances(10, Utterance{"hello", "greeting"});
  options_.limit = 4;
  const auto report = Replay(options_, utterances, TestConfig(kAuthToken));
  EXPECT_EQ(report.messages_sent, 4u);
  EXPECT_EQ(report.answered_by_bot, 4u);
  EXPECT_EQ(report.failed, 0u);
}

TEST_F(ReplayTest, RejectedWebhookCountsAsFailed) {
  const std::vector<Utterance> utterances = {{"hello", "greeting"}};
  const auto report = Replay(options_, utterances, TestConfig("wrong_token"));
  EXPECT_EQ(report.messages_sent, 1u);
  EXPECT_EQ(report.failed, 1u);
  EXPECT_EQ(provider_->Messages().size(), 0u);
}

TEST_F(ReplayTest, CountsFallbackRepliesWithinAnswered) {
  const std::vector<Utterance> utterances = {
      {"hello", "greeting"}, {"gibberish one", "oos"}, {"gibberish two", "oos"}};
  const auto report = Replay(options_, utterances, TestConfig(kAuthToken));
  EXPECT_EQ(report.answered_by_bot, 3u);
  EXPECT_EQ(report.fallback_replies, 2u);
  EXPECT_EQ(report.failed, 0u);
  EXPECT_NE(report.Summary().find("answered by bot: 3 (of which fallback: 2)"), std::string::npos)
      << report.Summary();
  EXPECT_NE(report.ToJson().find("\"fallback_replies\":2"), std::string::npos) << report.ToJson();
}

TEST_F(ReplayTest, AllRejectedPrintsPublicUrlHint) {
  const std::vector<Utterance> utterances(2, Utterance{"hello", "greeting"});
  ToolConfig config = TestConfig(kAuthToken);
  config.public_url = "https://elsewhere.example.test";
  const auto report = Replay(options_, utterances, config);
  EXPECT_EQ(report.failed, 2u);
  EXPECT_EQ(report.rejected_403, 2u);
  const std::string summary = report.Summary();
  EXPECT_NE(summary.find("hint: the server rejected every webhook with HTTP 403"), std::string::npos) << summary;
  EXPECT_NE(summary.find("https://elsewhere.example.test/webhooks/twilio/sms-main"),
            std::string::npos)
      << summary;
  EXPECT_NE(summary.find("server.public_url"), std::string::npos) << summary;
}

TEST_F(ReplayTest, AnsweredRunHasNoHint) {
  const auto report = Replay(options_, {{"hello", "greeting"}}, TestConfig(kAuthToken));
  EXPECT_EQ(report.hint, "");
  EXPECT_EQ(report.Summary().find("hint:"), std::string::npos);
}

TEST_F(ReplayTest, WhatsAppRepliesAreMatched) {
  const std::vector<Utterance> utterances(3, Utterance{"hola", "greeting"});
  options_.inbox = "wa-main";
  const auto report = Replay(options_, utterances, TestConfig(kAuthToken));
  EXPECT_EQ(report.messages_sent, 3u);
  EXPECT_EQ(report.answered_by_bot, 3u);
  EXPECT_EQ(report.failed, 0u);
  EXPECT_EQ(provider_->Messages().size(), 3u);
}

TEST_F(ReplayTest, UnknownInboxThrows) {
  options_.inbox = "missing";
  EXPECT_THROW(Replay(options_, {{"hi", "x"}}, TestConfig(kAuthToken)), std::runtime_error);
}

TEST(ReplayReport, JsonHasAllKeys) {
  ReplayReport report;
  report.messages_sent = 3;
  const auto json = report.ToJson();
  for (const char* key :
       {"messages_sent", "answered_by_bot", "fallback_replies", "handed_off", "failed",
        "reply_p50_ms", "reply_p95_ms",
        "reply_p99_ms", "elapsed_s", "rate_per_s"}) {
    EXPECT_NE(json.find(std::string("\"") + key + "\""), std::string::npos) << key;
  }
}

TEST(CustomerNumbers, AreDistinctValidUsNumbers) {
  const auto numbers = GenerateCustomerNumbers(500, 7);
  ASSERT_EQ(numbers.size(), 500u);
  EXPECT_EQ(std::set<std::string>(numbers.begin(), numbers.end()).size(), 500u);
  const auto& util = *i18n::phonenumbers::PhoneNumberUtil::GetInstance();
  for (const auto& number : numbers) {
    i18n::phonenumbers::PhoneNumber parsed;
    ASSERT_EQ(util.Parse(number, "US", &parsed),
              i18n::phonenumbers::PhoneNumberUtil::NO_PARSING_ERROR);
    EXPECT_TRUE(util.IsValidNumberForRegion(parsed, "US")) << number;
  }
  EXPECT_EQ(GenerateCustomerNumbers(5, 7), GenerateCustomerNumbers(5, 7));
}

TEST(Percentile, UsesNearestRank) {
  const std::vector<double> sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_EQ(replay_internal::Percentile(sorted, 50), 5);
  EXPECT_EQ(replay_internal::Percentile(sorted, 95), 10);
  EXPECT_EQ(replay_internal::Percentile({}, 50), 0);
}

}  // namespace
}  // namespace mobilelink::tools
