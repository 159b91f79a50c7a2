// The customer chat page (/chat/{inbox}) on top of the SDK. Message text, sender names and
// attachment file names are rendered with text nodes only.
import { ChatClient } from "../sdk/chat_client.js";
import { byId, el, fileNameOf, formatTime, replaceChildren, safeHttpUrl } from "../shared/dom.js";

const STATUS_TEXT = {
  connecting: "Connecting",
  online: "Connected",
  reconnecting: "Reconnecting",
  offline: "Offline: messages will be sent when you are back online",
  failed: "Could not connect; reload the page to try again",
};
const DELIVERY_TEXT = { queued: "Sending", sent: "Sent", delivered: "Delivered", read: "Read", failed: "Not delivered" };
const TYPING_SHOWN_MS = 4000;

const log = byId("log");
const announcer = byId("announcer");
const typingNotice = byId("typing");
const quickReplies = byId("quick-replies");
const input = byId("text");
const client = new ChatClient({ inbox: document.body.dataset.inbox });
let typingTimer = null;

function senderLabel(message) {
  if (message.direction === "inbound") {
    return "You";
  }
  return message.sender === "bot" ? "Assistant" : "Agent";
}

function attachmentList(media) {
  if (!media || media.length === 0) {
    return null;
  }
  return el("ul", { class: "attachments" }, media.map((item) => {
    const url = safeHttpUrl(item.url);
    const name = fileNameOf(item.url);
    return el("li", {}, url ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, name) : name);
  }));
}

function messageNode(key, direction, sender, text, status, createdAt, media) {
  return el("li", { class: `msg ${direction}`, id: key },
    el("span", { class: "sender" }, sender),
    el("p", { class: "text" }, text),
    attachmentList(media),
    el("span", { class: "meta" },
      createdAt ? el("time", {}, formatTime(createdAt)) : null,
      el("span", { class: "status" }, status)));
}

function scrollToEnd() {
  log.scrollTop = log.scrollHeight;
}

function showPending(queued) {
  if (document.getElementById(`c-${queued.client_id}`)) {
    return;
  }
  const status = navigator.onLine === false ? "Queued" : "Sending";
  const node = messageNode(`c-${queued.client_id}`, "inbound", "You", queued.text, status, queued.created_at);
  node.dataset.pending = "true";
  log.appendChild(node);
  scrollToEnd();
}

function showMessage(message) {
  const key = `m-${message.id}`;
  const existing = document.getElementById(key);
  const status = message.direction === "outbound" ? "" : DELIVERY_TEXT.sent;
  const node = messageNode(key, message.direction, senderLabel(message), message.text, status,
    message.created_at, message.media);
  const pending = message.client_id ? document.getElementById(`c-${message.client_id}`) : null;
  if (existing) {
    existing.replaceWith(node);
  } else if (pending) {
    pending.replaceWith(node);
  } else {
    log.appendChild(node);
  }
  if (message.direction === "outbound") {
    announcer.textContent = `${senderLabel(message)}: ${message.text}`;
    showQuickReplies(message.options);
    typingNotice.hidden = true;
    if (document.visibilityState === "visible") {
      client.markRead(message.id);
    }
  }
  scrollToEnd();
}

function showQuickReplies(replies) {
  replaceChildren(quickReplies);
  for (const reply of Array.isArray(replies) ? replies : []) {
    quickReplies.appendChild(el("button", {
      type: "button",
      class: "quick-reply",
      onclick: () => {
        client.send(reply.title, reply.id);
        replaceChildren(quickReplies);
      },
    }, reply.title));
  }
}

function acknowledge({ client_id: clientId, message_id: messageId }) {
  const node = document.getElementById(`c-${clientId}`);
  if (node) {
    node.id = `m-${messageId}`;
    delete node.dataset.pending;
    node.querySelector(".status").textContent = DELIVERY_TEXT.sent;
  }
}

function showStatus(status) {
  byId("connection").textContent = STATUS_TEXT[status] ?? status;
  document.body.dataset.connection = status;
  const queuedText = status === "online" ? "Sending" : "Queued";
  for (const node of log.querySelectorAll("[data-pending] .status")) {
    node.textContent = queuedText;
  }
}

function showTyping() {
  typingNotice.hidden = false;
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => {
    typingNotice.hidden = true;
  }, TYPING_SHOWN_MS);
}

function showResolved() {
  const notice = "This conversation was resolved. Write again any time to start a new one.";
  log.appendChild(el("li", { class: "notice", role: "note" }, notice));
  announcer.textContent = notice;
  scrollToEnd();
}

function showSurvey(survey) {
  const panel = byId("survey");
  const maximum = survey.kind === "nps" ? 10 : 5;
  const minimum = survey.kind === "nps" ? 0 : 1;
  byId("survey-question").textContent = survey.question ?? "How satisfied are you with the help you got?";
  const choices = byId("survey-choices");
  replaceChildren(choices);
  for (let score = minimum; score <= maximum; score += 1) {
    choices.appendChild(el("button", {
      type: "button",
      "aria-label": `${score} of ${maximum}`,
      onclick: () => {
        client.answerSurvey(survey.survey_id, score);
        replaceChildren(choices, el("p", { role: "status" }, "Thank you for your answer."));
      },
    }, String(score)));
  }
  panel.hidden = false;
  choices.querySelector("button")?.focus();
}

client.on("status", showStatus);
client.on("pending", showPending);
client.on("message", showMessage);
client.on("ack", acknowledge);
client.on("typing", showTyping);
client.on("resolved", showResolved);
client.on("survey", showSurvey);

byId("compose").addEventListener("submit", (event) => {
  event.preventDefault();
  if (!input.value.trim()) {
    return;
  }
  client.send(input.value);
  input.value = "";
  input.focus();
});
input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    byId("compose").requestSubmit();
  }
});
input.addEventListener("input", () => client.typing());
// In the embed launcher's frame, Escape closes the chat: the launcher listens for this message.
if (window.parent !== window) {
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      window.parent.postMessage({ type: "mobilelink-chat:close" }, "*");
    }
  });
}
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState !== "visible") {
    return;
  }
  const outbound = log.querySelectorAll("li.outbound");
  const newest = outbound[outbound.length - 1];
  if (newest) {
    client.markRead(Number(newest.id.slice(2)));
  }
});

client.connect();
