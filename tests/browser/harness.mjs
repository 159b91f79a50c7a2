// Starts the real server and the fake provider on 127.0.0.1 for the browser tests, with a
// config in a fresh temporary directory, and stops both by pid. Every wait has a deadline.
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync, openSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export const CSAT_QUESTION = "How happy are you with our help today? Tap a score from 1 to 5.";
export const SURVEY_THANKS = "Thank you for your feedback!";

export const AGENT = { login: "alice", password: "browser-agent-password" };
export const SUPERVISOR = { login: "sam", password: "browser-supervisor-password" };
export const WHATSAPP_SECRET = "browser_whatsapp_app_secret";
export const TWILIO_AUTH_TOKEN = "browser_twilio_auth_token";
export const CANNED_HOURS = "We are open Monday to Friday, 8:00 to 20:00.";
const START_LIMIT_MS = 20000;

/// Returns a TCP port on 127.0.0.1 that was free a moment ago.
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function hashPassword(binary, password) {
  const result = spawnSync(binary, ["hash-password", "--password", password], { encoding: "utf8", timeout: 30000 });
  if (result.status !== 0) {
    throw new Error(`${binary} hash-password failed: ${result.stderr}`);
  }
  return result.stdout.trim();
}

function configYaml({ publicUrl, fakeUrl, storePath, agentHash, supervisorHash, embedOrigin }) {
  return `server:
  public_url: ${publicUrl}
  log_level: info
store:
  path: "${storePath}"
outbox:
  workers: 2
  base_backoff_ms: 20
  max_backoff_ms: 200
compliance:
  opt_out_confirmation: "ExampleCo: you are unsubscribed."
  opt_in_confirmation: "ExampleCo: you are subscribed again."
  help_reply: "ExampleCo: help at support.example.com."
bot:
  handoff_after: 3
  handoff_message: "I am passing you to a member of our support team."
  fallback_message: "Sorry, I did not understand that."
  rules:
    - name: greeting
      phrases: ["hello"]
      answer: "Hello! How can I help you today?"
agents:
  - login: ${AGENT.login}
    name: Alice Agent
    role: agent
    password_hash: "${agentHash}"
  - login: ${SUPERVISOR.login}
    name: Sam Supervisor
    role: supervisor
    password_hash: "${supervisorHash}"
web:
  embed_origins: ["${embedOrigin}"]
surveys:
  csat_question: "${CSAT_QUESTION}"
  thanks_message: "${SURVEY_THANKS}"
canned_responses:
  - code: hours
    text: "${CANNED_HOURS}"
  - code: bye
    text: "Thank you for contacting us. Goodbye!"
inboxes:
  - id: sms
    channel: twilio_sms
    account_sid: AC00000000000000000000000000000001
    auth_token: ${TWILIO_AUTH_TOKEN}
    from: "+12025550145"
    api_base_url: ${fakeUrl}
  - id: whatsapp
    channel: whatsapp
    phone_number_id: "200000000000001"
    access_token: browser_whatsapp_access_token
    app_secret: ${WHATSAPP_SECRET}
    verify_token: browser_whatsapp_verify_token
    api_base_url: ${fakeUrl}
  - id: chat
    channel: webchat
    title: ExampleCo Support
`;
}

/// Waits until `url` responds with a status that `accept` takes (by default any below 500).
/// Throws when `child` exits first or START_LIMIT_MS passes.
export async function waitForHttp(url, child, name, accept = (status) => status < 500) {
  const deadline = Date.now() + START_LIMIT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${name} exited with code ${child.exitCode} during start`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (accept(response.status)) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${name} did not answer ${url} within ${START_LIMIT_MS} ms`);
}

/// Stops `child` with SIGTERM, and with SIGKILL when it has not exited 5 s later.
export async function stopChild(child) {
  if (child.exitCode !== null) {
    return;
  }
  child.kill("SIGTERM");
  await Promise.race([
    new Promise((resolve) => child.once("exit", resolve)),
    new Promise((resolve) => setTimeout(resolve, 5000)),
  ]);
  if (child.exitCode === null) {
    child.kill("SIGKILL");
  }
}

/// Starts the fake provider and the server. Returns {baseUrl, stop()}.
export async function startServers(binary) {
  const dir = mkdtempSync(path.join(tmpdir(), "mobilelink-browser-"));
  const [serverPort, fakePort, embedPort] = [await freePort(), await freePort(), await freePort()];
  const embedOrigin = `http://127.0.0.1:${embedPort}`;
  const baseUrl = `http://127.0.0.1:${serverPort}`;
  const fakeUrl = `http://127.0.0.1:${fakePort}`;
  const configPath = path.join(dir, "config.yaml");
  writeFileSync(configPath, configYaml({
    publicUrl: baseUrl,
    fakeUrl,
    storePath: path.join(dir, "mobilelink.db"),
    agentHash: hashPassword(binary, AGENT.password),
    supervisorHash: hashPassword(binary, SUPERVISOR.password),
    embedOrigin,
  }));
  const children = [];
  const logOf = (name) => openSync(path.join(dir, `${name}.log`), "a");
  const fake = spawn(binary, ["fake-provider", "--listen", `127.0.0.1:${fakePort}`, "--config", configPath,
    "--state", path.join(dir, "fake.jsonl")], { stdio: ["ignore", logOf("fake"), logOf("fake")] });
  children.push(fake);
  const server = spawn(binary, ["serve", "--config", configPath, "--listen", `127.0.0.1:${serverPort}`],
    { stdio: ["ignore", logOf("server"), logOf("server")] });
  children.push(server);

  // Keeps the logs and the database for a look after a failed run.
  async function stop(keepFiles = false) {
    for (const child of children) {
      await stopChild(child);
    }
    if (keepFiles) {
      console.log(`server and fake provider logs kept in ${dir}`);
    } else {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  try {
    await waitForHttp(`${fakeUrl}/_fake/behaviour`, fake, "the fake provider");
    await waitForHttp(`${baseUrl}/healthz`, server, "the server");
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, embedPort, logDir: dir, stop };
}

/// Logs in with the password grant and returns a bearer token for API checks.
export async function apiToken(baseUrl, account) {
  const response = await fetch(`${baseUrl}/oauth/token`, {
    method: "POST",
    body: new URLSearchParams({ grant_type: "password", username: account.login, password: account.password }),
  });
  if (response.status !== 200) {
    throw new Error(`login of ${account.login} failed with ${response.status}`);
  }
  return (await response.json()).access_token;
}

export async function api(baseUrl, token, method, route) {
  const response = await fetch(`${baseUrl}${route}`, { method, headers: { Authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.json().catch(() => null) };
}

/// Posts a WhatsApp Cloud API text notification signed with the inbox's app secret.
export async function postWhatsApp(baseUrl, { messageId, waId, name, text }) {
  const body = JSON.stringify({
    object: "whatsapp_business_account",
    entry: [{
      id: "100000000000001",
      changes: [{
        field: "messages",
        value: {
          messaging_product: "whatsapp",
          metadata: { display_phone_number: "12025550145", phone_number_id: "200000000000001" },
          contacts: [{ profile: { name }, wa_id: waId }],
          messages: [{ from: waId, id: messageId, timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: text } }],
        },
      }],
    }],
  });
  const signature = "sha256=" + createHmac("sha256", WHATSAPP_SECRET).update(body).digest("hex");
  const response = await fetch(`${baseUrl}/webhooks/whatsapp/whatsapp`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Hub-Signature-256": signature },
    body,
  });
  if (response.status !== 200) {
    throw new Error(`the WhatsApp webhook answered ${response.status}: ${await response.text()}`);
  }
}

/// Posts an inbound SMS to the `sms` inbox, signed as Twilio signs webhooks: HMAC-SHA1 over the
/// URL followed by each form key and value in key order, base64-encoded.
export async function postSms(baseUrl, { messageSid, from, text }) {
  const url = `${baseUrl}/webhooks/twilio/sms`;
  const form = {
    MessageSid: messageSid, SmsMessageSid: messageSid, AccountSid: "AC00000000000000000000000000000001",
    From: from, To: "+12025550145", Body: text, NumMedia: "0", NumSegments: "1",
    SmsStatus: "received", ApiVersion: "2010-04-01",
  };
  const signed = url + Object.keys(form).sort().map((key) => key + form[key]).join("");
  const signature = createHmac("sha1", TWILIO_AUTH_TOKEN).update(signed).digest("base64");
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature },
    body: new URLSearchParams(form),
  });
  if (response.status !== 200) {
    throw new Error(`the Twilio webhook answered ${response.status}: ${await response.text()}`);
  }
}

/// Resolves every open conversation as `token`'s supervisor, so a test starts with an empty queue.
export async function resolveAll(baseUrl, token) {
  const all = await api(baseUrl, token, "GET", "/api/v1/conversations?view=all");
  for (const conversation of all.body.conversations) {
    if (conversation.status !== "resolved" && conversation.tier >= 1) {
      await api(baseUrl, token, "POST", `/api/v1/conversations/${conversation.id}/resolve`);
    }
  }
}

/// Serves a page that embeds the chat launcher of `baseUrl` on 127.0.0.1:`port` (0 picks a
/// port). Returns {url, close()}.
export function startHostPage(baseUrl, port) {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head>
<body><h1>Shop</h1><script src="${baseUrl}/assets/embed.js" data-inbox="chat" data-label="Chat with us"></script></body></html>`;
  const server = createServer((request, response) => {
    response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    response.end(html);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}/`,
        close: () => new Promise((done) => server.close(done)),
      });
    });
  });
}
