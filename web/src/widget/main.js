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
const ATTACHMENT_PATH = "/api/v1/attachments/";
const IMAGE_TYPES = ["image/jpeg", "image/png", "image/gif"];

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

// Saves an attachment of this chat. Downloads need the session token in a header, so the file
// is fetched and handed to the browser as a blob URL.
async function saveAttachment(item, name) {
  try {
    const blob = await client.fetchAttachment(item.url);
    const link = el("a", { href: URL.createObjectURL(blob), download: name });
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 60000);
  } catch (error) {
    showAttachError(error.message);
  }
}

function attachmentItem(item) {
  const name = item.file_name || fileNameOf(item.url);
  if (!item.url || !item.url.startsWith(ATTACHMENT_PATH)) {
    const url = safeHttpUrl(item.url);
    return el("li", {}, url ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, name) : name);
  }
  const node = el("li", { class: "attachment" },
    el("button", { type: "button", class: "attachment-name", "aria-label": `Download ${name}`,
      onclick: () => saveAttachment(item, name) }, name));
  if (IMAGE_TYPES.includes(item.content_type)) {
    client.fetchAttachment(item.url).then((blob) => {
      node.prepend(el("img", { class: "attachment-preview", src: URL.createObjectURL(blob), alt: name }));
    }).catch(() => {});
  }
  return node;
}

function attachmentList(media) {
  if (!media || media.length === 0) {
    return null;
  }
  return el("ul", { class: "attachments" }, media.map(attachmentItem));
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
  const media = queued.attachment ? [queued.attachment] : [];
  const node = messageNode(`c-${queued.client_id}`, "inbound", "You", queued.text, status, queued.created_at, media);
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
  const maximum = survey.max_score ?? (survey.kind === "nps" ? 10 : 5);
  const minimum = survey.min_score ?? (survey.kind === "nps" ? 0 : 1);
  byId("survey-question").textContent = survey.question ?? "How satisfied are you with the help you got?";
  // The prompt replaces the score quick replies of the question message.
  replaceChildren(quickReplies);
  const choices = byId("survey-choices");
  replaceChildren(choices);
  for (let score = minimum; score <= maximum; score += 1) {
    choices.appendChild(el("button", {
      type: "button",
      class: "survey-score",
      "aria-label": `${score} of ${maximum}`,
      onclick: () => client.answerSurvey(survey.survey_id, score),
    }, String(score)));
  }
  panel.hidden = false;
  choices.querySelector("button")?.focus();
}

function showSurveyAnswered() {
  const notice = "Thank you for your answer.";
  replaceChildren(byId("survey-choices"), el("p", { role: "status" }, notice));
  announcer.textContent = notice;
}

function showAttachError(message) {
  const node = byId("attach-error");
  node.textContent = message;
  node.hidden = !message;
}

function showError(error) {
  if (error.code === "survey_closed") {
    byId("survey").hidden = true;
  } else if (error.code === "invalid_attachment_id") {
    showAttachError(error.message);
  }
}

client.on("status", showStatus);
client.on("pending", showPending);
client.on("message", showMessage);
client.on("ack", acknowledge);
client.on("typing", showTyping);
client.on("resolved", showResolved);
client.on("survey", showSurvey);
client.on("survey_answered", showSurveyAnswered);
client.on("error", showError);

byId("attach-button").addEventListener("click", () => byId("attach").click());
byId("attach").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  event.target.value = "";
  if (!file) {
    return;
  }
  showAttachError("");
  try {
    await client.sendAttachment(file);
  } catch (error) {
    showAttachError(error.message);
  }
});

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
