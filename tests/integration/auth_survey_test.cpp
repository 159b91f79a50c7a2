// Signed one-time links, the audit log, the knowledge base and surveys end to end: real HTTP, a
// real WebSocket and the fake provider over loopback, with the server's own SQLite file.

#include <cstdio>

#include "mobilelink/security/app_token.hpp"
#include "mobilelink/security/signed_link.hpp"
#include "mobilelink/store/store.hpp"
#include "server_fixture.hpp"
#include "websocket_client.hpp"

namespace mobilelink::integration {
namespace {

namespace json = boost::json;

constexpr char kCustomer[] = "+12025550177";
constexpr char kCsatQuestion[] = "How did we do today? Reply 1 to 5.";
constexpr char kThanks[] = "Thank you for your feedback.";
const std::string kFourStars = "\xE2\xAD\x90\xE2\xAD\x90\xE2\xAD\x90\xE2\xAD\x90";

class AuthSurvey : public ServerFixture {
 protected:
  AuthSurvey() {
    extra_config_yaml_ = std::string("surveys:\n") + "  csat_question: \"" + kCsatQuestion +
                         "\"\n" + "  thanks_message: \"" + kThanks + "\"\n" +
                         "auth:\n  links:\n    ttl_seconds: 600\n";
  }

  std::int64_t ConversationOf(const std::string& provider_message_id) {
    return Store().Integer("SELECT conversation_id FROM messages WHERE provider_message_id = '" +
                           provider_message_id + "'");
  }

  http::ClientResponse Resolve(std::int64_t conversation) {
    return Api("POST", "/api/v1/conversations/" + std::to_string(conversation) + "/resolve",
               Login("bob", kSupervisorPassword));
  }

  // Creates a signed link through a second store on the server's database file, as the flow
  // engine does inside the server.
  std::string CreateLink(std::int64_t conversation) {
    store::SqliteOptions options;
    options.path = StorePath().string();
    auto store = store::OpenSqliteStore(options);
    std::string url;
    const auto result = store->WriteAndWait([&](core::Repository& unit) {
      const auto link = security::CreateSignedLink(unit, public_url_, conversation, "verify",
                                                   std::chrono::minutes(10), core::Clock::now());
      url = link ? link->url : "";
    });
    store->Stop();
    EXPECT_TRUE(result.ok) << result.error;
    return url.substr(public_url_.size());
  }

  static std::string CsrfValue(const std::string& page) {
    const std::string marker = "name=\"csrf\" value=\"";
    const auto start = page.find(marker);
    if (start == std::string::npos) {
      return {};
    }
    const auto value_start = start + marker.size();
    return page.substr(value_start, page.find('"', value_start) - value_start);
  }

  http::ClientResponse PostForm(const std::string& path, const std::string& body,
                                const std::string& origin = {}) {
    http::Headers headers;
    headers.Set("Content-Type", "application/x-www-form-urlencoded");
    if (!origin.empty()) {
      headers.Set("Origin", origin);
    }
    return Request("POST", path, body, headers);
  }

  std::string RunAuditVerify(const std::string& database = {}) {
    const std::string path = database.empty() ? StorePath().string() : database;
    const std::string command =
        std::string(MOBILELINK_BINARY) + " audit verify --db '" + path + "' 2>&1";
    std::string output;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) {
      ADD_FAILURE() << "could not run " << command;
      return {};
    }
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
      output += buffer;
    }
    last_exit_code_ = WEXITSTATUS(::pclose(pipe));
    return output;
  }

  int last_exit_code_ = -1;
};

TEST_F(AuthSurvey, AuditVerifyMissingFileFails) {
  const auto missing = StorePath().parent_path() / "no-such-store.db";
  const std::string output = RunAuditVerify(missing.string());
  EXPECT_EQ(last_exit_code_, 2) << output;
  EXPECT_NE(output.find("not found"), std::string::npos) << output;
  EXPECT_FALSE(std::filesystem::exists(missing));
}

TEST_F(AuthSurvey, SmsSurveyAnsweredWithStars) {
  ASSERT_EQ(PostSms("SM-survey-1", kCustomer, "hello").status, 200);
  ASSERT_TRUE(WaitForSends(kGreetingAnswer));
  const std::int64_t conversation = ConversationOf("SM-survey-1");
  ASSERT_EQ(Resolve(conversation).status, 200);
  ASSERT_TRUE(WaitForSends(kCsatQuestion));

  ASSERT_EQ(PostSms("SM-survey-2", kCustomer, kFourStars).status, 200);
  ASSERT_TRUE(WaitForSends(kThanks));
  EXPECT_EQ(ConversationOf("SM-survey-2"), conversation);
  EXPECT_EQ(Store().Integer("SELECT score FROM surveys WHERE conversation_id = " +
                            std::to_string(conversation)),
            4);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM events WHERE type = 'survey.answered'"), 1);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM conversations"), 1);
}

TEST_F(AuthSurvey, SmsNonAnswerReachesBot) {
  ASSERT_EQ(PostSms("SM-survey-3", kCustomer, "hello").status, 200);
  const std::int64_t conversation = ConversationOf("SM-survey-3");
  ASSERT_EQ(Resolve(conversation).status, 200);
  ASSERT_TRUE(WaitForSends(kCsatQuestion));
  ASSERT_EQ(PostSms("SM-survey-4", kCustomer, "hello again").status, 200);
  ASSERT_TRUE(WaitForSends(kGreetingAnswer, 2));
  // A message within the reopen window reopens the resolved conversation.
  EXPECT_EQ(ConversationOf("SM-survey-4"), conversation);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM events WHERE type = 'conversation.reopened'"),
            1);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM events WHERE type = 'survey.answered'"), 0);
}

TEST_F(AuthSurvey, SmsFollowUpKeepsResolution) {
  ASSERT_EQ(PostSms("SM-survey-5", kCustomer, "hello").status, 200);
  ASSERT_TRUE(WaitForSends(kGreetingAnswer));
  const std::int64_t conversation = ConversationOf("SM-survey-5");
  ASSERT_EQ(Resolve(conversation).status, 200);
  ASSERT_TRUE(WaitForSends(kCsatQuestion));
  ASSERT_EQ(PostSms("SM-survey-6", kCustomer, "5").status, 200);
  ASSERT_TRUE(WaitForSends(kThanks));

  // A repeated score and a thank-you right after the answer stay on the resolved conversation.
  ASSERT_EQ(PostSms("SM-survey-7", kCustomer, "5").status, 200);
  ASSERT_EQ(PostSms("SM-survey-8", kCustomer, "Thanks!").status, 200);
  EXPECT_EQ(ConversationOf("SM-survey-7"), conversation);
  EXPECT_EQ(ConversationOf("SM-survey-8"), conversation);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM conversations WHERE status = 'resolved'"), 1);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM events WHERE type = 'conversation.reopened'"),
            0);
  ASSERT_TRUE(WaitForOutboxIdle());
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM messages WHERE direction = 'outbound' AND "
                            "conversation_id = " + std::to_string(conversation)),
            3);
}

TEST_F(AuthSurvey, WebchatSurveyAnswered) {
  WebSocketClient client;
  ASSERT_TRUE(client.Connect(app_->Port(), "/webchat/chat/socket", kWaitLimit).empty());
  ASSERT_TRUE(client.SendJson({{"type", "hello"}}, kWaitLimit));
  ASSERT_TRUE(client.ReadType("session", kWaitLimit).has_value());
  ASSERT_TRUE(
      client.SendJson({{"type", "message"}, {"client_id", "s-1"}, {"text", "hello"}}, kWaitLimit));
  const auto ack = client.ReadType("ack", kWaitLimit);
  ASSERT_TRUE(ack.has_value());
  const std::int64_t conversation = ack->at("conversation_id").as_int64();
  ASSERT_TRUE(client.ReadType("message", kWaitLimit).has_value());  // The greeting.

  ASSERT_EQ(Resolve(conversation).status, 200);
  const auto question = client.ReadType("message", kWaitLimit);
  ASSERT_TRUE(question.has_value());
  EXPECT_EQ(question->at("message").as_object().at("text").as_string(), kCsatQuestion);

  ASSERT_TRUE(
      client.SendJson({{"type", "message"}, {"client_id", "s-2"}, {"text", "4/5"}}, kWaitLimit));
  const auto answer_ack = client.ReadType("ack", kWaitLimit);
  ASSERT_TRUE(answer_ack.has_value());
  EXPECT_EQ(answer_ack->at("conversation_id").as_int64(), conversation);
  const auto thanks = client.ReadType("message", kWaitLimit);
  ASSERT_TRUE(thanks.has_value());
  EXPECT_EQ(thanks->at("message").as_object().at("text").as_string(), kThanks);
  EXPECT_EQ(Store().Integer("SELECT score FROM surveys WHERE conversation_id = " +
                            std::to_string(conversation)),
            4);
}

TEST_F(AuthSurvey, SignedLinkConfirmsOnce) {
  ASSERT_EQ(PostSms("SM-link-1", kCustomer, "hello").status, 200);
  const std::int64_t conversation = ConversationOf("SM-link-1");
  const std::string path = CreateLink(conversation);
  ASSERT_EQ(path.rfind("/auth/link/", 0), 0u) << path;

  const auto page = Request("GET", path);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.headers.Get("Cache-Control").value_or(""), "no-store");
  const std::string csrf = CsrfValue(page.body);
  ASSERT_FALSE(csrf.empty());
  // Opening the page twice changes nothing.
  EXPECT_EQ(Request("GET", path).status, 200);

  EXPECT_EQ(PostForm(path, "csrf=wrong").status, 403);
  EXPECT_EQ(PostForm(path, "csrf=" + csrf, "https://evil.example").status, 403);
  const auto confirmed = PostForm(path, "csrf=" + csrf, public_url_);
  EXPECT_EQ(confirmed.status, 200) << confirmed.body;
  const auto again = PostForm(path, "csrf=" + csrf);
  EXPECT_EQ(again.status, 410);
  EXPECT_NE(again.body.find("already been used"), std::string::npos);
  EXPECT_EQ(Request("GET", path).status, 410);
  EXPECT_EQ(Request("GET", "/auth/link/unknown-token").status, 404);

  const auto shown = Api("GET", "/api/v1/conversations/" + std::to_string(conversation),
                         Login("bob", kSupervisorPassword));
  ASSERT_EQ(shown.status, 200) << shown.body;
  const auto body = ParseJson(shown.body).as_object();
  EXPECT_EQ(body.at("authentication").as_object().at("level").as_string(), "link");
}

TEST_F(AuthSurvey, AuditChainCoversAgentReads) {
  ASSERT_EQ(PostSms("SM-audit-1", kCustomer, "hello").status, 200);
  const std::int64_t conversation = ConversationOf("SM-audit-1");
  const std::string token = Login("bob", kSupervisorPassword);
  const std::string base = "/api/v1/conversations/" + std::to_string(conversation);
  ASSERT_EQ(Api("GET", base, token).status, 200);
  ASSERT_EQ(Api("GET", base + "/messages", token).status, 200);
  ASSERT_EQ(
      Api("POST", base + "/notes", token, R"({"text":"Customer moved to 42 Elm Street"})").status,
      201);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM audit_log WHERE action = 'conversation.read'"),
            1);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM audit_log WHERE action = 'transcript.read'"), 1);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM audit_log WHERE action = 'note.added' AND "
                            "new_value LIKE 'C%et' AND new_value NOT LIKE '%Elm%'"),
            1);

  StopServers();
  const std::string intact = RunAuditVerify();
  EXPECT_EQ(last_exit_code_, 0) << intact;
  EXPECT_NE(intact.find("3 rows checked"), std::string::npos) << intact;

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(StorePath().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE audit_log SET actor_id = '99' WHERE id = 2", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  const std::string broken = RunAuditVerify();
  EXPECT_EQ(last_exit_code_, 1) << broken;
  EXPECT_NE(broken.find("broken at row 2"), std::string::npos) << broken;
}

constexpr char kAppKey[] = "itest_app_token_key_0123456789abcdef";

class AppTokenRoute : public ServerFixture {
 protected:
  AppTokenRoute() {
    extra_config_yaml_ =
        std::string("auth:\n  app_token:\n    key: ") + kAppKey + "\n    inboxes: [chat]\n";
  }

  http::ClientResponse PostAppToken(const std::string& session_token, const std::string& token) {
    http::Headers headers;
    headers.Set("Content-Type", "application/json");
    return Request(
        "POST", "/auth/app-token",
        json::serialize(json::object{{"session_token", session_token}, {"token", token}}), headers);
  }
};

TEST_F(AppTokenRoute, VerifiesWebchatSession) {
  WebSocketClient client;
  ASSERT_TRUE(client.Connect(app_->Port(), "/webchat/chat/socket", kWaitLimit).empty());
  ASSERT_TRUE(client.SendJson({{"type", "hello"}}, kWaitLimit));
  const auto session = client.ReadType("session", kWaitLimit);
  ASSERT_TRUE(session.has_value());
  const std::string session_token(session->at("token").as_string());
  EXPECT_EQ(PostAppToken(session_token, "x").status, 409);  // No conversation yet.

  ASSERT_TRUE(
      client.SendJson({{"type", "message"}, {"client_id", "a-1"}, {"text", "hello"}}, kWaitLimit));
  const auto ack = client.ReadType("ack", kWaitLimit);
  ASSERT_TRUE(ack.has_value());
  const std::int64_t conversation = ack->at("conversation_id").as_int64();
  const std::string visitor = Store().Text("SELECT visitor_id FROM webchat_sessions LIMIT 1");

  // The app backend's side: a JWT for the visitor, signed with the shared key.
  const security::AppTokenVerifier backend({.key = kAppKey});
  const auto expires = core::Clock::now() + std::chrono::minutes(5);
  std::string tampered = backend.SignJwt(visitor, expires);
  tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'A' ? 'B' : 'A';
  const auto rejected = PostAppToken(session_token, tampered);
  EXPECT_EQ(rejected.status, 401);
  EXPECT_EQ(ErrorCode(rejected.body), "invalid_app_token");
  EXPECT_EQ(PostAppToken(session_token, backend.SignJwt("someone-else", expires)).status, 401);

  const auto accepted = PostAppToken(session_token, backend.SignJwt(visitor, expires));
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  const auto shown = Api("GET", "/api/v1/conversations/" + std::to_string(conversation),
                         Login("bob", kSupervisorPassword));
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(
      ParseJson(shown.body).as_object().at("authentication").as_object().at("level").as_string(),
      "app");
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM events WHERE type = 'auth.failed'"), 2);
}

// The knowledge-base routes with a manual clock, so article ages are exact.
class KnowledgeApi : public ServerFixture {
 protected:
  KnowledgeApi() { use_manual_clock_ = true; }

  std::size_t ArticleCount(const std::string& query, const std::string& token) {
    const auto response = Api("GET", "/api/v1/articles" + query, token);
    EXPECT_EQ(response.status, 200) << response.body;
    return ParseJson(response.body).as_object().at("articles").as_array().size();
  }
};

TEST_F(KnowledgeApi, SuggestionsFromLatestCustomerMessage) {
  ASSERT_EQ(PostSms("SM-kb-1", kCustomer, "where is my order, I want to track it").status, 200);
  const std::int64_t conversation =
      Store().Integer("SELECT conversation_id FROM messages WHERE provider_message_id = 'SM-kb-1'");
  const auto response =
      Api("GET", "/api/v1/conversations/" + std::to_string(conversation) + "/suggestions",
          Login("bob", kSupervisorPassword));
  ASSERT_EQ(response.status, 200) << response.body;
  const auto body = ParseJson(response.body).as_object();
  const auto& suggestions = body.at("suggestions").as_array();
  ASSERT_EQ(suggestions.size(), 1u);
  EXPECT_EQ(suggestions[0].as_object().at("title").as_string(), "Track an order");
  EXPECT_GT(suggestions[0].as_object().at("score").as_double(), 0);
  EXPECT_EQ(body.at("query").as_string(), "where is my order, I want to track it");
}

TEST_F(KnowledgeApi, SuggestionsRejectBadId) {
  const auto response =
      Api("GET", "/api/v1/conversations/abc/suggestions", Login("bob", kSupervisorPassword));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCode(response.body), "invalid_id");
  EXPECT_EQ(Api("GET", "/api/v1/conversations/1/suggestions", "").status, 401);
}

TEST_F(KnowledgeApi, ArticlesStaleAfterThirtyDays) {
  std::string token = Login("alice", kAgentPassword);
  EXPECT_EQ(ArticleCount("", token), 1u);
  EXPECT_EQ(ArticleCount("?stale=true", token), 0u);
  manual_clock_.Advance(std::chrono::hours(24 * 30));
  token = Login("alice", kAgentPassword);  // Access tokens last 12 hours.
  EXPECT_EQ(ArticleCount("?stale=true", token), 1u);
  EXPECT_EQ(ArticleCount("?stale=false", token), 0u);
  EXPECT_EQ(Api("GET", "/api/v1/articles?stale=maybe", token).status, 400);
}

TEST_F(KnowledgeApi, ImportNeedsSupervisor) {
  EXPECT_EQ(Api("POST", "/api/v1/articles/import", Login("alice", kAgentPassword)).status, 403);
  const auto response = Api("POST", "/api/v1/articles/import", Login("bob", kSupervisorPassword));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(ParseJson(response.body).as_object().at("unchanged").as_int64(), 1);
}

}  // namespace
}  // namespace mobilelink::integration
