#include <cctype>
#include <string>

#include "mobilelink/app/webchat_hub.hpp"

namespace mobilelink::app {

std::string EscapeHtml(std::string_view text) {
  std::string escaped;
  for (char c : text) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\'':
        escaped += "&#39;";
        break;
      default:
        escaped.push_back(c);
    }
  }
  return escaped;
}

namespace {

constexpr const char* kPageTemplate = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>@TITLE@</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;display:flex;flex-direction:column;height:100vh}
header{background:#1d4ed8;color:#fff;padding:12px 16px;font-size:18px}
#log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px}
.msg{max-width:80%;padding:8px 12px;border-radius:12px;white-space:pre-wrap;word-break:break-word}
.inbound{align-self:flex-end;background:#dbeafe}
.outbound{align-self:flex-start;background:#f3f4f6}
form{display:flex;gap:8px;padding:8px;border-top:1px solid #e5e7eb}
input{flex:1;font-size:16px;padding:10px}
button{font-size:16px;padding:10px 16px}
#state{font-size:12px;color:#6b7280;padding:0 12px}
</style>
</head>
<body data-inbox="@INBOX@">
<header>@TITLE@</header>
<div id="state" role="status">connecting</div>
<div id="log" aria-live="polite"></div>
<form id="compose"><label for="text" hidden>Message</label>
<input id="text" autocomplete="off" maxlength="4000" placeholder="Type a message">
<button type="submit">Send</button></form>
<script src="/chat/app.js"></script>
</body>
</html>
)html";

// The page's script. It keeps its session token in sessionStorage, resumes with it after a
// reload, and renders every message with textContent, never as HTML. It is served as a file so
// that the page's Content-Security-Policy can forbid inline scripts.
constexpr const char* kScript = R"js((function () {
  var inbox = document.body.getAttribute("data-inbox");
  var key = "mobilelink-chat-" + inbox;
  var log = document.getElementById("log");
  var state = document.getElementById("state");
  var lastId = 0, socket = null, pending = {};
  function show(message) {
    if (message.id && document.getElementById("m" + message.id)) return;
    var node = document.createElement("div");
    node.className = "msg " + message.direction;
    if (message.id) node.id = "m" + message.id;
    node.textContent = message.text;
    log.appendChild(node);
    log.scrollTop = log.scrollHeight;
    if (message.id > lastId) lastId = message.id;
    if (message.direction === "outbound" && socket) {
      socket.send(JSON.stringify({type: "read", message_id: message.id}));
    }
  }
  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/webchat/" + inbox + "/socket");
    socket.onopen = function () {
      socket.send(JSON.stringify({type: "hello", token: sessionStorage.getItem(key) || "",
                                  last_message_id: lastId}));
    };
    socket.onmessage = function (event) {
      var frame = JSON.parse(event.data);
      if (frame.type === "session") {
        sessionStorage.setItem(key, frame.token);
        state.textContent = "connected";
        Object.keys(pending).forEach(function (id) { socket.send(pending[id]); });
      } else if (frame.type === "history") {
        frame.messages.forEach(show);
      } else if (frame.type === "message") {
        show(frame.message);
      } else if (frame.type === "ack") {
        delete pending[frame.client_id];
      } else if (frame.type === "error" && frame.code === "session_expired") {
        sessionStorage.removeItem(key);
        socket.close();
      }
    };
    socket.onclose = function () {
      state.textContent = "reconnecting";
      setTimeout(connect, 1000);
    };
  }
  document.getElementById("compose").addEventListener("submit", function (event) {
    event.preventDefault();
    var input = document.getElementById("text");
    if (!input.value) return;
    var id = Date.now().toString(36) + Math.random().toString(36).slice(2);
    var frame = JSON.stringify({type: "message", client_id: id, text: input.value});
    pending[id] = frame;
    show({direction: "inbound", text: input.value});
    if (socket && socket.readyState === 1) socket.send(frame);
    input.value = "";
  });
  connect();
})();
)js";

void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

}  // namespace

std::string ChatScript() { return kScript; }

std::string ChatPage(const std::string& inbox_id, const std::string& title) {
  std::string page = kPageTemplate;
  ReplaceAll(page, "@TITLE@", EscapeHtml(title.empty() ? "Chat with us" : title));
  // Inbox ids are config values; escaping keeps a quote from ending the script string.
  std::string safe_inbox;
  for (char c : inbox_id) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') {
      safe_inbox.push_back(c);
    }
  }
  ReplaceAll(page, "@INBOX@", safe_inbox);
  return page;
}

}  // namespace mobilelink::app
