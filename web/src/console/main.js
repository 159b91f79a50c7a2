// The agent console at /console: login, then the queue, the conversation view, the side panels
// and the supervisor view, refreshed through the live-updates module.
import { ApiError, logIn, logOut, loadSession } from "./api.js";
import { createConversationView } from "./conversation.js";
import { createLiveUpdates } from "./live.js";
import { showPresence, showProfile, showSuggestions } from "./panels.js";
import { createQueuePanel } from "./queue.js";
import { createReplyBox } from "./reply.js";
import { installShortcuts, SHORTCUTS } from "./shortcuts.js";
import { showSupervisorView } from "./supervisor.js";
import { byId, el, replaceChildren } from "../shared/dom.js";

const errorBanner = byId("action-error");

function showError(error) {
  errorBanner.textContent = error instanceof ApiError || error instanceof Error ? error.message : String(error);
  if (error instanceof ApiError && error.status === 401) {
    location.reload();
  }
}

function clearError() {
  errorBanner.textContent = "";
}

function setUpHelp() {
  const dialog = byId("help-dialog");
  replaceChildren(byId("help-list"), SHORTCUTS.map((shortcut) => [
    el("dt", {}, el("kbd", {}, shortcut.key)),
    el("dd", {}, shortcut.description),
  ]));
  let returnFocus = null;
  const open = () => {
    returnFocus = document.activeElement;
    dialog.hidden = false;
    byId("help-close").focus();
  };
  const close = () => {
    dialog.hidden = true;
    returnFocus?.focus?.();
  };
  byId("help-button").addEventListener("click", open);
  byId("help-close").addEventListener("click", close);
  return { open, close, isOpen: () => !dialog.hidden };
}

async function start(session) {
  byId("login").hidden = true;
  byId("app").hidden = false;
  byId("agent-name").textContent = session.agent.name;
  const isSupervisor = session.agent.role === "supervisor" || session.agent.role === "admin";
  byId("view-supervisor").hidden = !isSupervisor;

  const live = createLiveUpdates();
  const replyBox = createReplyBox({
    cannedResponses: session.canned_responses,
    onSent: () => {
      clearError();
      live.nudge();
    },
    onError: showError,
  });
  let supervisorMode = false;
  const conversationView = createConversationView({
    session,
    replyBox,
    onChanged: () => {
      clearError();
      live.nudge();
    },
    onError: showError,
    onLoaded: () => {},
  });
  const queue = createQueuePanel({ onOpen: (id) => openConversation(id) });

  async function openConversation(id, name) {
    try {
      clearError();
      setSupervisorMode(false);
      const previous = conversationView.current()?.id;
      const listed = document.querySelector(`.conversation-row[data-conversation-id="${id}"] .name`);
      const conversation = await conversationView.load(id, name ?? listed?.textContent);
      queue.setOpen(id);
      if (previous !== id) {
        byId("conversation").focus();
        showProfile(conversation).catch(showError);
        showSuggestions(conversation, (text) => replyBox.insert(text)).catch(showError);
      }
    } catch (error) {
      showError(error);
    }
  }

  function setSupervisorMode(on) {
    supervisorMode = on;
    byId("supervisor-view").hidden = !on;
    byId("view-supervisor").setAttribute("aria-pressed", String(on));
    byId("view-queue").setAttribute("aria-pressed", String(!on));
    document.querySelector(".workspace").classList.toggle("supervising", on);
    if (on) {
      showSupervisorView({ onOpen: openConversation }).catch(showError);
      byId("supervisor-view").focus();
    }
  }

  function step(offset) {
    const ids = queue.visibleIds();
    if (ids.length === 0) {
      return;
    }
    const index = ids.indexOf(conversationView.current()?.id);
    let next = (index + offset + ids.length) % ids.length;
    if (index === -1) {
      next = offset > 0 ? 0 : ids.length - 1;
    }
    openConversation(ids[next]);
  }

  live.subscribe(async () => {
    try {
      await queue.refresh();
      await conversationView.refresh();
      if (supervisorMode) {
        await showSupervisorView({ onOpen: openConversation });
      }
    } catch (error) {
      showError(error);
    }
  });

  const help = setUpHelp();
  installShortcuts({
    next: () => step(1),
    previous: () => step(-1),
    claim: () => conversationView.clickAction("action-claim"),
    reply: () => replyBox.focus(),
    note: () => replyBox.toggleNote(),
    transfer: () => conversationView.clickAction("action-transfer"),
    escalate: () => conversationView.clickAction("action-escalate"),
    resolve: () => conversationView.clickAction("action-resolve"),
    queue: () => {
      setSupervisorMode(false);
      byId("queue-panel").focus();
    },
    supervisor: () => isSupervisor && setSupervisorMode(true),
    help: help.open,
    escape: (event) => {
      if (help.isOpen()) {
        help.close();
      } else if (event.target instanceof HTMLElement && event.target.id === "reply-text") {
        byId("conversation").focus();
      }
    },
  });
  byId("view-queue").addEventListener("click", () => setSupervisorMode(false));
  byId("view-supervisor").addEventListener("click", () => setSupervisorMode(true));
  byId("logout-button").addEventListener("click", async () => {
    live.stop();
    await logOut().catch(() => {});
    location.reload();
  });

  showPresence(session.agent, showError).catch(showError);
  await queue.refresh().catch(showError);
  live.start();
  byId("queue-panel").focus();
}

function setUpLogin() {
  const form = byId("login-form");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const username = byId("login-username").value.trim();
    const password = byId("login-password").value;
    const error = byId("login-error");
    if (!username || !password) {
      error.textContent = "Enter your username and password.";
      return;
    }
    try {
      await logIn(username, password);
      byId("login-password").value = "";
      await start(await loadSession());
    } catch (failure) {
      error.textContent = failure.message;
      byId("login-password").focus();
    }
  });
}

setUpLogin();
loadSession().then(start).catch(() => {
  byId("login-username").focus();
});
