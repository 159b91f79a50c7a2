// Flows that wait for an app token (in-app chat) or a signed one-time link (mobile web), over
// the real server. POST /auth/app-token and the link pages resume the waiting flow. Rejected
// tokens and reused links change nothing, and a wait survives a restart.

#include <yaml-cpp/yaml.h>

#include "mobilelink/security/app_token.hpp"
#include "server_fixture.hpp"
#include "websocket_client.hpp"

namespace mobilelink::integration {
namespace {

namespace json = boost::json;

constexpr char kAppKey[] = "itest_app_token_key_0123456789abcdef0123";
constexpr char kAppPrompt[] = "Open the app to confirm it is you.";
constexpr char kAppDone[] = "Verified by the app.";
constexpr char kLinkDone[] = "Verified by the link.";
constexpr char kLinkPrefix[] = "Tap to confirm: ";
constexpr char kCustomer[] = "+12025550166";

class FlowVerification : public ServerFixture {
 protected:
  // The fixture's config with two flows, one per method, and `chat` as an in-app chat inbox.
  [[nodiscard]] std::string AdjustConfigYaml(std::string yaml) const override {
    YAML::Node config = YAML::Load(yaml);
    config["bot"]["rules"].push_back(
        YAML::Load(R"({name: app_check, phrases: ["check with app"]})"));
    config["bot"]["rules"].push_back(
        YAML::Load(R"({name: link_check, phrases: ["check with link"]})"));
    config["flows"] = YAML::Load(std::string(R"(
      - name: app_check
        intents: [app_check]
        steps:
          - id: verify
            authenticate: app
            prompt: ")") + kAppPrompt + R"("
            max_retries: 5
          - id: done
            end: ")" + kAppDone + R"("
      - name: link_check
        intents: [link_check]
        steps:
          - id: verify
            authenticate: link
            link_message: ")" + kLinkPrefix + R"({{link}}"
          - id: done
            end: ")" + kLinkDone + R"("
    )");
    config["auth"] = YAML::Load(std::string("{app_token: {key: ") + kAppKey +
                                ", inboxes: [chat]}, links: {ttl_seconds: 600}}");
    YAML::Emitter out;
    out << config;
    return out.c_str();
  }

  static security::AppTokenVerifier Signer() { return security::AppTokenVerifier({kAppKey}); }

  // Opens a web chat session, starts the app flow and returns the session token.
  std::string StartAppFlow(WebSocketClient& client) {
    EXPECT_TRUE(client.Connect(app_->Port(), "/webchat/chat/socket", kWaitLimit).empty());
    EXPECT_TRUE(client.SendJson({{"type", "hello"}}, kWaitLimit));
    const auto session = client.ReadType("session", kWaitLimit);
    EXPECT_TRUE(session.has_value());
    // The app backend signs its token for the visitor id that the session frame carries.
    visitor_id_ = session ? std::string(session->at("visitor_id").as_string()) : std::string();
    EXPECT_TRUE(client.SendJson(
        {{"type", "message"}, {"client_id", "a-1"}, {"text", "check with app"}}, kWaitLimit));
    EXPECT_EQ(NextText(client), kAppPrompt);
    return session ? std::string(session->at("token").as_string()) : std::string();
  }

  static std::string NextText(WebSocketClient& client) {
    const auto frame = client.ReadType("message", kWaitLimit);
    return frame ? std::string(frame->at("message").as_object().at("text").as_string())
                 : std::string();
  }

  std::string VisitorId() const {
    EXPECT_EQ(visitor_id_,
              Store().Texts("SELECT value FROM contact_identities WHERE kind = 'webchat'").at(0));
    return visitor_id_;
  }

  http::ClientResponse PostAppToken(const std::string& session, const std::string& token) const {
    http::Headers headers;
    headers.Set("Content-Type", "application/json");
    return Request("POST", "/auth/app-token",
                   json::serialize(json::object{{"session_token", session}, {"token", token}}),
                   headers);
  }

  std::int64_t Verifications() const {
    return Store().Integer("SELECT COUNT(*) FROM auth_verifications");
  }

  // Waits for the link SMS to the customer and returns the link's path.
  std::string LinkPath(std::size_t previous_links = 0) const {
    std::string text;
    EXPECT_TRUE(WaitUntil([&] {
      std::size_t links = 0;
      for (const auto& send : fake_->Messages()) {
        if (send.text.rfind(kLinkPrefix, 0) == 0) {
          ++links;
          text = send.text;
        }
      }
      return links > previous_links;
    }));
    const auto start = text.find("/auth/link/");
    return start == std::string::npos ? std::string() : text.substr(start);
  }

  // Opens the link page and returns the CSRF value of its confirmation form.
  std::string CsrfOf(const std::string& path) const {
    const auto page = Request("GET", path);
    const std::string marker = "name=\"csrf\" value=\"";
    const auto start = page.body.find(marker);
    if (start == std::string::npos) {
      return {};
    }
    const auto value_start = start + marker.size();
    return page.body.substr(value_start, page.body.find('"', value_start) - value_start);
  }

  http::ClientResponse PostConfirmation(const std::string& path, const std::string& csrf) const {
    http::Headers headers;
    headers.Set("Content-Type", "application/x-www-form-urlencoded");
    return Request("POST", path, "csrf=" + csrf, headers);
  }

  void Restart() {
    const std::uint16_t port = app_->Port();
    StopServers();
    tools::FakeProviderOptions fake_options;
    fake_options.loopback_callbacks_only = true;
    StartServers(fake_options, port);
  }

  std::string visitor_id_;
};

// Returns `token` with the character at `index` replaced by another base64url character.
std::string ChangeByte(std::string token, std::size_t index) {
  token[index] = token[index] == 'A' ? 'B' : 'A';
  return token;
}

TEST_F(FlowVerification, AppTokenChecksBeforeContinuing) {
  WebSocketClient client;
  const std::string session = StartAppFlow(client);
  const std::string visitor = VisitorId();
  const auto now = core::Clock::now();
  const std::string valid = Signer().SignJwt(visitor, now + std::chrono::minutes(5));
  const auto payload_start = valid.find('.') + 1;
  const auto signature_start = valid.rfind('.') + 1;

  const std::vector<std::pair<std::string, std::string>> rejected{
      {ChangeByte(valid, payload_start + 5), "invalid_signature"},
      {ChangeByte(valid, signature_start + 10), "invalid_signature"},
      {Signer().SignJwt(visitor, now - std::chrono::hours(1)), "expired"},
      {Signer().SignJwt("another-user", now + std::chrono::minutes(5)), "wrong_subject"}};
  for (std::size_t i = 0; i < rejected.size(); ++i) {
    const auto response = PostAppToken(session, rejected[i].first);
    EXPECT_EQ(response.status, 401) << rejected[i].second;
    EXPECT_NE(response.body.find(rejected[i].second), std::string::npos) << response.body;
    // Each rejection counts as an invalid attempt, and the flow sends its prompt again.
    EXPECT_EQ(NextText(client), kAppPrompt) << rejected[i].second;
    EXPECT_EQ(Store().Integer("SELECT retries FROM flow_states"), static_cast<std::int64_t>(i + 1));
  }
  EXPECT_EQ(Verifications(), 0);
  EXPECT_EQ(Store().Text("SELECT awaiting FROM flow_states"), "app");
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM events WHERE type = 'auth.failed'"), 4);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM events WHERE type = 'flow.completed'"), 0);

  const auto accepted = PostAppToken(session, valid);
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(NextText(client), kAppDone);
  EXPECT_EQ(Verifications(), 1);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM flow_states"), 0);
}

TEST_F(FlowVerification, AppWaitSurvivesRestart) {
  std::string session;
  {
    WebSocketClient client;
    session = StartAppFlow(client);
  }
  const std::string visitor = VisitorId();
  Restart();
  EXPECT_EQ(Store().Text("SELECT awaiting FROM flow_states"), "app");
  const auto accepted =
      PostAppToken(session, Signer().SignJwt(visitor, core::Clock::now() + std::chrono::minutes(5)));
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_TRUE(WaitUntil([&] {
    return Store().Integer(std::string("SELECT COUNT(*) FROM messages WHERE text = '") + kAppDone +
                           "'") == 1;
  }));
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM flow_states"), 0);
}

TEST_F(FlowVerification, LinkConfirmsOnceAndContinues) {
  ASSERT_EQ(PostSms("SM-link-flow-1", kCustomer, "check with link").status, 200);
  const std::string path = LinkPath();
  ASSERT_EQ(path.rfind("/auth/link/", 0), 0u) << path;
  // The transcript stores the message without the link's token.
  EXPECT_EQ(Store().Integer(std::string("SELECT COUNT(*) FROM messages WHERE text = '") +
                            kLinkPrefix + public_url_ + "/auth/link/[hidden]'"),
            1);
  EXPECT_EQ(Store().Text("SELECT awaiting FROM flow_states"), "link");

  const std::string csrf = CsrfOf(path);
  ASSERT_FALSE(csrf.empty());
  const auto confirmed = PostConfirmation(path, csrf);
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  ASSERT_TRUE(WaitForSends(kLinkDone));
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM flow_states"), 0);

  // A reused link is rejected and changes nothing.
  const auto reused = PostConfirmation(path, csrf);
  EXPECT_EQ(reused.status, 410);
  EXPECT_NE(reused.body.find("already been used"), std::string::npos);
  EXPECT_EQ(Verifications(), 1);
  EXPECT_EQ(SendsWithText(kLinkDone).size(), 1u);
}

TEST_F(FlowVerification, LinkWaitSurvivesRestart) {
  ASSERT_EQ(PostSms("SM-link-flow-2", kCustomer, "check with link").status, 200);
  const std::string path = LinkPath();
  ASSERT_FALSE(path.empty());
  Restart();
  EXPECT_EQ(Store().Text("SELECT awaiting FROM flow_states"), "link");
  const auto confirmed = PostConfirmation(path, CsrfOf(path));
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  EXPECT_TRUE(WaitForSends(kLinkDone));
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM flow_states"), 0);
}

class FlowVerificationClock : public FlowVerification {
 protected:
  FlowVerificationClock() { use_manual_clock_ = true; }
};

TEST_F(FlowVerificationClock, ExpiredLinkChangesNothing) {
  ASSERT_EQ(PostSms("SM-link-flow-3", kCustomer, "check with link").status, 200);
  const std::string path = LinkPath();
  const std::string csrf = CsrfOf(path);
  ASSERT_FALSE(csrf.empty());
  manual_clock_.Advance(std::chrono::seconds(601));

  const auto expired = PostConfirmation(path, csrf);
  EXPECT_EQ(expired.status, 410);
  EXPECT_NE(expired.body.find("expired"), std::string::npos);
  EXPECT_EQ(Verifications(), 0);
  EXPECT_EQ(Store().Text("SELECT awaiting FROM flow_states"), "link");

  // A message from the customer while the flow waits sends a new link, which works.
  ASSERT_EQ(PostSms("SM-link-flow-4", kCustomer, "the link expired").status, 200);
  const std::string renewed = LinkPath(1);
  ASSERT_FALSE(renewed.empty());
  EXPECT_NE(renewed, path);
  ASSERT_EQ(PostConfirmation(renewed, CsrfOf(renewed)).status, 200);
  EXPECT_TRUE(WaitForSends(kLinkDone));
  EXPECT_EQ(Verifications(), 1);
}

}  // namespace
}  // namespace mobilelink::integration
