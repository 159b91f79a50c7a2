#include "mobilelink/tools/fake_provider.hpp"

#include <future>
#include <stdlib.h>
#include <string>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "mobilelink/channels/common/form.hpp"
#include "mobilelink/channels/common/hmac.hpp"
#include "mobilelink/channels/twilio_sms/signature.hpp"
#include "mobilelink/channels/whatsapp/signature.hpp"
#include "mobilelink/http/client.hpp"
#include "mobilelink/tools/testing/recording_server.hpp"
#include "mobilelink/tools/tool_config.hpp"

namespace mobilelink::tools {
namespace {

namespace json = boost::json;

constexpr char kAccountSid[] = "AC00000000000000000000000000000001";
constexpr char kAuthToken[] = "test_auth_token";
constexpr std::chrono::milliseconds kWait{10000};

FakeProviderOptions TestOptions() {
  FakeProviderOptions options;
  options.loopback_callbacks_only = true;
  options.callback_first_backoff = std::chrono::milliseconds(10);
  return options;
}

class FakeProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    provider_ = std::make_unique<FakeProvider>(TestOptions(), ToolConfig{});
    provider_->Start();
  }

  http::ClientResponse Send(http::ClientRequest request) {
    request.url = provider_->BaseUrl() + request.url;
    auto result = client_->Send(request);
    EXPECT_TRUE(std::holds_alternative<http::ClientResponse>(result));
    return std::get_if<http::ClientResponse>(&result) ? std::get<http::ClientResponse>(result)
                                                      : http::ClientResponse{};
  }

  http::ClientResponse SendTwilio(const channels::common::FormPairs& form, bool with_auth = true) {
    http::ClientRequest request;
    request.url = std::string("/2010-04-01/Accounts/") + kAccountSid + "/Messages.json";
    request.body = channels::common::EncodeForm(form);
    request.headers.Set("Content-Type", "application/x-www-form-urlencoded");
    if (with_auth) {
      request.headers.Set(
          "Authorization",
          "Basic " + channels::common::Base64Encode(std::string(kAccountSid) + ":" + kAuthToken));
    }
    return Send(request);
  }

  std::unique_ptr<http::HttpClient> client_ =
      http::MakeHttpClient(http::ClientOptions{.loopback_only = true});
  std::unique_ptr<FakeProvider> provider_;
};

const channels::common::FormPairs kTextForm = {
    {"To", "+14155550100"}, {"From", "+14155550199"}, {"Body", "Your order shipped"}};

TEST_F(FakeProviderTest, TwilioSendIsRecordedAndCreated) {
  const auto response = SendTwilio(kTextForm);
  ASSERT_EQ(response.status, 201);
  const auto body = json::parse(response.body).as_object();
  const std::string sid(body.at("sid").as_string());
  EXPECT_EQ(sid.size(), 34u);
  EXPECT_TRUE(sid.starts_with("SM"));
  EXPECT_EQ(body.at("status").as_string(), "queued");
  EXPECT_EQ(body.at("num_segments").as_string(), "1");
  EXPECT_EQ(body.at("to").as_string(), "+14155550100");
  EXPECT_TRUE(std::string(body.at("date_created").as_string()).ends_with("+0000"));

  const auto messages = provider_->Messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].to, "+14155550100");
  EXPECT_EQ(messages[0].text, "Your order shipped");
  EXPECT_EQ(messages[0].message_id, sid);
  EXPECT_EQ(messages[0].http_status, 201);
}

TEST_F(FakeProviderTest, TwilioSendWithoutAuthIs401) {
  const auto response = SendTwilio(kTextForm, false);
  ASSERT_EQ(response.status, 401);
  const auto body = json::parse(response.body).as_object();
  EXPECT_EQ(body.at("code").as_int64(), 20003);
  EXPECT_EQ(body.at("status").as_int64(), 401);
  EXPECT_TRUE(body.contains("message"));
  EXPECT_TRUE(body.contains("more_info"));
}

TEST_F(FakeProviderTest, TwilioRejectsInvalidRequests) {
  const auto invalid_to = SendTwilio({{"To", "555-0100"}, {"From", "+14155550199"}, {"Body", "x"}});
  EXPECT_EQ(invalid_to.status, 400);
  EXPECT_EQ(json::parse(invalid_to.body).at("code").as_int64(), 21211);

  const auto missing_to = SendTwilio({{"From", "+14155550199"}, {"Body", "x"}});
  EXPECT_EQ(json::parse(missing_to.body).at("code").as_int64(), 21604);

  const auto no_body = SendTwilio({{"To", "+14155550100"}, {"From", "+14155550199"}});
  EXPECT_EQ(no_body.status, 400);
  EXPECT_EQ(json::parse(no_body.body).at("code").as_int64(), 21602);

  const auto media_only = SendTwilio(
      {{"To", "+14155550100"}, {"From", "+14155550199"}, {"MediaUrl", "http://127.0.0.1/a.jpg"}});
  EXPECT_EQ(media_only.status, 201);
}

TEST_F(FakeProviderTest, FailNextFailsThenRecovers) {
  http::ClientRequest set;
  set.url = "/_fake/behaviour";
  set.body = R"({"fail_next":2,"fail_status":429,"retry_after_s":3})";
  ASSERT_EQ(Send(set).status, 200);

  for (int i = 0; i < 2; ++i) {
    const auto failed = SendTwilio(kTextForm);
    EXPECT_EQ(failed.status, 429);
    EXPECT_EQ(failed.headers.Get("Retry-After"), "3");
    EXPECT_EQ(json::parse(failed.body).at("code").as_int64(), 20429);
  }
  EXPECT_EQ(SendTwilio(kTextForm).status, 201);
  EXPECT_EQ(provider_->Behaviour().fail_next, 0);
  EXPECT_EQ(provider_->Messages().size(), 3u);
}

TEST_F(FakeProviderTest, InvalidBehaviourIsRejected) {
  http::ClientRequest set;
  set.url = "/_fake/behaviour";
  set.body = R"({"fail_status":"often"})";
  EXPECT_EQ(Send(set).status, 400);
}

TEST_F(FakeProviderTest, TwilioStatusCallbacksAreSigned) {
  testing::RecordingServer receiver("/status");
  const std::string callback_url = receiver.BaseUrl() + "/status";
  auto form = kTextForm;
  form.emplace_back("StatusCallback", callback_url);
  ASSERT_EQ(SendTwilio(form).status, 201);

  const auto callbacks = receiver.WaitFor(2, kWait);
  ASSERT_EQ(callbacks.size(), 2u);
  const std::string sid = provider_->Messages()[0].message_id;
  const char* expected_status[] = {"sent", "delivered"};
  for (std::size_t i = 0; i < 2; ++i) {
    const auto params = channels::common::ParseForm(callbacks[i].body);
    ASSERT_TRUE(params.has_value());
    EXPECT_EQ(*channels::common::FindFormValue(*params, "MessageStatus"), expected_status[i]);
    EXPECT_EQ(*channels::common::FindFormValue(*params, "MessageSid"), sid);
    EXPECT_EQ(*channels::common::FindFormValue(*params, "AccountSid"), kAccountSid);
    const auto signature = callbacks[i].headers.Get("X-Twilio-Signature");
    ASSERT_TRUE(signature.has_value());
    EXPECT_TRUE(
        channels::twilio_sms::VerifySignature(kAuthToken, {callback_url}, *params, *signature));
  }
}

TEST_F(FakeProviderTest, FailedCallbacksRetryThenMoveOn) {
  testing::RecordingServer receiver("/status", 500);
  auto form = kTextForm;
  form.emplace_back("StatusCallback", receiver.BaseUrl() + "/status");
  ASSERT_EQ(SendTwilio(form).status, 201);

  // Each status gets callback_max_attempts tries, and delivered follows once sent gives up.
  const int attempts = TestOptions().callback_max_attempts;
  const auto callbacks = receiver.WaitFor(2 * attempts, kWait);
  ASSERT_EQ(callbacks.size(), static_cast<std::size_t>(2 * attempts));
  for (int i = 0; i < 2 * attempts; ++i) {
    const auto params = channels::common::ParseForm(callbacks[i].body);
    ASSERT_TRUE(params.has_value());
    EXPECT_EQ(*channels::common::FindFormValue(*params, "MessageStatus"),
              i < attempts ? "sent" : "delivered")
        << "callback " << i;
  }
}

TEST_F(FakeProviderTest, LongPollReturnsWhenSendArrives) {
  auto poll = std::async(std::launch::async, [this] {
    auto client = http::MakeHttpClient(http::ClientOptions{.loopback_only = true});
    http::ClientRequest request;
    request.method = "GET";
    request.url = provider_->BaseUrl() + "/_fake/messages?since=0&wait_ms=20000";
    return client->Send(request);
  });
  ASSERT_EQ(SendTwilio(kTextForm).status, 201);
  const auto result = poll.get();
  ASSERT_TRUE(std::holds_alternative<http::ClientResponse>(result));
  const auto body = json::parse(std::get<http::ClientResponse>(result).body);
  ASSERT_EQ(body.at("messages").as_array().size(), 1u);
  EXPECT_EQ(body.at("last_seq").as_int64(), 1);
}

TEST_F(FakeProviderTest, ListFiltersBySinceAndTo) {
  ASSERT_EQ(SendTwilio(kTextForm).status, 201);
  ASSERT_EQ(SendTwilio({{"To", "+14155550111"}, {"From", "+14155550199"}, {"Body", "b"}}).status,
            201);
  http::ClientRequest list;
  list.method = "GET";
  list.url = "/_fake/messages?to=%2B14155550111";
  EXPECT_EQ(json::parse(Send(list).body).at("messages").as_array().size(), 1u);
  list.url = "/_fake/messages?since=1";
  EXPECT_EQ(json::parse(Send(list).body).at("messages").as_array().size(), 1u);

  http::ClientRequest twilio_list;
  twilio_list.method = "GET";
  twilio_list.url = std::string("/2010-04-01/Accounts/") + kAccountSid +
                    "/Messages.json?To=%2B14155550100";
  twilio_list.headers.Set(
      "Authorization", "Basic " + channels::common::Base64Encode(std::string(kAccountSid) + ":x"));
  const auto listed = json::parse(Send(twilio_list).body);
  ASSERT_EQ(listed.at("messages").as_array().size(), 1u);
  EXPECT_EQ(listed.at("messages").at(0).at("to").as_string(), "+14155550100");
}

// Twilio's DateSent filters compare date_sent, which a queued message does not have yet.
TEST_F(FakeProviderTest, TwilioDateSentFilterSkipsQueued) {
  ASSERT_EQ(SendTwilio(kTextForm).status, 201);
  http::ClientRequest twilio_list;
  twilio_list.method = "GET";
  twilio_list.headers.Set(
      "Authorization", "Basic " + channels::common::Base64Encode(std::string(kAccountSid) + ":x"));
  twilio_list.url = std::string("/2010-04-01/Accounts/") + kAccountSid +
                    "/Messages.json?To=%2B14155550100";
  const auto unfiltered = json::parse(Send(twilio_list).body);
  ASSERT_EQ(unfiltered.at("messages").as_array().size(), 1u);
  EXPECT_EQ(unfiltered.at("messages").at(0).at("status").as_string(), "queued");
  EXPECT_TRUE(unfiltered.at("messages").at(0).at("date_sent").is_null());

  twilio_list.url += "&DateSent%3E=2000-01-01";
  const auto filtered = json::parse(Send(twilio_list).body);
  EXPECT_TRUE(filtered.at("messages").as_array().empty());
}

TEST(FakeProvider, DelayedAnswerDoesNotBlockOthers) {
  auto options = TestOptions();
  options.threads = 1;
  FakeProvider provider(options, ToolConfig{});
  provider.Start();
  FakeBehaviour behaviour;
  behaviour.delay = std::chrono::milliseconds(3000);
  provider.SetBehaviour(behaviour);

  std::atomic<bool> delayed_done{false};
  auto delayed = std::async(std::launch::async, [&] {
    auto client = http::MakeHttpClient(http::ClientOptions{.loopback_only = true});
    http::ClientRequest request;
    request.url = provider.BaseUrl() + "/2010-04-01/Accounts/AC1/Messages.json";
    auto result = client->Send(request);
    delayed_done = true;
    return result;
  });
  // The delayed send is recorded before its response, so wait for it through the long poll.
  auto client = http::MakeHttpClient(http::ClientOptions{.loopback_only = true});
  http::ClientRequest poll;
  poll.method = "GET";
  poll.url = provider.BaseUrl() + "/_fake/messages?since=0&wait_ms=20000";
  const auto polled = client->Send(poll);
  ASSERT_TRUE(std::holds_alternative<http::ClientResponse>(polled));
  EXPECT_EQ(std::get<http::ClientResponse>(polled).status, 200);
  EXPECT_FALSE(delayed_done.load());
  const auto answer = delayed.get();
  ASSERT_TRUE(std::holds_alternative<http::ClientResponse>(answer));
  EXPECT_EQ(std::get<http::ClientResponse>(answer).status, 401);
}

// Returns a tool config with one WhatsApp inbox, wa-main, whose statuses go to `public_url`.
ToolConfig WhatsAppToolConfig(const std::string& public_url) {
  ToolConfig config;
  config.public_url = public_url;
  ToolInbox inbox;
  inbox.id = "wa-main";
  inbox.channel = "whatsapp";
  inbox.settings = {{"phone_number_id", "200000000000001"}, {"app_secret", "wa_secret"}};
  config.inboxes.push_back(inbox);
  return config;
}

// Returns entry[0].changes[0].value.statuses[0] of a WhatsApp status webhook body.
json::value FirstStatus(const std::string& body) {
  return json::parse(body)
      .at("entry")
      .at(0)
      .at("changes")
      .at(0)
      .at("value")
      .at("statuses")
      .at(0);
}

// Returns a send request to wa-main's messages endpoint, without a body.
http::ClientRequest WhatsAppSendRequest(const FakeProvider& provider) {
  http::ClientRequest request;
  request.url = provider.BaseUrl() + "/v21.0/200000000000001/messages";
  request.headers.Set("Authorization", "Bearer token");
  request.headers.Set("Content-Type", "application/json");
  return request;
}

TEST(FakeProvider, WhatsAppSendAndSignedStatuses) {
  testing::RecordingServer receiver("/webhooks/whatsapp/{inbox}");
  FakeProvider provider(TestOptions(), WhatsAppToolConfig(receiver.BaseUrl()));
  provider.Start();

  auto client = http::MakeHttpClient(http::ClientOptions{.loopback_only = true});
  http::ClientRequest request = WhatsAppSendRequest(provider);
  request.body = R"({"messaging_product":"whatsapp","recipient_type":"individual",)"
                 R"("to":"14155550100","type":"text","text":{"body":"Hello"}})";
  const auto result = client->Send(request);
  ASSERT_TRUE(std::holds_alternative<http::ClientResponse>(result));
  const auto& response = std::get<http::ClientResponse>(result);
  ASSERT_EQ(response.status, 200);
  const auto body = json::parse(response.body);
  const std::string wamid(body.at("messages").at(0).at("id").as_string());
  EXPECT_TRUE(wamid.starts_with("wamid."));
  EXPECT_EQ(body.at("contacts").at(0).at("wa_id").as_string(), "14155550100");

  const auto callbacks = receiver.WaitFor(2, kWait);
  ASSERT_EQ(callbacks.size(), 2u);
  for (const auto& callback : callbacks) {
    EXPECT_EQ(callback.path, "/webhooks/whatsapp/wa-main");
    const auto signature = callback.headers.Get("X-Hub-Signature-256");
    ASSERT_TRUE(signature.has_value());
    EXPECT_TRUE(channels::whatsapp::VerifySignature("wa_secret", callback.body, *signature));
    const auto status = FirstStatus(callback.body);
    EXPECT_EQ(status.at("id").as_string(), wamid);
    EXPECT_EQ(status.at("recipient_id").as_string(), "14155550100");
  }

  request.headers.Set("Authorization", "");
  const auto unauthorized = client->Send(request);
  ASSERT_TRUE(std::holds_alternative<http::ClientResponse>(unauthorized));
  EXPECT_EQ(std::get<http::ClientResponse>(unauthorized).status, 401);
  EXPECT_EQ(json::parse(std::get<http::ClientResponse>(unauthorized).body)
                .at("error")
                .at("code")
                .as_int64(),
            190);
}

TEST(FakeProvider, WhatsAppHeldStatusesEchoCallbackData) {
  testing::RecordingServer receiver("/webhooks/whatsapp/{inbox}");
  FakeProvider provider(TestOptions(), WhatsAppToolConfig(receiver.BaseUrl()));
  provider.Start();
  FakeBehaviour hold;
  hold.callbacks = false;
  provider.SetBehaviour(hold);

  auto client = http::MakeHttpClient(http::ClientOptions{.loopback_only = true});
  http::ClientRequest request = WhatsAppSendRequest(provider);
  request.body = R"({"messaging_product":"whatsapp","recipient_type":"individual",)"
                 R"("to":"14155550100","type":"text","text":{"body":"Hello"},)"
                 R"("biz_opaque_callback_data":"mobilelink-outbox-7"})";
  const auto result = client->Send(request);
  ASSERT_TRUE(std::holds_alternative<http::ClientResponse>(result));
  ASSERT_EQ(std::get<http::ClientResponse>(result).status, 200);
  ASSERT_EQ(provider.Messages().size(), 1u);
  EXPECT_EQ(provider.Messages()[0].Field("biz_opaque_callback_data"), "mobilelink-outbox-7");
  EXPECT_EQ(provider.CallbacksDelivered(), 0u);

  EXPECT_EQ(provider.ReleaseHeldCallbacks(), 1u);
  EXPECT_EQ(provider.ReleaseHeldCallbacks(), 0u);
  const auto callbacks = receiver.WaitFor(2, kWait);
  ASSERT_EQ(callbacks.size(), 2u);
  for (const auto& callback : callbacks) {
    const auto status = FirstStatus(callback.body);
    EXPECT_EQ(status.at("biz_opaque_callback_data").as_string(), "mobilelink-outbox-7");
  }
}

TEST(FakeProvider, StateFileSurvivesRestart) {
  std::string dir_template = (std::filesystem::temp_directory_path() / "fake_XXXXXX").string();
  ASSERT_NE(mkdtemp(dir_template.data()), nullptr);
  auto options = TestOptions();
  options.state_path = std::filesystem::path(dir_template) / "sends.jsonl";
  auto client = http::MakeHttpClient(http::ClientOptions{.loopback_only = true});
  http::ClientRequest request;
  request.body = "To=%2B14155550100&From=%2B14155550199&Body=hi";
  request.headers.Set("Authorization", "Basic " + channels::common::Base64Encode("AC1:token"));

  {
    FakeProvider first(options, ToolConfig{});
    first.Start();
    request.url = first.BaseUrl() + "/2010-04-01/Accounts/AC1/Messages.json";
    for (int i = 0; i < 2; ++i) {
      const auto result = client->Send(request);
      ASSERT_TRUE(std::holds_alternative<http::ClientResponse>(result));
      ASSERT_EQ(std::get<http::ClientResponse>(result).status, 201);
    }
  }
  auto second_client = http::MakeHttpClient(http::ClientOptions{.loopback_only = true});
  FakeProvider second(options, ToolConfig{});
  second.Start();
  const auto restored = second.Messages();
  ASSERT_EQ(restored.size(), 2u);
  EXPECT_EQ(restored[0].to, "+14155550100");
  EXPECT_EQ(restored[1].seq, 2u);
  request.url = second.BaseUrl() + "/2010-04-01/Accounts/AC1/Messages.json";
  ASSERT_TRUE(std::holds_alternative<http::ClientResponse>(second_client->Send(request)));
  ASSERT_EQ(second.Messages().size(), 3u);
  EXPECT_EQ(second.Messages()[2].seq, 3u);
  std::filesystem::remove_all(dir_template);
}

}  // namespace
}  // namespace mobilelink::tools
