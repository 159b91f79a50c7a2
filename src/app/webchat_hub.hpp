#pragma once

// The web chat WebSocket endpoint and the registry of open customer sockets. The protocol is
// described in docs/webchat-protocol.md.

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mobilelink/app/context.hpp"
#include "mobilelink/http/types.hpp"

namespace mobilelink::app {

/// Sends a web chat error frame `{"type":"error","code","field","message"}`, without the field
/// when it is empty.
void SendErrorFrame(const std::shared_ptr<http::WebSocketSession>& session, std::string_view code,
                    std::string_view field, std::string_view message);

/// Returns true when `origin` is one of the comma-separated origins of `allowed`, with spaces
/// around the commas ignored. An empty origin is never listed.
bool OriginListed(std::string_view allowed, std::string_view origin);

class WebchatHub final : public http::WebSocketHandler,
                         public std::enable_shared_from_this<WebchatHub> {
 public:
  explicit WebchatHub(AppContext& context) : context_(context) {}

  /// Pushes an outbound message to the visitor's open sockets. Returns true when at least one
  /// socket took it. Thread safe.
  bool Push(const core::OutboxEntry& entry);
  /// Sends `frame` to every open socket of `visitor_id`. Returns true when one took it.
  bool PushFrame(const std::string& visitor_id, const std::string& frame);

  // http::WebSocketHandler
  std::optional<http::HttpResponse> Accept(const http::HttpRequest& request) override;
  void OnOpen(const std::shared_ptr<http::WebSocketSession>& session) override;
  void OnText(const std::shared_ptr<http::WebSocketSession>& session, std::string text) override;
  void OnClose(const std::shared_ptr<http::WebSocketSession>& session) override;

 private:
  struct Binding {
    std::string inbox_id;
    std::string visitor_id;
    std::int64_t contact_id = 0;
  };
  void HandleHello(const std::shared_ptr<http::WebSocketSession>& session,
                   const std::string& inbox_id, const std::string& token,
                   std::int64_t last_message_id);
  /// A message frame's fields.
  struct MessageFields {
    std::string client_id;
    std::string text;
    std::string reply_id;       // The quick-reply option the visitor tapped, if any.
    std::string attachment_id;  // An upload of this visitor that the message sends, if any.
  };
  void HandleMessage(const std::shared_ptr<http::WebSocketSession>& session,
                     const Binding& binding, const MessageFields& fields);
  void HandleSurveyAnswer(const std::shared_ptr<http::WebSocketSession>& session,
                          const Binding& binding, std::int64_t survey_id, std::int64_t score);
  /// Sends the survey frame of the contact's open survey, if any, to `targets`. With
  /// `question_message` set, sends it only when that message is the survey's question.
  void SendSurveyPrompt(const std::vector<std::shared_ptr<http::WebSocketSession>>& targets,
                        std::int64_t contact_id, const std::string& inbox_id,
                        const std::optional<core::Message>& question_message);
  void HandleRead(const std::shared_ptr<http::WebSocketSession>& session, const Binding& binding,
                  std::int64_t message_id);
  void Bind(const std::shared_ptr<http::WebSocketSession>& session, Binding binding);
  void SendHistory(const std::shared_ptr<http::WebSocketSession>& session,
                   std::int64_t contact_id, std::int64_t after_id);
  std::optional<Binding> FindBinding(std::uint64_t session_id);
  std::vector<std::shared_ptr<http::WebSocketSession>> SocketsOf(const std::string& visitor_id);

  AppContext& context_;
  std::mutex mutex_;
  std::unordered_map<std::uint64_t, Binding> bindings_;
  std::unordered_map<std::string, std::vector<std::weak_ptr<http::WebSocketSession>>> by_visitor_;
};

}  // namespace mobilelink::app
