// The supervisor view: every conversation grouped into queues (waiting for an agent by
// priority, with the bot, assigned, resolved), the team queues when the server has routing
// (GET /api/v1/queues), and every agent with presence and the number assigned.
import { request, requestOptional } from "./api.js";
import { contactName, formatDuration, PRIORITY_ORDER } from "./format.js";
import { byId, el, replaceChildren } from "../shared/dom.js";

// The maximum number of conversations the view reads; the API marks a longer list as truncated.
const ALL_LIMIT = 1000;

function queueOf(conversation) {
  if (conversation.status === "resolved") {
    return "resolved";
  }
  if (conversation.tier === 0) {
    return "with the bot";
  }
  return conversation.assignee_agent_id === null ? `waiting · ${conversation.priority}` : "assigned";
}

export async function showSupervisorView({ onOpen }) {
  const [all, agents, teams] = await Promise.all([
    request("GET", `/api/v1/conversations?view=all&limit=${ALL_LIMIT}`),
    request("GET", "/api/v1/agents"),
    requestOptional("GET", "/api/v1/queues"),
  ]);
  const groups = new Map();
  for (const conversation of all.conversations) {
    const queue = queueOf(conversation);
    if (!groups.has(queue)) {
      groups.set(queue, []);
    }
    groups.get(queue).push(conversation);
  }
  const laterQueues = ["assigned", "with the bot", "resolved"];
  const order = (name) => {
    if (name.startsWith("waiting")) {
      return PRIORITY_ORDER[name.split(" · ")[1]] ?? 3;
    }
    return 4 + laterQueues.indexOf(name);
  };
  const names = [...groups.keys()].sort((a, b) => order(a) - order(b));
  const now = Date.now();
  const agentNames = new Map(agents.agents.map((agent) => [agent.id, agent.name]));

  replaceChildren(byId("supervisor-queues"),
    el("h3", {}, "Queues"),
    all.truncated ? el("p", { class: "note" }, `Counts cover the oldest ${ALL_LIMIT} conversations; more exist.`) : null,
    el("table", { class: "grid" },
      el("caption", { class: "visually-hidden" }, "Conversations by queue"),
      el("thead", {}, el("tr", {}, ["Queue", "Conversations", "Longest wait"].map((text) => el("th", { scope: "col" }, text)))),
      el("tbody", {}, names.map((name) => {
        const items = groups.get(name);
        const oldest = Math.min(...items.map((item) => item.handed_off_at ?? item.created_at));
        return el("tr", {}, el("th", { scope: "row" }, name), el("td", {}, String(items.length)),
          el("td", {}, name === "resolved" ? "" : formatDuration(now - oldest)));
      }))),
    teams ? el("h3", {}, "Team queues") : null,
    teams ? el("table", { class: "grid" },
      el("caption", { class: "visually-hidden" }, "Team queues"),
      el("thead", {}, el("tr", {}, ["Team", "Policy", "Waiting", "Oldest wait"].map((text) => el("th", { scope: "col" }, text)))),
      el("tbody", {}, teams.queues.map((queue) => el("tr", {},
        el("th", { scope: "row" }, queue.name ?? queue.team),
        el("td", {}, queue.policy ?? ""),
        el("td", {}, String(queue.count ?? 0)),
        el("td", {}, queue.oldest_wait_s ? formatDuration(queue.oldest_wait_s * 1000) : ""))))) : null,
    el("h3", {}, "Open conversations"),
    el("ul", { class: "conversation-list" }, all.conversations
      .filter((conversation) => conversation.status !== "resolved")
      .map((conversation) => el("li", {}, el("button", {
        type: "button",
        class: "conversation-row",
        onclick: () => onOpen(conversation.id, contactName(conversation)),
      }, el("span", { class: "name" }, contactName(conversation)),
      el("span", { class: `priority priority-${conversation.priority}` }, conversation.priority),
      el("span", { class: "clock" }, conversation.assignee_agent_id ? agentNames.get(conversation.assignee_agent_id) ?? "" : queueOf(conversation)))))));

  replaceChildren(byId("supervisor-agents"),
    el("h3", {}, "Agents"),
    el("table", { class: "grid" },
      el("caption", { class: "visually-hidden" }, "Agents"),
      el("thead", {}, el("tr", {}, ["Agent", "Role", "Presence", "Assigned"].map((text) => el("th", { scope: "col" }, text)))),
      el("tbody", {}, agents.agents.map((agent) => el("tr", {},
        el("th", { scope: "row" }, agent.name),
        el("td", {}, agent.role),
        el("td", {}, agent.presence ?? "not tracked"),
        el("td", {}, String(agent.assigned)))))));
}
