// Web chat attachments and the survey prompt over the real server. Covers the upload with the
// chat's session token, the content check, the message that sends the file, who may download
// it with which headers, the survey frame with its one answer, and the feed's subprotocol.

#include <sqlite3.h>

#include "server_fixture.hpp"
#include "websocket_client.hpp"

namespace mobilelink::integration {
namespace {

namespace json = boost::json;

constexpr char kQuestion[] = "How did we do? Tap 1 to 5.";
constexpr char kThanks[] = "Thanks for rating us.";
const std::string kPng("\x89PNG\r\n\x1A\n\0\0\0\rIHDR-png-body", 25);
const std::string kPdf = "%PDF-1.4\n1 0 obj\n<<>>\nendobj\n";
const std::string kHostileName = "<img src=x onerror=alert(1)>.png";

std::string Text(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
}

class Attachments : public ServerFixture {
 protected:
  Attachments() {
    extra_config_yaml_ = std::string("surveys:\n  csat_question: \"") + kQuestion +
                         "\"\n  thanks_message: \"" + kThanks + "\"\n";
  }

  // Opens a chat and returns its session token.
  std::string StartChat(WebSocketClient& client) {
    const auto error = client.Connect(app_->Port(), "/webchat/chat/socket", kWaitLimit);
    EXPECT_TRUE(error.empty()) << error;
    EXPECT_TRUE(client.SendJson({{"type", "hello"}}, kWaitLimit));
    const auto session = client.ReadType("session", kWaitLimit);
    return session ? Text(*session, "token") : std::string();
  }

  http::ClientResponse Upload(const std::string& token, std::string body,
                              const std::string& content_type, const std::string& name) const {
    http::Headers headers;
    if (!token.empty()) {
      headers.Set("Authorization", "Bearer " + token);
    }
    headers.Set("Content-Type", content_type);
    return Request("POST", "/webchat/chat/attachments?name=" + http::EncodeFormComponent(name),
                   std::move(body), headers);
  }

  // Uploads `body` and returns the attachment id, or an empty string.
  std::string UploadId(const std::string& token, const std::string& body,
                       const std::string& content_type, const std::string& name) const {
    const auto response = Upload(token, body, content_type, name);
    EXPECT_EQ(response.status, 201) << response.body;
    const auto parsed = ParseJson(response.body);
    return parsed.is_object() ? Text(parsed.as_object(), "id") : std::string();
  }

  // Sends a message with an attachment and returns the ack, or nullopt after an error frame.
  static std::optional<json::object> SendAttachment(WebSocketClient& client,
                                                    const std::string& client_id,
                                                    const std::string& attachment_id) {
    EXPECT_TRUE(client.SendJson(
        {{"type", "message"}, {"client_id", client_id}, {"text", ""},
         {"attachment_id", attachment_id}},
        kWaitLimit));
    return client.ReadType("ack", kWaitLimit);
  }

  http::ClientResponse Download(const std::string& id, const std::string& token) const {
    return Api("GET", "/api/v1/attachments/" + id, token);
  }

  std::int64_t Count(const std::string& table) const {
    return Store().Integer("SELECT COUNT(*) FROM " + table);
  }
};

TEST_F(Attachments, UploadSendAndDownload) {
  WebSocketClient client;
  const std::string token = StartChat(client);
  const auto uploaded = Upload(token, kPng, "image/png", kHostileName);
  ASSERT_EQ(uploaded.status, 201) << uploaded.body;
  const auto body = ParseJson(uploaded.body).as_object();
  const std::string id = Text(body, "id");
  EXPECT_EQ(Text(body, "file_name"), kHostileName);
  EXPECT_EQ(Text(body, "content_type"), "image/png");
  EXPECT_EQ(body.at("size_bytes").as_int64(), static_cast<std::int64_t>(kPng.size()));
  EXPECT_EQ(Text(body, "url"), "/api/v1/attachments/" + id);

  const auto ack = SendAttachment(client, "a-1", id);
  ASSERT_TRUE(ack.has_value());
  const std::int64_t message_id = ack->at("message_id").as_int64();
  const std::int64_t conversation = ack->at("conversation_id").as_int64();
  EXPECT_EQ(Store().Integer("SELECT message_id FROM attachments WHERE id = '" + id + "'"),
            message_id);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM events WHERE type = 'attachment.uploaded'"), 1);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM events WHERE type = 'attachment.sent' AND "
                            "message_id = " + std::to_string(message_id)),
            1);

  // The transcript API carries the attachment on the message.
  const auto transcript = Api("GET", "/api/v1/conversations/" + std::to_string(conversation) +
                                         "/messages", Login("bob", kSupervisorPassword));
  ASSERT_EQ(transcript.status, 200) << transcript.body;
  const auto messages = ParseJson(transcript.body).as_object().at("messages").as_array();
  ASSERT_FALSE(messages.empty());
  const auto& media = messages.front().as_object().at("media").as_array();
  ASSERT_EQ(media.size(), 1u);
  EXPECT_EQ(Text(media[0].as_object(), "url"), "/api/v1/attachments/" + id);
  EXPECT_EQ(Text(media[0].as_object(), "content_type"), "image/png");
  EXPECT_EQ(Text(media[0].as_object(), "file_name"), kHostileName);

  // The visitor downloads it with the chat's token; an image is inline with a strict type.
  const auto file = Download(id, token);
  ASSERT_EQ(file.status, 200) << file.body;
  EXPECT_EQ(file.body, kPng);
  EXPECT_EQ(file.headers.Get("Content-Type").value_or(""), "image/png");
  EXPECT_EQ(file.headers.Get("X-Content-Type-Options").value_or(""), "nosniff");
  EXPECT_EQ(file.headers.Get("Content-Security-Policy").value_or(""),
            "default-src 'none'; sandbox");
  const std::string disposition = file.headers.Get("Content-Disposition").value_or("");
  EXPECT_TRUE(disposition.starts_with("inline; ")) << disposition;
  EXPECT_NE(disposition.find("filename*=UTF-8''%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.png"),
            std::string::npos)
      << disposition;
}

TEST_F(Attachments, PdfDownloadsAsAttachment) {
  WebSocketClient client;
  const std::string token = StartChat(client);
  const std::string id = UploadId(token, kPdf, "application/pdf", "invoice.pdf");
  ASSERT_TRUE(SendAttachment(client, "p-1", id).has_value());
  const auto file = Download(id, token);
  ASSERT_EQ(file.status, 200) << file.body;
  EXPECT_EQ(file.headers.Get("Content-Type").value_or(""), "application/pdf");
  EXPECT_EQ(file.headers.Get("Content-Disposition").value_or(""),
            "attachment; filename=\"invoice.pdf\"; filename*=UTF-8''invoice.pdf");
}

TEST_F(Attachments, UploadAtLimitIsStored) {
  WebSocketClient client;
  const std::string token = StartChat(client);
  std::string at_limit = kPng;
  at_limit.resize(5 * 1024 * 1024, 'x');
  const std::string id = UploadId(token, at_limit, "image/png", "large.png");
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(Store().Integer("SELECT size_bytes FROM attachments WHERE id = '" + id + "'"),
            5 * 1024 * 1024);
  EXPECT_EQ(Store().Integer("SELECT length(content) FROM attachments WHERE id = '" + id + "'"),
            5 * 1024 * 1024);
}

TEST_F(Attachments, UnsentUploadsAreCapped) {
  WebSocketClient client;
  const std::string token = StartChat(client);
  for (int i = 0; i < 5; ++i) {
    ASSERT_FALSE(UploadId(token, kPng, "image/png", "p" + std::to_string(i) + ".png").empty());
  }

  const auto sixth = Upload(token, kPng, "image/png", "p5.png");

  EXPECT_EQ(sixth.status, 429) << sixth.body;
  EXPECT_EQ(ErrorCode(sixth.body), "too_many_uploads") << sixth.body;
  EXPECT_EQ(Count("attachments"), 5);
  // An old upload that no message sent is deleted by the next upload after 24 hours.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(StorePath().string().c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  const int aged = sqlite3_exec(db, "UPDATE attachments SET created_at = created_at - 90000000",
                                nullptr, nullptr, nullptr);
  sqlite3_close(db);
  ASSERT_EQ(aged, SQLITE_OK);
  ASSERT_FALSE(UploadId(token, kPng, "image/png", "later.png").empty());
  EXPECT_EQ(Count("attachments"), 1);
}

TEST_F(Attachments, UploadRejectsOverLimitAndWrongType) {
  WebSocketClient client;
  const std::string token = StartChat(client);

  std::string too_large = kPng;
  too_large.resize(5 * 1024 * 1024 + 1, 'x');
  const auto large = Upload(token, too_large, "image/png", "big.png");
  EXPECT_EQ(large.status, 413) << large.body;
  EXPECT_EQ(ErrorCode(large.body), "attachment_too_large") << large.body;
  EXPECT_NE(large.body.find("5 MB (5242880 bytes)"), std::string::npos) << large.body;

  const auto html = Upload(token, "<html><script>alert(1)</script></html>", "image/png",
                           "photo.png");
  EXPECT_EQ(html.status, 415) << html.body;
  EXPECT_EQ(ErrorCode(html.body), "unsupported_attachment_type") << html.body;

  const auto mismatch = Upload(token, kPdf, "image/png", "photo.png");
  EXPECT_EQ(mismatch.status, 415) << mismatch.body;
  EXPECT_EQ(ErrorCode(mismatch.body), "content_type_mismatch") << mismatch.body;

  const auto anonymous = Upload("", kPng, "image/png", "a.png");
  EXPECT_EQ(anonymous.status, 401) << anonymous.body;
  EXPECT_EQ(ErrorCode(anonymous.body), "session_required") << anonymous.body;

  EXPECT_EQ(Count("attachments"), 0);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM events WHERE type LIKE 'attachment.%'"), 0);
}

TEST_F(Attachments, DownloadOnlyForChatAndAllowedAgents) {
  WebSocketClient owner;
  const std::string token = StartChat(owner);
  const std::string id = UploadId(token, kPng, "image/png", "a.png");

  // Before a message sends it, no agent can see it.
  EXPECT_EQ(Download(id, Login("bob", kSupervisorPassword)).status, 404);
  ASSERT_TRUE(SendAttachment(owner, "d-1", id).has_value());

  WebSocketClient stranger;
  const std::string other_token = StartChat(stranger);
  const auto other = Download(id, other_token);
  EXPECT_EQ(other.status, 404) << other.body;
  EXPECT_EQ(ErrorCode(other.body), "attachment_not_found");

  // The bot still handles the conversation, so it is not in alice's queue.
  const auto agent = Download(id, Login("alice", kAgentPassword));
  EXPECT_EQ(agent.status, 403) << agent.body;
  EXPECT_TRUE(agent.body.find("\x89PNG") == std::string::npos);

  const auto supervisor = Download(id, Login("bob", kSupervisorPassword));
  EXPECT_EQ(supervisor.status, 200) << supervisor.body;
  EXPECT_EQ(supervisor.body, kPng);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM audit_log WHERE action = 'attachment.read'"), 1);

  EXPECT_EQ(Download(id, "").status, 401);
}

TEST_F(Attachments, MessageRejectsForeignAttachment) {
  WebSocketClient owner;
  const std::string id = UploadId(StartChat(owner), kPng, "image/png", "a.png");
  WebSocketClient stranger;
  StartChat(stranger);
  const std::int64_t messages_before = Count("messages");
  ASSERT_TRUE(stranger.SendJson(
      {{"type", "message"}, {"client_id", "x-1"}, {"text", "look"}, {"attachment_id", id}},
      kWaitLimit));
  const auto error = stranger.ReadType("error", kWaitLimit);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(Text(*error, "code"), "invalid_attachment_id");
  EXPECT_EQ(Count("messages"), messages_before);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM attachments WHERE message_id IS NOT NULL"), 0);
}

TEST_F(Attachments, ResendIsDuplicateAndReuseRejected) {
  WebSocketClient client;
  const std::string id = UploadId(StartChat(client), kPng, "image/png", "a.png");
  const auto first = SendAttachment(client, "r-1", id);
  ASSERT_TRUE(first.has_value());
  const auto again = SendAttachment(client, "r-1", id);
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->at("duplicate").as_bool());
  EXPECT_EQ(again->at("message_id").as_int64(), first->at("message_id").as_int64());

  ASSERT_TRUE(client.SendJson(
      {{"type", "message"}, {"client_id", "r-2"}, {"text", ""}, {"attachment_id", id}},
      kWaitLimit));
  const auto error = client.ReadType("error", kWaitLimit);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(Text(*error, "code"), "invalid_attachment_id");
}

TEST_F(Attachments, SurveyFrameAnsweredOnce) {
  WebSocketClient client;
  const std::string token = StartChat(client);
  ASSERT_TRUE(
      client.SendJson({{"type", "message"}, {"client_id", "s-1"}, {"text", "hello"}}, kWaitLimit));
  const auto ack = client.ReadType("ack", kWaitLimit);
  ASSERT_TRUE(ack.has_value());
  const std::int64_t conversation = ack->at("conversation_id").as_int64();
  ASSERT_TRUE(client.ReadType("message", kWaitLimit).has_value());  // The greeting.

  const auto resolved = Api("POST", "/api/v1/conversations/" + std::to_string(conversation) +
                                        "/resolve", Login("bob", kSupervisorPassword));
  ASSERT_EQ(resolved.status, 200) << resolved.body;
  const auto question = client.ReadType("message", kWaitLimit);
  ASSERT_TRUE(question.has_value());
  EXPECT_EQ(Text(question->at("message").as_object(), "text"), kQuestion);
  const auto survey = client.ReadType("survey", kWaitLimit);
  ASSERT_TRUE(survey.has_value());
  const std::int64_t survey_id = survey->at("survey_id").as_int64();
  EXPECT_GT(survey_id, 0);
  EXPECT_EQ(Text(*survey, "kind"), "csat");
  EXPECT_EQ(Text(*survey, "question"), kQuestion);
  EXPECT_EQ(survey->at("max_score").as_int64(), 5);

  // A resumed chat gets the open survey again.
  WebSocketClient resumed;
  ASSERT_TRUE(resumed.Connect(app_->Port(), "/webchat/chat/socket", kWaitLimit).empty());
  ASSERT_TRUE(resumed.SendJson({{"type", "hello"}, {"token", token}}, kWaitLimit));
  const auto again = resumed.ReadType("survey", kWaitLimit);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->at("survey_id").as_int64(), survey_id);

  ASSERT_TRUE(client.SendJson({{"type", "survey_answer"}, {"survey_id", survey_id}, {"score", 9}},
                              kWaitLimit));
  const auto out_of_scale = client.ReadType("error", kWaitLimit);
  ASSERT_TRUE(out_of_scale.has_value());
  EXPECT_EQ(Text(*out_of_scale, "code"), "invalid_score");

  ASSERT_TRUE(client.SendJson({{"type", "survey_answer"}, {"survey_id", survey_id}, {"score", 5}},
                              kWaitLimit));
  const auto answered = client.ReadType("survey_answered", kWaitLimit);
  ASSERT_TRUE(answered.has_value());
  EXPECT_EQ(answered->at("score").as_int64(), 5);
  EXPECT_EQ(Store().Integer("SELECT score FROM surveys WHERE id = " + std::to_string(survey_id)),
            5);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM messages WHERE conversation_id = " +
                            std::to_string(conversation) + " AND direction = 'inbound' AND "
                            "text = '5'"),
            1);
  const auto thanks = client.ReadType("message", kWaitLimit);
  ASSERT_TRUE(thanks.has_value());
  EXPECT_EQ(Text(thanks->at("message").as_object(), "text"), kThanks);

  ASSERT_TRUE(resumed.SendJson({{"type", "survey_answer"}, {"survey_id", survey_id}, {"score", 1}},
                               kWaitLimit));
  const auto second = resumed.ReadType("error", kWaitLimit);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(Text(*second, "code"), "survey_closed");
  EXPECT_EQ(Store().Integer("SELECT score FROM surveys WHERE id = " + std::to_string(survey_id)),
            5);
  EXPECT_EQ(Store().Integer("SELECT COUNT(*) FROM events WHERE type = 'survey.answered'"), 1);
}

TEST_F(Attachments, FeedEchoesBearerSubprotocol) {
  const std::string token = Login("alice", kAgentPassword);
  WebSocketClient feed;
  const std::string protocol = "bearer." + token;
  const auto error = feed.Connect(app_->Port(), "/api/v1/feed", kWaitLimit, protocol);
  ASSERT_TRUE(error.empty()) << error;
  EXPECT_EQ(feed.AcceptedProtocol(), protocol);
  const auto ready = feed.ReadType("ready", kWaitLimit);
  ASSERT_TRUE(ready.has_value());
}

}  // namespace
}  // namespace mobilelink::integration
