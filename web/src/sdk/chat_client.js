// A client of the web chat protocol (docs/webchat-protocol.md) for the chat widget and for
// in-app web views.
//
// The session token and the messages not yet acknowledged are kept
// in `storage` (localStorage by default) under "mobilelink-chat:<inbox>:", so a reload or a
// lost network resumes the same conversation. A message gets its client_id when it is written
// and keeps it until the server's ack. Every reconnect sends the unacknowledged ones again, and
// the server acknowledges a client_id it has already stored with "duplicate": true, so nothing
// is stored twice. While the browser reports itself offline the socket stays closed and messages wait in
// the queue.

export const ATTACHMENT_LIMITS = Object.freeze({
  maxBytes: 5 * 1024 * 1024,
  contentTypes: ["image/jpeg", "image/png", "image/gif", "application/pdf"],
});

const DEFAULT_RECONNECT_DELAYS_MS = [500, 1000, 2000, 4000, 8000, 15000];
const MAX_RECONNECT_ATTEMPTS = 200;
const TYPING_INTERVAL_MS = 3000;

// Returns the protocol frame of a queued message.
function messageFrame(queued) {
  const frame = { type: "message", client_id: queued.client_id, text: queued.text };
  if (queued.reply_id) {
    frame.reply_id = queued.reply_id;
  }
  if (queued.attachment) {
    frame.attachment_id = queued.attachment.id;
  }
  return frame;
}

function newClientId() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

export class ChatClient {
  /// options: inbox (required), baseUrl (default the page's origin), storage (default
  /// localStorage), reconnectDelaysMs.
  constructor(options) {
    if (!options || !options.inbox) {
      throw new Error("ChatClient needs options.inbox, the id of a webchat inbox");
    }
    this.inbox = options.inbox;
    this.baseUrl = new URL(options.baseUrl ?? location.origin);
    this.storage = options.storage ?? window.localStorage;
    this.reconnectDelaysMs = options.reconnectDelaysMs ?? DEFAULT_RECONNECT_DELAYS_MS;
    this.prefix = `mobilelink-chat:${this.inbox}:`;
    this.listeners = new Map();
    this.socket = null;
    this.ready = false;
    this.attempts = 0;
    this.stopped = true;
    this.lastMessageId = 0;
    this.visitorId = "";
    this.lastTypingAt = 0;
    this.reconnectTimer = null;
    this.onOnline = () => this.reconnectNow();
    this.onOffline = () => this.dropSocket("offline");
  }

  /// Registers `listener` for an event: "status" (connecting, online, offline, reconnecting,
  /// failed), "session" (visitor_id, resumed), "message" (a stored message), "pending" (a
  /// queued message of this client), "ack", "typing", "resolved", "survey", "survey_answered",
  /// "error". Returns a function that unregisters it.
  on(type, listener) {
    if (!this.listeners.has(type)) {
      this.listeners.set(type, new Set());
    }
    this.listeners.get(type).add(listener);
    return () => this.listeners.get(type).delete(listener);
  }

  emit(type, detail) {
    for (const listener of this.listeners.get(type) ?? []) {
      listener(detail);
    }
  }

  /// Opens the socket and resumes the stored session. The first history after connect starts
  /// from message 0, so a reloaded page shows the whole open conversation.
  connect() {
    this.stopped = false;
    window.addEventListener("online", this.onOnline);
    window.addEventListener("offline", this.onOffline);
    for (const queued of this.queued()) {
      this.emit("pending", queued);
    }
    this.open();
  }

  /// Closes the socket and stops reconnecting. Queued messages stay in storage.
  close() {
    this.stopped = true;
    window.removeEventListener("online", this.onOnline);
    window.removeEventListener("offline", this.onOffline);
    clearTimeout(this.reconnectTimer);
    this.dropSocket("offline");
  }

  /// Queues `text` and sends it when the session is ready. `replyId` is the id of the quick
  /// reply the customer tapped, if any. Returns the message's client_id.
  send(text, replyId) {
    const trimmed = String(text).trim();
    if (!trimmed) {
      throw new Error("a message needs some text");
    }
    const queued = { client_id: newClientId(), text: trimmed, created_at: Date.now() };
    if (replyId) {
      queued.reply_id = String(replyId);
    }
    this.store("queue", [...this.queued(), queued]);
    this.emit("pending", queued);
    this.sendFrame(messageFrame(queued));
    return queued.client_id;
  }

  /// Uploads `file` (a File or Blob with a name) and queues a message that sends it, with
  /// optional `text`. Resolves to the message's client_id once the upload is stored. Rejects
  /// with the reason when the file is over the limits, the chat has no session yet, or the
  /// server rejects the upload, which checks the type by the file's bytes.
  async sendAttachment(file, text = "") {
    const problem = ChatClient.checkAttachment(file);
    if (problem) {
      throw new Error(problem);
    }
    const token = this.load("token", "");
    if (!token) {
      throw new Error("the chat is not connected yet; try again when it is online");
    }
    const url = new URL(`/webchat/${encodeURIComponent(this.inbox)}/attachments`, this.baseUrl);
    url.searchParams.set("name", file.name ?? "attachment");
    const response = await fetch(url, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": file.type || "application/octet-stream" },
      body: file,
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new Error(body.error?.message ?? `the upload failed with HTTP ${response.status}`);
    }
    const queued = {
      client_id: newClientId(),
      text: String(text).trim(),
      created_at: Date.now(),
      attachment: { id: body.id, file_name: body.file_name, content_type: body.content_type, url: body.url },
    };
    this.store("queue", [...this.queued(), queued]);
    this.emit("pending", queued);
    this.sendFrame(messageFrame(queued));
    return queued.client_id;
  }

  /// Downloads an attachment of this chat (a message's media url) as a Blob.
  async fetchAttachment(url) {
    const response = await fetch(new URL(url, this.baseUrl), {
      headers: { Authorization: `Bearer ${this.load("token", "")}` },
    });
    if (!response.ok) {
      throw new Error(`the attachment could not be loaded: HTTP ${response.status}`);
    }
    return response.blob();
  }

  /// Presents a token from the business's app backend, signed with `sub` set to this chat's
  /// visitor id (the `session` event's `visitor_id`), to POST /auth/app-token. Resolves to the
  /// new authentication level; rejects with the server's reason, such as `expired`.
  async presentAppToken(appToken) {
    const response = await fetch(new URL("/auth/app-token", this.baseUrl), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ session_token: this.load("token", ""), token: appToken }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new Error(body.error?.message ?? `the app token was rejected: HTTP ${response.status}`);
    }
    return body;
  }

  /// Tells the server that the customer has seen an outbound message.
  markRead(messageId) {
    this.sendFrame({ type: "read", message_id: messageId });
  }

  /// Sends a typing notice, at most one every 3 seconds.
  typing() {
    const now = Date.now();
    if (now - this.lastTypingAt >= TYPING_INTERVAL_MS && this.sendFrame({ type: "typing", state: "start" })) {
      this.lastTypingAt = now;
    }
  }

  /// Answers a survey prompt with a score. Returns false when the chat is not connected. The
  /// server replies with a "survey_answered" event, or an "error" with code survey_closed for
  /// a survey that was already answered or expired.
  answerSurvey(surveyId, score) {
    return this.sendFrame({ type: "survey_answer", survey_id: surveyId, score });
  }

  /// Returns null when `file` is within ATTACHMENT_LIMITS, else the reason it is not.
  static checkAttachment(file) {
    if (!ATTACHMENT_LIMITS.contentTypes.includes(file.type)) {
      return `${file.type || "this file type"} is not accepted; send JPEG, PNG, GIF or PDF`;
    }
    if (file.size > ATTACHMENT_LIMITS.maxBytes) {
      return "the file is larger than 5 MB";
    }
    return null;
  }

  /// Returns the messages written but not yet acknowledged, oldest first.
  queued() {
    return this.load("queue", []);
  }

  load(key, fallback) {
    try {
      const value = this.storage.getItem(this.prefix + key);
      return value === null ? fallback : JSON.parse(value);
    } catch {
      return fallback;
    }
  }

  store(key, value) {
    try {
      if (value === null) {
        this.storage.removeItem(this.prefix + key);
      } else {
        this.storage.setItem(this.prefix + key, JSON.stringify(value));
      }
    } catch {
      // Storage can be full or blocked (private mode); the session then lasts for the page.
    }
  }

  open() {
    if (this.stopped || this.socket) {
      return;
    }
    if (navigator.onLine === false) {
      this.emit("status", "offline");
      return;
    }
    const url = new URL(`/webchat/${encodeURIComponent(this.inbox)}/socket`, this.baseUrl);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    this.emit("status", this.attempts === 0 ? "connecting" : "reconnecting");
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.addEventListener("open", () => {
      const hello = { type: "hello", last_message_id: this.lastMessageId };
      const token = this.load("token", "");
      if (token) {
        hello.token = token;
      }
      socket.send(JSON.stringify(hello));
    });
    socket.addEventListener("message", (event) => this.handleFrame(event.data));
    socket.addEventListener("close", () => {
      if (this.socket === socket) {
        this.socket = null;
        this.ready = false;
        this.scheduleReconnect();
      }
    });
  }

  dropSocket(status) {
    const socket = this.socket;
    this.socket = null;
    this.ready = false;
    if (socket) {
      socket.close();
    }
    this.emit("status", status);
  }

  reconnectNow() {
    clearTimeout(this.reconnectTimer);
    this.attempts = 0;
    this.open();
  }

  scheduleReconnect() {
    if (this.stopped) {
      return;
    }
    if (navigator.onLine === false) {
      this.emit("status", "offline");
      return;
    }
    if (this.attempts >= MAX_RECONNECT_ATTEMPTS) {
      this.emit("status", "failed");
      return;
    }
    const delays = this.reconnectDelaysMs;
    const delay = delays[Math.min(this.attempts, delays.length - 1)];
    this.attempts += 1;
    this.emit("status", "reconnecting");
    this.reconnectTimer = setTimeout(() => this.open(), delay);
  }

  sendFrame(frame) {
    if (!this.ready || !this.socket || this.socket.readyState !== WebSocket.OPEN) {
      return false;
    }
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  handleFrame(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    switch (frame.type) {
      case "session":
        this.store("token", frame.token);
        this.visitorId = frame.visitor_id;
        this.emit("session", { visitor_id: frame.visitor_id, resumed: frame.resumed });
        this.ready = true;
        this.attempts = 0;
        this.emit("status", "online");
        this.flushQueue();
        break;
      case "history":
        frame.messages.forEach((message) => this.receive(message));
        if (frame.more) {
          this.sendFrame({ type: "history", after: frame.last_message_id });
        }
        break;
      case "message":
        this.receive(frame.message);
        break;
      case "ack":
        this.acknowledge(frame.client_id, frame.message_id);
        break;
      case "typing":
        this.emit("typing", frame.state);
        break;
      case "conversation":
        if (frame.status === "resolved") {
          this.emit("resolved", frame);
        }
        break;
      case "survey":
        this.emit("survey", frame);
        break;
      case "survey_answered":
        this.emit("survey_answered", frame);
        break;
      case "error":
        if (frame.code === "session_expired") {
          // The old session is gone: start a new one; queued messages go to the new session.
          this.store("token", null);
          this.lastMessageId = 0;
          this.dropSocket("reconnecting");
          this.open();
        } else {
          this.emit("error", frame);
        }
        break;
      default:
        break;
    }
  }

  flushQueue() {
    for (const queued of this.queued()) {
      this.sendFrame(messageFrame(queued));
    }
  }

  acknowledge(clientId, messageId) {
    this.store("queue", this.queued().filter((queued) => queued.client_id !== clientId));
    this.emit("ack", { client_id: clientId, message_id: messageId });
  }

  receive(message) {
    if (message.id > this.lastMessageId) {
      this.lastMessageId = message.id;
    }
    // A stored copy of a queued message means its ack was lost with the connection.
    if (message.client_id && this.queued().some((queued) => queued.client_id === message.client_id)) {
      this.acknowledge(message.client_id, message.id);
    }
    this.emit("message", message);
  }
}
