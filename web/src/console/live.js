// Live updates of the console behind one interface, so the agent feed WebSocket can replace
// polling without touching the panels: subscribe(listener) gets {kind: "refresh"} whenever the
// queue or the open conversation may have changed.
//
// This implementation polls every `intervalMs` (default 3 s) while the page is visible, and at
// once when it becomes visible again.

export function createLiveUpdates({ intervalMs = 3000 } = {}) {
  const listeners = new Set();
  let timer = null;

  function tick() {
    for (const listener of listeners) {
      listener({ kind: "refresh" });
    }
  }
  function onVisibility() {
    if (document.visibilityState === "visible") {
      tick();
    }
  }

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start() {
      if (timer === null) {
        timer = setInterval(() => {
          if (document.visibilityState === "visible") {
            tick();
          }
        }, intervalMs);
        document.addEventListener("visibilitychange", onVisibility);
      }
    },
    stop() {
      clearInterval(timer);
      timer = null;
      document.removeEventListener("visibilitychange", onVisibility);
    },
    /// Asks for a refresh now, after the console itself changed something.
    nudge: tick,
  };
}
