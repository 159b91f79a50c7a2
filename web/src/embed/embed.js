// The embeddable launcher. A page includes
//   <script src="https://support.example.com/assets/embed.js" data-inbox="chat" defer></script>
// and gets a chat button that opens /chat/{inbox} of the same server in an iframe. The page's
// origin must be listed in the server's web.embed_origins, or the browser refuses the frame.
(function () {
  const script = document.currentScript;
  if (!script) {
    return;
  }
  const server = new URL(script.src).origin;
  const inbox = script.dataset.inbox || "";
  const label = script.dataset.label || "Chat with us";
  const frameUrl = `${server}/chat${inbox ? "/" + encodeURIComponent(inbox) : ""}`;

  const button = document.createElement("button");
  button.type = "button";
  button.textContent = label;
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "mobilelink-chat-frame");
  Object.assign(button.style, {
    position: "fixed", right: "16px", bottom: "16px", zIndex: "2147483000",
    minHeight: "48px", padding: "0 20px", border: "0", borderRadius: "24px",
    background: "#1d4ed8", color: "#fff", font: "600 16px system-ui, sans-serif",
    boxShadow: "0 2px 8px rgba(0,0,0,.3)", cursor: "pointer",
  });

  let frame = null;
  function open() {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.id = "mobilelink-chat-frame";
      frame.title = label;
      frame.src = frameUrl;
      frame.setAttribute("allow", "");
      Object.assign(frame.style, {
        position: "fixed", right: "16px", bottom: "76px", zIndex: "2147483000",
        width: "min(380px, calc(100vw - 32px))", height: "min(600px, calc(100vh - 100px))",
        border: "1px solid #d1d5db", borderRadius: "12px", background: "#fff",
        boxShadow: "0 4px 16px rgba(0,0,0,.25)",
      });
      document.body.appendChild(frame);
    }
    frame.hidden = false;
    button.setAttribute("aria-expanded", "true");
    frame.focus();
  }
  function close() {
    frame.hidden = true;
    button.setAttribute("aria-expanded", "false");
    button.focus();
  }
  button.addEventListener("click", () => (frame && !frame.hidden ? close() : open()));
  // Keys typed in the chat stay in the frame, so the chat page reports Escape by message.
  window.addEventListener("message", (event) => {
    const fromChat = frame && event.source === frame.contentWindow && event.origin === server;
    if (fromChat && event.data && event.data.type === "mobilelink-chat:close" && !frame.hidden) {
      close();
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && frame && !frame.hidden) {
      close();
    }
  });
  document.body.appendChild(button);
})();
