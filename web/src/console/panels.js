// Side panels whose data other server modules provide: the customer profile with recent
// transactions (GET /api/v1/conversations/{id}/customer), knowledge-base suggestions
// (GET /api/v1/conversations/{id}/suggestions) and the agent's presence
// (GET /api/v1/agents/{id}, PUT /api/v1/agents/{id}/presence). Each panel requests its route. When the server
// returns 404 because it lacks that module, the panel shows that in place of the data.
import { request, requestOptional } from "./api.js";
import { byId, el, replaceChildren } from "../shared/dom.js";

function panelBody(id) {
  return byId(id).querySelector(".panel-body");
}

const PROFILE_FIELDS = [
  ["customer_id", "Customer id"],
  ["tier", "Tier"],
  ["phone", "Phone"],
  ["email", "Email"],
  ["address", "Address"],
  ["card_status", "Card"],
];

function transactionText(transaction) {
  const date = transaction.occurred_at ? new Date(transaction.occurred_at).toLocaleDateString() : "";
  const amount = [transaction.amount, transaction.currency].filter(Boolean).join(" ");
  return [date, transaction.description, amount, transaction.status].filter(Boolean).join(" · ");
}

export async function showProfile(conversation) {
  const body = panelBody("profile-panel");
  const identities = el("ul", { class: "identities" },
    (conversation.identities ?? []).map((identity) => el("li", {}, `${identity.kind}: ${identity.value}`)));
  const result = await requestOptional("GET", `/api/v1/conversations/${conversation.id}/customer`);
  if (!result) {
    replaceChildren(body, identities, el("p", { class: "muted" }, "No customer profile source is configured on this server."));
    return;
  }
  if (!result.customer) {
    replaceChildren(body, identities, el("p", { class: "muted" }, "No customer record matches this contact."));
    return;
  }
  const customer = result.customer;
  const transactions = result.transactions ?? [];
  const fields = PROFILE_FIELDS.filter(([key]) => customer[key]);
  replaceChildren(body,
    el("p", { class: "customer-name" }, customer.name ?? ""),
    identities,
    el("dl", { class: "profile" },
      fields.map(([key, label]) => [el("dt", {}, label), el("dd", {}, String(customer[key]))]),
      customer.balance ? [el("dt", {}, "Balance"), el("dd", {}, `${customer.balance} ${customer.currency ?? ""}`.trim())] : null),
    el("h3", {}, "Recent transactions"),
    transactions.length
      ? el("ul", { class: "transactions" }, transactions.map((transaction) => el("li", {}, transactionText(transaction))))
      : el("p", { class: "muted" }, "No recent transactions"));
}

export async function showSuggestions(conversation, onInsert) {
  const body = panelBody("suggestions-panel");
  const result = await requestOptional("GET", `/api/v1/conversations/${conversation.id}/suggestions`);
  if (!result) {
    replaceChildren(body, el("p", { class: "muted" }, "Knowledge-base suggestions are not available on this server."));
    return;
  }
  const articles = result.suggestions ?? result.articles ?? [];
  replaceChildren(body, articles.length
    ? el("ul", { class: "suggestions" }, articles.map((article) => el("li", {},
      el("p", { class: "article-title" }, article.title ?? ""),
      el("p", { class: "article-body" }, article.body ?? article.snippet ?? ""),
      el("button", { type: "button", onclick: () => onInsert(article.body ?? article.snippet ?? "") }, "Insert in reply"))))
    : el("p", { class: "muted" }, "No matching articles"));
}

export async function showPresence(agent, onError) {
  const panel = byId("presence-panel");
  const state = await requestOptional("GET", `/api/v1/agents/${agent.id}`);
  if (!state || state.presence === undefined) {
    replaceChildren(panel);
    return;
  }
  const select = el("select", { id: "presence-select" },
    ["online", "away", "offline"].map((presence) => el("option", { value: presence, selected: state.presence === presence }, presence)));
  select.addEventListener("change", () => {
    request("PUT", `/api/v1/agents/${agent.id}/presence`, { presence: select.value }).catch(onError);
  });
  replaceChildren(panel, el("label", { for: "presence-select" }, "Presence "), select);
}
