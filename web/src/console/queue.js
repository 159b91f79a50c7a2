// The queue panel: waiting conversations (priority first, then longest waiting) and the agent's
// own. Each row shows the customer's name as text, the priority and a countdown to the SLA due
// time when the server sends one (sla_due_at), else the time waited since the handoff.
import { request } from "./api.js";
import { contactName, formatDuration, PRIORITY_ORDER } from "./format.js";
import { byId, el, replaceChildren } from "../shared/dom.js";

export function createQueuePanel({ onOpen }) {
  const queueList = byId("queue-list");
  const mineList = byId("mine-list");
  let openId = null;
  let countdownTimer = null;

  function sortQueue(conversations) {
    return [...conversations].sort((a, b) =>
      (PRIORITY_ORDER[a.priority] ?? 9) - (PRIORITY_ORDER[b.priority] ?? 9) ||
      (a.handed_off_at ?? a.created_at) - (b.handed_off_at ?? b.created_at));
  }

  function clockText(conversation, now) {
    if (conversation.sla_due_at) {
      const left = conversation.sla_due_at - now;
      return left >= 0 ? `SLA ${formatDuration(left)} left` : `SLA overdue ${formatDuration(left)}`;
    }
    return `waiting ${formatDuration(now - (conversation.handed_off_at ?? conversation.created_at))}`;
  }

  function row(conversation) {
    const clock = el("span", { class: "clock", dataset: { since: conversation.handed_off_at ?? conversation.created_at } });
    if (conversation.sla_due_at) {
      clock.dataset.due = conversation.sla_due_at;
    }
    clock.textContent = clockText(conversation, Date.now());
    const button = el("button", {
      type: "button",
      class: "conversation-row",
      "aria-current": conversation.id === openId ? "true" : undefined,
      dataset: { conversationId: conversation.id },
      onclick: () => onOpen(conversation.id),
    },
    el("span", { class: "name" }, contactName(conversation)),
    el("span", { class: `priority priority-${conversation.priority}` }, conversation.priority),
    clock);
    return el("li", {}, button);
  }

  function updateClocks() {
    const now = Date.now();
    for (const clock of document.querySelectorAll(".conversation-list .clock")) {
      const due = Number(clock.dataset.due);
      clock.textContent = clockText({ sla_due_at: due || undefined, handed_off_at: Number(clock.dataset.since) }, now);
      clock.classList.toggle("overdue", Boolean(due) && due < now);
    }
  }

  async function refresh() {
    const [queue, mine] = await Promise.all([
      request("GET", "/api/v1/conversations?view=queue"),
      request("GET", "/api/v1/conversations?view=mine"),
    ]);
    const sortedQueue = sortQueue(queue.conversations);
    replaceChildren(queueList, sortedQueue.length ? sortedQueue.map(row) : el("li", { class: "empty" }, "No one is waiting"));
    replaceChildren(mineList, mine.conversations.length ? mine.conversations.map(row) : el("li", { class: "empty" }, "No open conversations"));
    if (countdownTimer === null) {
      countdownTimer = setInterval(updateClocks, 1000);
    }
    return { queue: sortedQueue, mine: mine.conversations };
  }

  function setOpen(id) {
    openId = id;
    for (const button of document.querySelectorAll(".conversation-row")) {
      if (Number(button.dataset.conversationId) === id) {
        button.setAttribute("aria-current", "true");
      } else {
        button.removeAttribute("aria-current");
      }
    }
  }

  /// Returns the conversation ids in the order the lists show them.
  function visibleIds() {
    return Array.from(document.querySelectorAll(".conversation-row"), (button) => Number(button.dataset.conversationId));
  }

  return { refresh, setOpen, visibleIds };
}
