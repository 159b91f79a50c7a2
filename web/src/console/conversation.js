// The conversation view: the whole transcript across channels (a channel mark on each message,
// delivery and read status of outbound messages, internal notes set apart) and the actions
// claim, transfer, escalate, hand back and resolve. Customer text, names and attachment file
// names are rendered as text only.
import { ApiError, request, requestOptional } from "./api.js";
import { channelLabel, contactName } from "./format.js";
import { byId, el, fileNameOf, formatTime, replaceChildren, safeHttpUrl } from "../shared/dom.js";

const IMAGE_TYPES = ["image/jpeg", "image/png", "image/gif"];
const STATUS_LABELS = { queued: "queued", sent: "sent", delivered: "delivered", read: "read", failed: "failed" };

export function createConversationView({ session, onChanged, onError, replyBox, onLoaded }) {
  const title = byId("conversation-title");
  const actions = byId("conversation-actions");
  const transcript = byId("transcript");
  const channelOf = new Map(session.inboxes.map((inbox) => [inbox.id, inbox.channel]));
  const isSupervisor = session.agent.role === "supervisor" || session.agent.role === "admin";
  let current = null;
  let shownMessageIds = "";
  let shownActionsKey = "";

  function messageRow(message) {
    const note = message.direction === "internal";
    const channel = channelLabel(channelOf.get(message.inbox_id));
    let author = "Agent";
    if (message.direction === "inbound") {
      author = "Customer";
    } else if (message.sender === "bot") {
      author = "Bot";
    } else if (note) {
      author = "Internal note";
    }
    const media = (message.media ?? []).map((item) => {
      const url = safeHttpUrl(item.url);
      const name = item.file_name || fileNameOf(item.url);
      const image = url && IMAGE_TYPES.includes(item.content_type)
        ? el("img", { class: "attachment-preview", src: url, alt: name }) : null;
      return el("li", { class: "attachment" }, image,
        url ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, name) : name);
    });
    return el("li", { class: `entry ${message.direction}`, id: `message-${message.id}` },
      el("div", { class: "entry-head" },
        el("span", { class: "who" }, author),
        note ? null : el("span", { class: "channel-mark" }, channel),
        el("time", { datetime: new Date(message.created_at).toISOString() }, formatTime(message.created_at)),
        message.direction === "outbound"
          ? el("span", { class: `delivery delivery-${message.status}` }, STATUS_LABELS[message.status] ?? message.status)
          : null),
      el("p", { class: "entry-text" }, message.text),
      media.length ? el("ul", { class: "attachments" }, media) : null,
      message.error_message ? el("p", { class: "error" }, message.error_message) : null);
  }

  function actionButton(id, label, shortcut, handler) {
    return el("button", { type: "button", id, "aria-keyshortcuts": shortcut, onclick: handler }, label);
  }

  async function act(path, body, announcement, method = "POST") {
    try {
      await request(method, `/api/v1/conversations/${current.id}/${path}`, body);
      byId("live-status").textContent = announcement;
      onChanged();
      await load(current.id, current.contactName);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404 && error.code !== "conversation_not_found") {
        onError(new Error(`${path} is not available on this server`));
      } else {
        onError(error);
      }
    }
  }

  // Opens an inline form in the toolbar with one select and a submit button.
  function inlineForm(id, label, options, submitLabel, onSubmit) {
    document.getElementById(`${id}-form`)?.remove();
    const select = el("select", { id }, options.map(([value, text]) => el("option", { value }, text)));
    const form = el("form", { class: "inline-form", id: `${id}-form`, onsubmit: (event) => {
      event.preventDefault();
      onSubmit(select.value);
    } }, el("label", { for: id }, label), select, el("button", { type: "submit" }, submitLabel));
    actions.appendChild(form);
    select.focus();
  }

  // Transfer targets: team queues (GET /api/v1/queues) for everyone, agents for supervisors.
  async function transfer() {
    try {
      const queues = await requestOptional("GET", "/api/v1/queues");
      const agents = isSupervisor ? (await request("GET", "/api/v1/agents")).agents : [];
      const options = [
        ...(queues?.queues ?? []).map((queue) => [`team:${queue.team}`, `Team ${queue.name ?? queue.team}`]),
        ...agents.filter((agent) => agent.id !== session.agent.id)
          .map((agent) => [`agent:${agent.id}`, `${agent.name} (${agent.assigned} open)`]),
      ];
      if (options.length === 0) {
        onError(new Error("no team or agent to transfer to"));
        return;
      }
      inlineForm("transfer-target", "Transfer to", options, "Transfer", (value) => {
        const [kind, target] = value.split(/:(.*)/s);
        const body = kind === "team" ? { team: target } : { agent_id: Number(target) };
        act("transfer", body, "Conversation transferred");
      });
    } catch (error) {
      onError(error);
    }
  }

  function escalate() {
    inlineForm("escalate-reason", "Reason", [["manual", "Needs a specialist"], ["needs_engineering", "Needs engineering"]],
      "Escalate", (reason) => act("escalate", { reason }, "Conversation escalated"));
  }

  function prioritySelect(conversation) {
    const select = el("select", { id: "priority-select" },
      ["critical", "high", "standard"].map((priority) => el("option", { value: priority, selected: conversation.priority === priority }, priority)));
    select.addEventListener("change", () => act("priority", { priority: select.value }, `Priority set to ${select.value}`, "PUT"));
    return el("span", { class: "priority-control" }, el("label", { for: "priority-select" }, "Priority "), select);
  }

  function renderActions(conversation) {
    const mine = conversation.assignee_agent_id === session.agent.id;
    const open = conversation.status !== "resolved";
    const buttons = [];
    if (open && conversation.assignee_agent_id === null && conversation.tier >= 1) {
      buttons.push(actionButton("action-claim", "Claim", "c", () => act("claim", undefined, "Conversation claimed")));
    }
    if (open && (mine || isSupervisor)) {
      buttons.push(actionButton("action-transfer", "Transfer", "t", transfer));
      buttons.push(actionButton("action-escalate", "Escalate", "x", escalate));
      buttons.push(actionButton("action-handback", "Hand back to bot", "b", () => act("handback", undefined, "Conversation handed back to the bot")));
      buttons.push(actionButton("action-resolve", "Resolve", "e", () => act("resolve", undefined, "Conversation resolved")));
    }
    replaceChildren(actions, buttons, open ? prioritySelect(conversation) : null,
      el("span", { class: "state" }, `${conversation.status} · tier ${conversation.tier}`));
  }

  async function load(id, name) {
    const conversation = await request("GET", `/api/v1/conversations/${id}/messages`);
    const channel = channelOf.get(conversation.inbox_id);
    const knownName = current?.id === id ? current.contactName : undefined;
    current = { ...conversation, contactName: name ?? knownName ?? contactName(conversation), channel };
    title.textContent = `${current.contactName} · #${conversation.id}`;
    // Polling reloads the conversation often; re-rendering the toolbar would close open forms.
    const actionsKey = [conversation.id, conversation.status, conversation.tier, conversation.assignee_agent_id, conversation.priority].join(":");
    if (actionsKey !== shownActionsKey) {
      renderActions(conversation);
      shownActionsKey = actionsKey;
    }
    const ids = conversation.messages.map((message) => `${message.id}:${message.status}`).join(",");
    if (ids !== shownMessageIds) {
      const newMessages = conversation.messages.length - transcript.children.length;
      replaceChildren(transcript, conversation.messages.map(messageRow));
      transcript.lastElementChild?.scrollIntoView({ block: "end" });
      if (shownMessageIds && newMessages > 0) {
        byId("live-status").textContent = `${newMessages} new message${newMessages === 1 ? "" : "s"}`;
      }
      shownMessageIds = ids;
    }
    replyBox.show(conversation.status === "resolved" ? null : current);
    onLoaded(current);
    return current;
  }

  return {
    load,
    current: () => current,
    async refresh() {
      if (current) {
        await load(current.id);
      }
    },
    clear() {
      current = null;
      shownMessageIds = "";
      shownActionsKey = "";
      title.textContent = "No conversation open";
      replaceChildren(actions);
      replaceChildren(transcript);
      replyBox.show(null);
    },
    clickAction(id) {
      const button = document.getElementById(id);
      if (button) {
        button.click();
        return true;
      }
      return false;
    },
  };
}
