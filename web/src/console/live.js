// Live updates of the console behind one interface: subscribe(listener) gets {kind: "refresh"}
// whenever the queue or the open conversation may have changed.
//
// The agent feed WebSocket (/api/v1/feed, authenticated by the session cookie) triggers a
// refresh for each event it pushes. While the feed is not connected (a server without it, or a
// lost connection), the console polls every `pollIntervalMs` (3 s) while the page is visible.
// With the feed connected it still refreshes every `feedSafetyIntervalMs` (5 s), because
// delivery and read statuses of outbound messages are not feed events.

const FEED_RECONNECT_DELAYS_MS = [1000, 2000, 5000, 10000, 30000];
const MAX_FEED_ATTEMPTS = 100;
const EVENT_DEBOUNCE_MS = 150;

export function createLiveUpdates({ pollIntervalMs = 3000, feedSafetyIntervalMs = 5000 } = {}) {
  const listeners = new Set();
  let timer = null;
  let lastTick = 0;
  let feed = null;
  let feedReady = false;
  let feedAttempts = 0;
  let feedTimer = null;
  let debounceTimer = null;
  let stopped = true;

  function tick() {
    lastTick = Date.now();
    for (const listener of listeners) {
      listener({ kind: "refresh" });
    }
  }

  function onVisibility() {
    if (document.visibilityState === "visible") {
      tick();
    }
  }

  function connectFeed() {
    if (stopped || typeof WebSocket === "undefined") {
      return;
    }
    const url = new URL("/api/v1/feed", location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(url);
    feed = socket;
    socket.addEventListener("message", (message) => {
      let frame;
      try {
        frame = JSON.parse(message.data);
      } catch {
        return;
      }
      if (frame.type === "ready") {
        feedReady = true;
        feedAttempts = 0;
        document.body.dataset.liveUpdates = "feed";
        tick();
      } else if (frame.type === "event") {
        clearTimeout(debounceTimer);
        debounceTimer = setTimeout(tick, EVENT_DEBOUNCE_MS);
      }
    });
    socket.addEventListener("close", () => {
      if (feed !== socket) {
        return;
      }
      feed = null;
      feedReady = false;
      document.body.dataset.liveUpdates = "polling";
      if (!stopped && feedAttempts < MAX_FEED_ATTEMPTS) {
        const delay = FEED_RECONNECT_DELAYS_MS[Math.min(feedAttempts, FEED_RECONNECT_DELAYS_MS.length - 1)];
        feedAttempts += 1;
        feedTimer = setTimeout(connectFeed, delay);
      }
    });
  }

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start() {
      if (!stopped) {
        return;
      }
      stopped = false;
      document.body.dataset.liveUpdates = "polling";
      lastTick = Date.now();
      timer = setInterval(() => {
        const interval = feedReady ? feedSafetyIntervalMs : pollIntervalMs;
        if (document.visibilityState === "visible" && Date.now() - lastTick >= interval) {
          tick();
        }
      }, 1000);
      document.addEventListener("visibilitychange", onVisibility);
      connectFeed();
    },
    stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(feedTimer);
      clearTimeout(debounceTimer);
      document.removeEventListener("visibilitychange", onVisibility);
      feed?.close();
      feed = null;
    },
    /// Asks for a refresh now, after the console itself changed something.
    nudge: tick,
  };
}
