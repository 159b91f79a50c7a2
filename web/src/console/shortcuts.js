// Keyboard shortcuts of the console. Single keys act when the focus is not in a text field;
// Escape leaves a text field or closes the help dialog. The help dialog lists them all.

export const SHORTCUTS = [
  { key: "j", description: "Open the next conversation in the lists", action: "next" },
  { key: "k", description: "Open the previous conversation in the lists", action: "previous" },
  { key: "c", description: "Claim the open conversation", action: "claim" },
  { key: "r", description: "Write a reply", action: "reply" },
  { key: "n", description: "Switch the reply between message and internal note", action: "note" },
  { key: "t", description: "Transfer the open conversation", action: "transfer" },
  { key: "x", description: "Escalate the open conversation", action: "escalate" },
  { key: "e", description: "Resolve the open conversation", action: "resolve" },
  { key: "q", description: "Go to the queue", action: "queue" },
  { key: "s", description: "Switch to the supervisor view (supervisors)", action: "supervisor" },
  { key: "?", description: "Show this help", action: "help" },
  { key: "Enter", description: "In the reply box: send (Shift+Enter for a new line)", action: null },
  { key: "Tab", description: "In the reply box after /code: insert the canned response", action: null },
  { key: "Escape", description: "Leave the reply box, or close this help", action: null },
];

function inTextField(target) {
  return target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

/// Calls handlers[action] for each shortcut key pressed outside text fields.
export function installShortcuts(handlers) {
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    if (event.key === "Escape") {
      handlers.escape?.(event);
      return;
    }
    if (inTextField(event.target)) {
      return;
    }
    const shortcut = SHORTCUTS.find((candidate) => candidate.key === event.key && candidate.action);
    if (shortcut && handlers[shortcut.action]) {
      event.preventDefault();
      handlers[shortcut.action]();
    }
  });
}
