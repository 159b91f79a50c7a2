// Table-driven inbound cases for each channel, posted to the real server over loopback and then
// replayed once, as a provider retry would be. The replay must get the same status and change
// nothing: the same row counts and no second send at the fake provider.

#include <map>

#include "mobilelink/channels/testing/adapter_harness.hpp"
#include "server_fixture.hpp"

namespace mobilelink::integration {
namespace {

using channels::testing::CaseName;
using channels::testing::InboundCase;
using channels::testing::ReadFixture;

// Tables whose row counts a replay must leave unchanged.
constexpr const char* kCountedTables[] = {"messages",      "contacts", "contact_identities",
                                          "conversations", "outbox",   "events",
                                          "opt_outs",      "orphan_statuses"};

channels::testing::SignatureHook TwilioSigner(std::string auth_token) {
  return [auth_token](const std::string& body, const std::string& url) {
    const auto params = channels::common::ParseForm(body);
    return std::optional<std::string>(channels::twilio_sms::ComputeSignature(
        auth_token, url, params.value_or(channels::common::FormPairs{})));
  };
}

channels::testing::SignatureHook WhatsAppSigner(std::string app_secret) {
  return [app_secret](const std::string& body, const std::string&) {
    return std::optional<std::string>(channels::whatsapp::ComputeSignature(app_secret, body));
  };
}

InboundCase TwilioCase(std::string name, std::string fixture, int http_status,
                       bool status_route = false) {
  InboundCase row;
  row.name = std::move(name);
  row.fixture = std::move(fixture);
  row.content_type = "application/x-www-form-urlencoded";
  row.status_route = status_route;
  row.sign = TwilioSigner(kTwilioAuthToken);
  row.http_status = http_status;
  return row;
}

InboundCase WhatsAppCase(std::string name, std::string fixture, int http_status) {
  InboundCase row;
  row.name = std::move(name);
  row.fixture = std::move(fixture);
  row.content_type = "application/json";
  row.sign = WhatsAppSigner(kWhatsAppSecret);
  row.http_status = http_status;
  return row;
}

std::vector<InboundCase> TwilioCases() {
  InboundCase wrong_token = TwilioCase("SignatureInvalid", "inbound_text.form", 403);
  wrong_token.sign = TwilioSigner("not_the_auth_token");
  InboundCase unsigned_text = TwilioCase("SignatureMissing", "inbound_text.form", 403);
  unsigned_text.sign = nullptr;
  InboundCase wrong_media = TwilioCase("WrongContentType", "inbound_text.form", 415);
  wrong_media.content_type = "application/json";
  return {
      TwilioCase("InboundText", "inbound_text.form", 200),
      TwilioCase("InboundMmsTwoImages", "inbound_mms_two_images.form", 200),
      TwilioCase("InboundWithProfileName", "inbound_whatsapp_profile.form", 200),
      TwilioCase("InboundNationalFrom", "inbound_national_from.form", 200),
      TwilioCase("InboundMissingSid", "inbound_missing_sid.form", 400),
      TwilioCase("InboundBadFrom", "inbound_bad_from.form", 400),
      TwilioCase("InboundOtherAccount", "inbound_other_account.form", 400),
      TwilioCase("InboundBadEscape", "inbound_bad_escape.form", 400),
      wrong_token,
      unsigned_text,
      wrong_media,
      TwilioCase("StatusDelivered", "status_delivered.form", 200, true),
      TwilioCase("StatusUndelivered", "status_undelivered.form", 200, true),
      TwilioCase("StatusReceived", "status_received.form", 200, true),
      TwilioCase("StatusMissingStatus", "status_missing_status.form", 400, true),
  };
}

std::vector<InboundCase> WhatsAppCases() {
  InboundCase wrong_secret = WhatsAppCase("SignatureInvalid", "inbound_text.json", 403);
  wrong_secret.sign = WhatsAppSigner("not_the_app_secret");
  InboundCase unsigned_text = WhatsAppCase("SignatureMissing", "inbound_text.json", 403);
  unsigned_text.sign = nullptr;
  return {
      WhatsAppCase("InboundText", "inbound_text.json", 200),
      WhatsAppCase("InboundImage", "inbound_image.json", 200),
      WhatsAppCase("InboundInteractiveButton", "inbound_interactive_button.json", 200),
      WhatsAppCase("InboundLocation", "inbound_location.json", 200),
      WhatsAppCase("InboundBatchTwoMessages", "inbound_batch_two_messages.json", 200),
      WhatsAppCase("StatusRead", "status_read.json", 200),
      WhatsAppCase("StatusFailed", "status_failed.json", 200),
      WhatsAppCase("ReactionOnly", "inbound_reaction_only.json", 200),
      WhatsAppCase("OtherPhoneNumber", "other_phone_number.json", 200),
      WhatsAppCase("UnknownObject", "unknown_object.json", 200),
      WhatsAppCase("InboundMissingId", "inbound_missing_id.json", 400),
      wrong_secret,
      unsigned_text,
  };
}

class LoopbackReplay : public ServerFixture {
 protected:
  void SetUp() override {
    ServerFixture::SetUp();
    if (HasFatalFailure()) {
      return;
    }
    // Status callbacks from the fake provider would add rows while the counts are compared.
    tools::FakeBehaviour behaviour;
    behaviour.callbacks = false;
    fake_->SetBehaviour(behaviour);
  }

  // Posts the row's fixture to `base_path` (plus /status for status rows) and returns the
  // HTTP status.
  int Post(const InboundCase& row, const std::string& channel, const std::string& base_path) {
    const std::string path = base_path + (row.status_route ? "/status" : "");
    const std::string body = ReadFixture(channel, row.fixture);
    http::Headers headers;
    headers.Set("Content-Type", row.content_type);
    if (row.sign) {
      if (auto signature = row.sign(body, public_url_ + path)) {
        headers.Set(channel == "whatsapp" ? "X-Hub-Signature-256" : "X-Twilio-Signature",
                    *signature);
      }
    }
    const auto response = Request(row.method, path, body, headers);
    EXPECT_EQ(response.status, row.http_status) << response.body;
    return response.status;
  }

  // Returns the row count of every counted table and the number of requests at the fake.
  std::map<std::string, std::int64_t> Snapshot() const {
    std::map<std::string, std::int64_t> counts;
    for (const char* table : kCountedTables) {
      counts[table] = Store().Integer(std::string("SELECT COUNT(*) FROM ") + table);
    }
    counts["fake provider requests"] = static_cast<std::int64_t>(fake_->Messages().size());
    return counts;
  }

  void PostAndReplay(const InboundCase& row, const std::string& channel,
                     const std::string& base_path) {
    const int first = Post(row, channel, base_path);
    ASSERT_TRUE(WaitForOutboxIdle());
    const auto before = Snapshot();
    if (row.http_status == 200 && !row.status_route && row.name.starts_with("Inbound")) {
      EXPECT_GT(before.at("messages"), 0) << "an accepted inbound case stored no message";
    }
    if (row.http_status >= 400) {
      EXPECT_EQ(before.at("messages"), 0);
      EXPECT_EQ(before.at("orphan_statuses"), 0);
    }

    const int replay = Post(row, channel, base_path);
    EXPECT_EQ(replay, first);
    ASSERT_TRUE(WaitForOutboxIdle());
    const auto after = Snapshot();
    for (const auto& [name, count] : before) {
      EXPECT_EQ(after.at(name), count) << name << " changed on replay";
    }
  }
};

class TwilioLoopback : public LoopbackReplay,
                       public ::testing::WithParamInterface<InboundCase> {};

TEST_P(TwilioLoopback, ReplayChangesNothing) {
  PostAndReplay(GetParam(), "twilio_sms", "/webhooks/twilio/sms");
}

INSTANTIATE_TEST_SUITE_P(Fixtures, TwilioLoopback, ::testing::ValuesIn(TwilioCases()), CaseName);

class WhatsAppLoopback : public LoopbackReplay,
                         public ::testing::WithParamInterface<InboundCase> {};

TEST_P(WhatsAppLoopback, ReplayChangesNothing) {
  PostAndReplay(GetParam(), "whatsapp", "/webhooks/whatsapp/whatsapp");
}

INSTANTIATE_TEST_SUITE_P(Fixtures, WhatsAppLoopback, ::testing::ValuesIn(WhatsAppCases()),
                         CaseName);

}  // namespace
}  // namespace mobilelink::integration
