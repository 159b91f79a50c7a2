// The reply box: canned responses by short code ("/hours" expands to its text), a live SMS
// segment counter for SMS conversations, an internal-note switch, typing notices for web chat.
// Enter or Ctrl+Enter sends, Shift+Enter starts a new line.
import { request } from "./api.js";
import { byId, el, replaceChildren } from "../shared/dom.js";
import { countSmsSegments } from "../shared/sms_segments.js";

const TYPING_INTERVAL_MS = 3000;

/// Expands a canned short code that ends the text. A code expands as soon as it is complete,
/// unless a longer code starts with it. Then the space or Tab typed after it expands it.
export function expandCannedResponse(text, cannedResponses, force = false) {
  const match = /(^|\s)\/([a-z0-9_-]+)(\s?)$/.exec(text);
  if (!match) {
    return null;
  }
  const code = match[2];
  const response = cannedResponses.find((canned) => canned.code === code);
  if (!response) {
    return null;
  }
  const ambiguous = cannedResponses.some((canned) => canned.code !== code && canned.code.startsWith(code));
  if (ambiguous && !force && match[3] === "") {
    return null;
  }
  return text.slice(0, match.index + match[1].length) + response.text;
}

export function createReplyBox({ cannedResponses, onSent, onError }) {
  const panel = byId("reply-panel");
  const textarea = el("textarea", { id: "reply-text", rows: 3, "aria-describedby": "reply-counter reply-help", placeholder: "Write a reply, or / and a short code" });
  const noteSwitch = el("input", { type: "checkbox", id: "reply-note" });
  const counter = el("p", { id: "reply-counter", class: "counter" });
  const help = el("p", { id: "reply-help", class: "muted" },
    cannedResponses.length ? `Short codes: ${cannedResponses.map((canned) => "/" + canned.code).join(", ")}` : "");
  const sendButton = el("button", { type: "submit", id: "reply-send" }, "Send");
  const form = el("form", { id: "reply-form", class: "reply-form" },
    el("label", { for: "reply-text" }, "Reply"),
    textarea,
    el("div", { class: "reply-row" },
      el("label", { class: "switch" }, noteSwitch, " Internal note"),
      counter,
      sendButton),
    help);
  let conversation = null;
  let lastTypingAt = 0;

  function updateCounter() {
    if (!conversation || conversation.channel !== "twilio_sms" || noteSwitch.checked) {
      counter.textContent = noteSwitch.checked ? "Internal note: only agents see it" : "";
      return;
    }
    const counted = countSmsSegments(textarea.value);
    const encoding = counted.encoding === "gsm7" ? "GSM-7" : "UCS-2";
    const units = counted.encoding === "gsm7" ? "septets" : "UTF-16 units";
    counter.textContent = `${counted.units} ${units} · ${encoding} · ${counted.segments} SMS segment${counted.segments === 1 ? "" : "s"}`;
  }

  function sendTyping() {
    const now = Date.now();
    if (conversation && conversation.channel === "webchat" && !noteSwitch.checked && now - lastTypingAt >= TYPING_INTERVAL_MS) {
      lastTypingAt = now;
      request("POST", `/api/v1/conversations/${conversation.id}/typing`).catch(() => {});
    }
  }

  textarea.addEventListener("input", (event) => {
    const expanded = expandCannedResponse(textarea.value, cannedResponses, event.data === " ");
    if (expanded !== null) {
      textarea.value = expanded;
    }
    updateCounter();
    sendTyping();
  });
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Tab" && !event.shiftKey) {
      const expanded = expandCannedResponse(textarea.value, cannedResponses, true);
      if (expanded !== null) {
        event.preventDefault();
        textarea.value = expanded;
        updateCounter();
      }
    } else if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  noteSwitch.addEventListener("change", updateCounter);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = textarea.value.trim();
    if (!text || !conversation) {
      return;
    }
    const kind = noteSwitch.checked ? "notes" : "messages";
    sendButton.disabled = true;
    try {
      await request("POST", `/api/v1/conversations/${conversation.id}/${kind}`, { text });
      textarea.value = "";
      updateCounter();
      onSent();
    } catch (error) {
      onError(error);
    } finally {
      sendButton.disabled = false;
      textarea.focus();
    }
  });

  return {
    show(next) {
      if (next && conversation && next.id !== conversation.id) {
        textarea.value = "";
      }
      conversation = next;
      // Polling calls this often; re-attaching the form would take the focus from the text.
      if (!next) {
        replaceChildren(panel);
      } else if (form.parentNode !== panel) {
        replaceChildren(panel, form);
      }
      updateCounter();
    },
    focus() {
      textarea.focus();
    },
    toggleNote() {
      noteSwitch.checked = !noteSwitch.checked;
      updateCounter();
    },
    insert(text) {
      textarea.value = textarea.value ? `${textarea.value} ${text}` : text;
      updateCounter();
      textarea.focus();
    },
  };
}
