// The console page: a static shell whose panels web/src/console/ fills in. Every panel has its
// own landmark and heading, so screen reader users can jump between them.

#include "mobilelink/app/console_routes.hpp"
#include "mobilelink/app/web_assets.hpp"

namespace mobilelink::app {

namespace {

constexpr std::string_view kHead = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>Mobile Link console</title>
)html";

constexpr std::string_view kBody = R"html(</head>
<body>
<a class="skip-link" href="#conversation">Skip to conversation</a>
<div id="root">
<section id="login" class="login" aria-labelledby="login-title">
<h1 id="login-title">Mobile Link console</h1>
<form id="login-form" novalidate>
<label for="login-username">Username</label>
<input id="login-username" name="username" autocomplete="username" required>
<label for="login-password">Password</label>
<input id="login-password" name="password" type="password" autocomplete="current-password" required>
<p id="login-error" class="error" role="alert"></p>
<button type="submit">Log in</button>
</form>
</section>
<div id="app" class="app" hidden>
<header class="topbar">
<h1 class="brand">Mobile Link</h1>
<nav aria-label="Views">
<button type="button" id="view-queue" aria-pressed="true">Queue</button>
<button type="button" id="view-supervisor" hidden aria-pressed="false">Supervisor</button>
<a href="/dashboard">KPIs</a>
</nav>
<div id="presence-panel" class="presence"></div>
<span id="agent-name" class="agent-name"></span>
<button type="button" id="help-button" aria-haspopup="dialog" aria-keyshortcuts="?">Shortcuts</button>
<button type="button" id="logout-button">Log out</button>
</header>
<p id="live-status" class="visually-hidden" aria-live="polite" aria-atomic="true"></p>
<p id="action-error" class="error banner" role="alert"></p>
<div class="workspace">
<aside id="queue-panel" class="queue" aria-labelledby="queue-title" tabindex="-1">
<h2 id="queue-title">Queue</h2>
<ul id="queue-list" class="conversation-list" aria-label="Waiting conversations"></ul>
<h2 id="mine-title">Mine</h2>
<ul id="mine-list" class="conversation-list" aria-label="My conversations"></ul>
</aside>
<main id="conversation" class="conversation" aria-labelledby="conversation-title" tabindex="-1">
<h2 id="conversation-title">No conversation open</h2>
<div id="conversation-actions" class="actions" role="toolbar" aria-label="Conversation actions"></div>
<ol id="transcript" class="transcript" aria-label="Transcript"></ol>
<div id="reply-panel" class="reply"></div>
</main>
<aside id="side-panel" class="side" aria-label="Customer">
<section id="profile-panel" aria-labelledby="profile-title"><h2 id="profile-title">Customer</h2><div class="panel-body"></div></section>
<section id="suggestions-panel" aria-labelledby="suggestions-title"><h2 id="suggestions-title">Suggested articles</h2><div class="panel-body"></div></section>
</aside>
<section id="supervisor-view" class="supervisor" hidden aria-labelledby="supervisor-title" tabindex="-1">
<h2 id="supervisor-title">All queues and agents</h2>
<div id="supervisor-queues"></div>
<div id="supervisor-agents"></div>
</section>
</div>
</div>
<div id="help-dialog" class="dialog" role="dialog" aria-modal="true" aria-labelledby="help-title" hidden>
<h2 id="help-title">Keyboard shortcuts</h2>
<dl id="help-list"></dl>
<button type="button" id="help-close">Close</button>
</div>
)html";

}  // namespace

std::string ConsolePage() {
  const auto& assets = WebAssets::Embedded();
  std::string page(kHead);
  page += "<link rel=\"stylesheet\" href=\"" + assets.Url("console.css") + "\">\n";
  page += "<script src=\"" + assets.Url("console.js") + "\" defer></script>\n";
  page += kBody;
  page += "</body>\n</html>\n";
  return page;
}

}  // namespace mobilelink::app
