// Browser tests of the agent console and the customer chat widget: Playwright (playwright-core
// from web/node_modules) drives Debian's Chromium headless against the real server and the fake
// provider on 127.0.0.1. Usage:
//   node tests/browser/run.mjs --binary build/mobilelink --screenshots build/screenshots
// Prints one line per test and a closing "N passed, N failed" line; exits 1 on any failure.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import {
  AGENT, api, apiToken, CANNED_HOURS, CSAT_QUESTION, SURVEY_THANKS, postSms, postWhatsApp, resolveAll, startHostPage, startServers, SUPERVISOR,
} from "./harness.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(path.join(repo, "web/package.json"));
const { chromium } = require("playwright-core");

const { values: options } = parseArgs({
  options: {
    binary: { type: "string", default: path.join(repo, "build/mobilelink") },
    screenshots: { type: "string", default: path.join(repo, "build/screenshots") },
    chromium: { type: "string", default: "/usr/bin/chromium" },
  },
});
const HOSTILE_NAME = "<img src=x onerror=alert(1)>";
const HOSTILE_TEXT = "<script>alert(2)</script><img src=x onerror=alert(3)> agent";
const HOSTILE_FILE_NAME = "<img src=x onerror=alert(1)>.png";
// A 1x1 PNG.
const PNG_BYTES = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
const STEP_TIMEOUT_MS = 15000;
const MOBILE_SIZES = [{ width: 360, height: 640 }, { width: 390, height: 844 }];

const tests = [];
function test(name, body) {
  tests.push({ name, body });
}

// Fails the test when any page of the context opens a dialog (alert, confirm, prompt).
function watchDialogs(context, dialogs) {
  context.on("page", (page) => page.on("dialog", async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  }));
}

async function newContext(browser, viewport, dialogs) {
  const context = await browser.newContext({ viewport, baseURL: env.baseUrl });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  watchDialogs(context, dialogs);
  return context;
}

async function openWidget(context) {
  const page = await context.newPage();
  await page.goto("/chat/chat");
  await page.locator("body[data-connection=online]").waitFor();
  return page;
}

async function sendFromWidget(page, text) {
  await page.getByRole("textbox", { name: "Message", exact: true }).fill(text);
  await page.getByRole("button", { name: "Send" }).click();
}

async function logInConsole(context, account) {
  const page = await context.newPage();
  await page.goto("/console");
  await page.getByLabel("Username").fill(account.login);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.locator("#app:not([hidden])").waitFor();
  return page;
}

async function queueRow(page, name) {
  const row = page.locator("#queue-list .conversation-row", { hasText: name });
  await row.first().waitFor();
  return row.first();
}

test("agent claims, replies and resolves a widget conversation", async ({ browser, dialogs }) => {
  await resolveAll(env.baseUrl, await apiToken(env.baseUrl, SUPERVISOR));
  const customer = await newContext(browser, MOBILE_SIZES[1], dialogs);
  const agent = await newContext(browser, { width: 1280, height: 800 }, dialogs);
  const chat = await openWidget(customer);
  await sendFromWidget(chat, "I need an agent about my order");
  await chat.locator("#log .msg.outbound", { hasText: "passing you" }).waitFor();

  const consolePage = await logInConsole(agent, AGENT);
  const row = await queueRow(consolePage, "Contact");
  await row.click();
  await consolePage.locator("#transcript .entry.inbound", { hasText: "about my order" }).waitFor();
  await consolePage.locator("#transcript .channel-mark", { hasText: "Web chat" }).first().waitFor();
  await consolePage.getByRole("button", { name: "Claim" }).click();
  await consolePage.getByRole("button", { name: "Resolve" }).waitFor();

  await consolePage.getByLabel("Reply").pressSequentially("Hi, I am Alice.");
  await chat.locator("#typing:not([hidden])").waitFor();
  await consolePage.getByLabel("Reply").fill("Hi, I am Alice. Let me check your order.");
  await consolePage.getByRole("button", { name: "Send" }).click();
  await chat.locator("#log .msg.outbound", { hasText: "I am Alice" }).waitFor();
  assert.equal(await chat.locator("#announcer").textContent(), "Agent: Hi, I am Alice. Let me check your order.");
  assert.equal(await chat.locator("#announcer").getAttribute("aria-live"), "polite");
  // The customer's page reported the reply read, and the console shows it without a reload.
  await consolePage.locator("#transcript .entry.outbound", { hasText: "I am Alice" }).locator(".delivery", { hasText: "read" }).waitFor();

  await sendFromWidget(chat, "It was order 1234");
  await consolePage.locator("#transcript .entry.inbound", { hasText: "order 1234" }).waitFor();
  assert.match(await consolePage.locator("#live-status").textContent(), /new message/);

  await consolePage.getByRole("button", { name: "Resolve" }).click();
  await chat.locator("#log .notice", { hasText: "resolved" }).waitFor();
  await consolePage.locator("#conversation-actions .state", { hasText: "resolved" }).waitFor();

  // The survey question arrives as a message and as a prompt whose score buttons replace the
  // quick replies; the answer lands in the agent's transcript.
  await chat.locator("#log .msg.outbound", { hasText: CSAT_QUESTION }).waitFor();
  const prompt = chat.getByRole("region", { name: "How did we do?" });
  await prompt.waitFor();
  assert.equal(await prompt.getByRole("button").count(), 5);
  assert.equal(await chat.locator("#quick-replies .quick-reply").count(), 0);
  mkdirSync(options.screenshots, { recursive: true });
  await chat.screenshot({ path: path.join(options.screenshots, "widget-survey-390x844.png") });
  await prompt.getByRole("button", { name: "5 of 5" }).click();
  await prompt.getByRole("status").filter({ hasText: "Thank you" }).waitFor();
  await chat.locator("#log .msg.outbound", { hasText: SURVEY_THANKS }).waitFor();
  await consolePage.locator("#transcript .entry.inbound .entry-text", { hasText: /^5$/ }).waitFor();
  await customer.close();
  await agent.close();
});

test("hostile name and message render as text", async ({ browser, dialogs }) => {
  await postWhatsApp(env.baseUrl, { messageId: "wamid.browser.hostile.1", waId: "12025550177", name: HOSTILE_NAME, text: HOSTILE_TEXT });
  const customer = await newContext(browser, MOBILE_SIZES[0], dialogs);
  const chat = await openWidget(customer);
  await sendFromWidget(chat, HOSTILE_TEXT);
  await chat.locator("#log .msg.outbound", { hasText: "passing you" }).waitFor();
  assert.equal(await chat.locator("#log .msg.inbound .text").first().textContent(), HOSTILE_TEXT);
  assert.equal(await chat.locator("#log img, #log script").count(), 0, "the widget created an element from message text");

  const agent = await newContext(browser, { width: 1280, height: 800 }, dialogs);
  const consolePage = await logInConsole(agent, SUPERVISOR);
  const row = await queueRow(consolePage, HOSTILE_NAME);
  assert.equal(await row.locator(".name").textContent(), HOSTILE_NAME);
  await row.click();
  await consolePage.locator("#transcript .entry.inbound").first().waitFor();
  assert.equal(await consolePage.locator("#transcript .entry.inbound .entry-text").first().textContent(), HOSTILE_TEXT);
  assert.match(await consolePage.locator("#conversation-title").textContent(), /^<img src=x onerror=alert\(1\)>/);
  assert.equal(await consolePage.locator("#root img, #root script, #transcript img").count(), 0, "the console created an element from customer text");
  await consolePage.waitForTimeout(500);
  assert.deepEqual(dialogs, [], "a dialog opened");
  await customer.close();
  await agent.close();
});

test("attachment with a hostile file name shows as text", async ({ browser, dialogs }) => {
  await resolveAll(env.baseUrl, await apiToken(env.baseUrl, SUPERVISOR));
  const customer = await newContext(browser, MOBILE_SIZES[0], dialogs);
  const chat = await openWidget(customer);
  await sendFromWidget(chat, "agent, here is a photo");
  await chat.locator("#log .msg.outbound", { hasText: "passing you" }).waitFor();
  await chat.locator("#attach").setInputFiles({ name: HOSTILE_FILE_NAME, mimeType: "image/png", buffer: PNG_BYTES });
  const sent = chat.locator("#log .msg.inbound:not([data-pending]) .attachment-name");
  await sent.waitFor();
  assert.equal(await sent.textContent(), HOSTILE_FILE_NAME);
  await chat.locator("#log .msg.inbound img.attachment-preview").waitFor();
  assert.equal(await chat.locator("#log img:not(.attachment-preview), #log script").count(), 0);
  mkdirSync(options.screenshots, { recursive: true });
  await chat.screenshot({ path: path.join(options.screenshots, "widget-attachment-360x640.png") });

  // An HTML file named .png is rejected by its content, with the reason shown.
  await chat.locator("#attach").setInputFiles({ name: "page.png", mimeType: "image/png", buffer: Buffer.from("<html><script>alert(5)</script></html>") });
  await chat.locator("#attach-error:not([hidden])", { hasText: "not a JPEG, PNG, GIF or PDF" }).waitFor();
  assert.equal(await chat.locator("#log .attachment-name").count(), 1);

  const agent = await newContext(browser, { width: 1280, height: 800 }, dialogs);
  const consolePage = await logInConsole(agent, AGENT);
  await (await queueRow(consolePage, "Contact")).click();
  const link = consolePage.locator("#transcript .attachment a");
  await link.waitFor();
  assert.equal(await link.textContent(), HOSTILE_FILE_NAME);
  await consolePage.waitForFunction(() => document.querySelector("#transcript img.attachment-preview")?.naturalWidth === 1);
  const download = await consolePage.request.get(await link.getAttribute("href"));
  assert.equal(download.status(), 200);
  assert.equal(download.headers()["content-type"], "image/png");
  assert.equal(download.headers()["x-content-type-options"], "nosniff");
  assert.equal(await consolePage.locator("#transcript img:not(.attachment-preview), #transcript script").count(), 0);
  await consolePage.waitForTimeout(500);
  assert.deepEqual(dialogs, [], "a dialog opened");
  await customer.close();
  await agent.close();
});

test("widget queues offline and resumes after reload without duplicates", async ({ browser, dialogs }) => {
  const customer = await newContext(browser, MOBILE_SIZES[0], dialogs);
  const chat = await openWidget(customer);
  await sendFromWidget(chat, "agent please");
  await chat.locator("#log .msg.outbound", { hasText: "passing you" }).waitFor();

  await customer.setOffline(true);
  await chat.locator("body[data-connection=offline]").waitFor();
  await sendFromWidget(chat, "sent while offline");
  const pending = chat.locator("#log .msg.inbound[data-pending]", { hasText: "sent while offline" });
  await pending.locator(".status", { hasText: "Queued" }).waitFor();

  const token = await apiToken(env.baseUrl, SUPERVISOR);
  const countCopies = async () => {
    const all = await api(env.baseUrl, token, "GET", "/api/v1/conversations?view=all");
    let copies = 0;
    for (const conversation of all.body.conversations) {
      const transcript = await api(env.baseUrl, token, "GET", `/api/v1/conversations/${conversation.id}/messages`);
      copies += transcript.body.messages.filter((message) => message.text === "sent while offline").length;
    }
    return copies;
  };
  assert.equal(await countCopies(), 0, "the server stored a message sent while offline");

  await customer.setOffline(false);
  await chat.locator("#log .msg.inbound:not([data-pending])", { hasText: "sent while offline" }).locator(".status", { hasText: "Sent" }).waitFor();
  assert.equal(await countCopies(), 1);

  await chat.reload();
  await chat.locator("body[data-connection=online]").waitFor();
  await chat.locator("#log .msg.inbound", { hasText: "sent while offline" }).waitFor();
  assert.equal(await chat.locator("#log .msg.inbound", { hasText: "sent while offline" }).count(), 1);
  assert.equal(await chat.locator("#log .msg.inbound", { hasText: "agent please" }).count(), 1);
  assert.equal(await countCopies(), 1);
  await customer.close();
});

test("keyboard alone claims, replies and resolves", async ({ browser, dialogs }) => {
  await resolveAll(env.baseUrl, await apiToken(env.baseUrl, SUPERVISOR));
  const customer = await newContext(browser, MOBILE_SIZES[1], dialogs);
  const chat = await openWidget(customer);
  await sendFromWidget(chat, "agent for the keyboard test");
  await chat.locator("#log .msg.outbound", { hasText: "passing you" }).waitFor();

  const agent = await newContext(browser, { width: 1280, height: 800 }, dialogs);
  const consolePage = await logInConsole(agent, AGENT);
  await queueRow(consolePage, "Contact");
  await consolePage.keyboard.press("j");
  await consolePage.locator("#transcript .entry.inbound", { hasText: "keyboard test" }).waitFor();
  await consolePage.keyboard.press("c");
  await consolePage.locator("#action-resolve").waitFor();
  await consolePage.keyboard.press("r");
  assert.equal(await consolePage.evaluate(() => document.activeElement.id), "reply-text");
  await consolePage.keyboard.type("/hours");
  assert.equal(await consolePage.locator("#reply-text").inputValue(), CANNED_HOURS);
  await consolePage.keyboard.press("Enter");
  await chat.locator("#log .msg.outbound", { hasText: CANNED_HOURS }).waitFor();
  await consolePage.keyboard.press("Escape");
  await consolePage.keyboard.press("e");
  await chat.locator("#log .notice", { hasText: "resolved" }).waitFor();

  await consolePage.keyboard.press("?");
  await consolePage.locator("#help-dialog:not([hidden])").waitFor();
  assert.equal(await consolePage.evaluate(() => document.activeElement.id), "help-close");
  await consolePage.keyboard.press("Escape");
  await consolePage.locator("#help-dialog[hidden]").waitFor({ state: "attached" });
  await customer.close();
  await agent.close();
});

test("session cookie is HttpOnly and no token is in web storage", async ({ browser, dialogs }) => {
  const agent = await newContext(browser, { width: 1280, height: 800 }, dialogs);
  const consolePage = await logInConsole(agent, AGENT);
  const cookies = await agent.cookies();
  const session = cookies.find((cookie) => cookie.name === "mobilelink_session");
  assert.ok(session, "no session cookie was set");
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, "Strict");
  const visible = await consolePage.evaluate(() => ({
    cookie: document.cookie,
    local: JSON.stringify(localStorage),
    session: JSON.stringify(sessionStorage),
  }));
  assert.equal(visible.cookie.includes(session.value), false);
  assert.equal(visible.local.includes(session.value), false);
  assert.equal(visible.session.includes(session.value), false);
  const withoutCsrf = await consolePage.evaluate(async () => (await fetch("/api/v1/conversations/1/claim", { method: "POST" })).status);
  assert.equal(withoutCsrf, 403);
  // The console follows the agent feed with its cookie.
  await consolePage.locator("body[data-live-updates=feed]").waitFor();

  // A page of another origin on the same site gets the cookie sent with its socket, and the
  // feed rejects the upgrade.
  const otherSite = await startHostPage(env.baseUrl, 0);
  try {
    const page = await agent.newPage();
    await page.goto(otherSite.url);
    const outcome = await page.evaluate((feedUrl) => new Promise((resolve) => {
      const socket = new WebSocket(feedUrl);
      socket.onmessage = (message) => resolve(`message ${message.data}`);
      socket.onerror = () => resolve("rejected");
      setTimeout(() => resolve("no answer"), 5000);
    }), env.baseUrl.replace("http:", "ws:") + "/api/v1/feed");
    assert.equal(outcome, "rejected");
  } finally {
    await otherSite.close();
  }
  await agent.close();
});

test("SMS segment counter follows GSM-7 and UCS-2", async ({ browser, dialogs }) => {
  await resolveAll(env.baseUrl, await apiToken(env.baseUrl, SUPERVISOR));
  await postSms(env.baseUrl, { messageSid: "SM" + "7".repeat(32), from: "+12025550199", text: "agent" });
  const agent = await newContext(browser, { width: 1280, height: 800 }, dialogs);
  const consolePage = await logInConsole(agent, AGENT);
  const row = await queueRow(consolePage, "Contact");
  await row.click();
  await consolePage.locator("#transcript .channel-mark", { hasText: "SMS" }).first().waitFor();
  await consolePage.getByRole("button", { name: "Claim" }).click();
  await consolePage.locator("#action-resolve").waitFor();
  const counter = consolePage.locator("#reply-counter");
  await consolePage.getByLabel("Reply").fill("{" + "1".repeat(158));
  assert.equal(await counter.textContent(), "160 septets · GSM-7 · 1 SMS segment");
  await consolePage.getByLabel("Reply").fill("{" + "1".repeat(159));
  assert.equal(await counter.textContent(), "161 septets · GSM-7 · 2 SMS segments");
  await consolePage.getByLabel("Reply").fill("\u{1F61C}" + "1".repeat(68));
  assert.equal(await counter.textContent(), "70 UTF-16 units · UCS-2 · 1 SMS segment");
  await consolePage.getByLabel("Reply").fill("\u{1F61C}" + "1".repeat(69));
  assert.equal(await counter.textContent(), "71 UTF-16 units · UCS-2 · 2 SMS segments");
  await consolePage.getByRole("button", { name: "Resolve" }).click();
  await agent.close();
});

test("embed launcher opens the widget on a listed origin only", async ({ browser, dialogs }) => {
  const listed = await startHostPage(env.baseUrl, env.embedPort);
  const unlisted = await startHostPage(env.baseUrl, 0);
  try {
    const context = await newContext(browser, MOBILE_SIZES[1], dialogs);
    const shop = await context.newPage();
    await shop.goto(listed.url);
    await shop.getByRole("button", { name: "Chat with us" }).click();
    assert.equal(await shop.getByRole("button", { name: "Chat with us" }).getAttribute("aria-expanded"), "true");
    const widget = shop.frameLocator("#mobilelink-chat-frame");
    await widget.locator("body[data-connection=online]").waitFor();
    await widget.getByRole("textbox", { name: "Message", exact: true }).fill("hello from the shop");
    await widget.getByRole("button", { name: "Send" }).click();
    await widget.locator("#log .msg.outbound", { hasText: "How can I help" }).waitFor();
    await shop.keyboard.press("Escape");
    await shop.locator("button[aria-expanded=false]", { hasText: "Chat with us" }).waitFor();
    assert.equal(await shop.locator("#mobilelink-chat-frame").isHidden(), true);

    const other = await context.newPage();
    const blocked = new Promise((resolve) => other.on("console", (message) => {
      if (message.text().includes("frame-ancestors")) {
        resolve(message.text());
      }
    }));
    await other.goto(unlisted.url);
    await other.getByRole("button", { name: "Chat with us" }).click();
    const timeout = new Promise((resolve, reject) => {
      setTimeout(() => reject(new Error("the browser framed the widget on an unlisted origin")), STEP_TIMEOUT_MS);
    });
    await Promise.race([blocked, timeout]);
    assert.equal(await other.frameLocator("#mobilelink-chat-frame").locator("#compose").count(), 0);
    await context.close();
  } finally {
    await listed.close();
    await unlisted.close();
  }
});

test("screenshots at both mobile sizes", async ({ browser, dialogs }) => {
  mkdirSync(options.screenshots, { recursive: true });
  await resolveAll(env.baseUrl, await apiToken(env.baseUrl, SUPERVISOR));
  for (const size of MOBILE_SIZES) {
    const customer = await newContext(browser, size, dialogs);
    const chat = await openWidget(customer);
    await sendFromWidget(chat, "hello");
    await chat.locator("#log .msg.outbound", { hasText: "How can I help" }).waitFor();
    const label = `${size.width}x${size.height}`;
    await chat.screenshot({ path: path.join(options.screenshots, `widget-${label}.png`) });
    const overflow = await chat.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(overflow, false, `the widget scrolls sideways at ${label}`);

    const agent = await newContext(browser, size, dialogs);
    const consolePage = await agent.newPage();
    await consolePage.goto("/console");
    await consolePage.screenshot({ path: path.join(options.screenshots, `console-login-${label}.png`) });
    await consolePage.close();
    await sendFromWidget(chat, "agent, my card was declined");
    await chat.locator("#log .msg.outbound", { hasText: "passing you" }).waitFor();
    await chat.screenshot({ path: path.join(options.screenshots, `widget-handoff-${label}.png`) });
    const loggedIn = await logInConsole(agent, AGENT);
    await loggedIn.screenshot({ path: path.join(options.screenshots, `console-queue-${label}.png`), fullPage: true });
    await (await queueRow(loggedIn, "Contact")).click();
    await loggedIn.getByRole("button", { name: "Claim" }).click();
    await loggedIn.locator("#action-resolve").waitFor();
    await loggedIn.getByLabel("Reply").fill("Let me look at the declined payment.");
    await loggedIn.screenshot({ path: path.join(options.screenshots, `console-conversation-${label}.png`), fullPage: true });
    const consoleOverflow = await loggedIn.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(consoleOverflow, false, `the console scrolls sideways at ${label}`);
    await loggedIn.getByRole("button", { name: "Resolve" }).click();
    await chat.locator("#log .notice", { hasText: "resolved" }).waitFor();

    const supervisor = await newContext(browser, size, dialogs);
    const supervisorPage = await logInConsole(supervisor, SUPERVISOR);
    await supervisorPage.keyboard.press("s");
    await supervisorPage.locator("#supervisor-agents th", { hasText: "Alice Agent" }).waitFor();
    await supervisorPage.screenshot({ path: path.join(options.screenshots, `console-supervisor-${label}.png`), fullPage: true });
    const supervisorOverflow = await supervisorPage.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(supervisorOverflow, false, `the supervisor view scrolls sideways at ${label}`);
    await customer.close();
    await agent.close();
    await supervisor.close();
  }
});

const env = await startServers(options.binary);
let passed = 0;
let failed = 0;
const browser = await chromium.launch({ executablePath: options.chromium, headless: true, args: ["--no-sandbox"] });
try {
  for (const { name, body } of tests) {
    const dialogs = [];
    try {
      await body({ browser, dialogs });
      assert.deepEqual(dialogs, [], "a dialog opened");
      passed += 1;
      console.log(`ok - ${name}`);
    } catch (error) {
      failed += 1;
      console.log(`not ok - ${name}\n  ${String(error.stack ?? error).split("\n").slice(0, 6).join("\n  ")}`);
    }
  }
} finally {
  await browser.close();
  await env.stop(failed > 0);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
