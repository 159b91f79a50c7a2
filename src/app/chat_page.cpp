// The customer chat page at /chat/{inbox}, and the resolution notice that its sockets receive.
// The page is a static shell; web/src/widget/ renders every message with textContent.

#include "mobilelink/app/chat_page.hpp"

#include <cctype>

#include <boost/json.hpp>

#include "mobilelink/app/web_assets.hpp"
#include "mobilelink/app/webchat_hub.hpp"

namespace mobilelink::app {

namespace {

constexpr std::string_view kPageTemplate = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>@TITLE@</title>
<link rel="stylesheet" href="@STYLE@">
</head>
<body data-inbox="@INBOX@">
<main class="chat" aria-labelledby="chat-title">
<header class="chat-header">
<h1 id="chat-title">@TITLE@</h1>
<p id="connection" class="connection" role="status">Connecting</p>
</header>
<ol id="log" class="log" aria-label="Messages" tabindex="0"></ol>
<p id="announcer" class="visually-hidden" aria-live="polite" aria-atomic="true"></p>
<p id="typing" class="typing" hidden>An agent is typing</p>
<div id="quick-replies" class="quick-replies" role="group" aria-label="Suggested replies"></div>
<section id="survey" class="survey" hidden aria-labelledby="survey-title">
<h2 id="survey-title">How did we do?</h2>
<p id="survey-question"></p>
<div id="survey-choices" class="survey-choices" role="group" aria-labelledby="survey-question"></div>
</section>
<p id="attach-error" class="attach-error" role="alert" hidden></p>
<form id="compose" class="compose" autocomplete="off">
<input type="file" id="attach" class="visually-hidden" tabindex="-1" aria-hidden="true" accept="image/jpeg,image/png,image/gif,application/pdf">
<button type="button" id="attach-button" class="attach-button" aria-label="Attach a file (JPEG, PNG, GIF or PDF, up to 5 MB)">+</button>
<label for="text" class="visually-hidden">Message</label>
<textarea id="text" rows="1" maxlength="4000" placeholder="Type a message" required></textarea>
<button type="submit" id="send">Send</button>
</form>
</main>
<script src="@SCRIPT@"></script>
</body>
</html>
)html";

void ReplaceAll(std::string& text, std::string_view from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

}  // namespace

std::string ChatPage(const std::string& inbox_id, const std::string& title) {
  std::string page(kPageTemplate);
  const auto& assets = WebAssets::Embedded();
  ReplaceAll(page, "@TITLE@", EscapeHtml(title.empty() ? "Chat with us" : title));
  // Inbox ids are config values; keeping only id characters keeps the attribute well formed.
  std::string safe_inbox;
  for (char c : inbox_id) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') {
      safe_inbox.push_back(c);
    }
  }
  ReplaceAll(page, "@INBOX@", safe_inbox);
  ReplaceAll(page, "@STYLE@", assets.Url("widget.css"));
  ReplaceAll(page, "@SCRIPT@", assets.Url("widget.js"));
  return page;
}

std::string ChatFrameAncestors(const config::WebConfig& web) {
  std::string sources = "'self'";
  for (const auto& origin : web.embed_origins) {
    sources += " " + origin;
  }
  return sources;
}

void PushConversationResolved(AppContext& context, std::int64_t conversation_id) {
  std::optional<std::string> visitor;
  context.store->Read([&](core::Repository& repository) {
    const auto conversation = repository.GetConversation(conversation_id);
    if (!conversation) {
      return;
    }
    const core::InboxProfile* inbox = context.service->FindInbox(conversation->last_inbox_id);
    if (inbox != nullptr && inbox->capabilities.push_delivery) {
      visitor = context.service->RecipientFor(repository, *conversation, *inbox);
    }
  });
  if (!visitor || !context.push_webchat) {
    return;
  }
  context.push_webchat(
      *visitor,
      boost::json::serialize(boost::json::object{
          {"type", "conversation"}, {"conversation_id", conversation_id}, {"status", "resolved"}}));
}

}  // namespace mobilelink::app
