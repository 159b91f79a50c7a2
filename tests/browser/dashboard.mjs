// Browser test of the KPI dashboard. It starts the real server on 127.0.0.1 with a store seeded
// with seven days of KPI events and logs a supervisor in at /dashboard in Debian's Chromium
// (Playwright, playwright-core from web/node_modules). Then it checks the charts, the target
// lines, a highlighted breach and a filter change. Usage:
//   node tests/browser/dashboard.mjs --binary build/mobilelink --screenshots build/screenshots
// Prints one line per check group and exits 1 on any failure. Chart.js is served by the server
// from web/dashboard/node_modules (npm ci in web/dashboard), never from a CDN.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import { freePort, stopChild, waitForHttp } from "./harness.mjs";

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

const SUPERVISOR = { login: "dana", password: "dashboard-supervisor-password" };
const STEP_TIMEOUT_MS = 15000;
const DAY_MS = 86400000;
const BREACH_COLOR = "#b3261e";
const CHART_IDS = ["chart-response", "chart-containment", "chart-fcr", "chart-csat", "chart-handle",
  "chart-sla", "chart-cost", "chart-escalations", "chart-volume"];

function run(command, args, input) {
  const result = spawnSync(command, args, { encoding: "utf8", input, timeout: 30000 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args[0]} failed with ${result.status}: ${result.stderr}`);
  }
  return result.stdout;
}

function dashboardConfig({ baseUrl, storePath, supervisorHash }) {
  return `server:
  public_url: ${baseUrl}
store:
  path: "${storePath}"
compliance:
  opt_out_confirmation: "ExampleCo: you are unsubscribed."
  opt_in_confirmation: "ExampleCo: you are subscribed again."
  help_reply: "ExampleCo: help at support.example.com."
bot:
  handoff_after: 3
  handoff_message: "I am passing you to a member of our support team."
  fallback_message: "Sorry, I did not understand that."
  knowledge_base:
    - title: Opening hours
      tags: [hours, open]
      body: "We are open Monday to Friday, 9:00 to 18:00."
agents:
  - login: ${SUPERVISOR.login}
    name: Dana Supervisor
    role: supervisor
    password_hash: "${supervisorHash}"
inboxes:
  - id: chat
    channel: webchat
    title: ExampleCo Support
analytics:
  time_zone: UTC
  poll_interval_ms: 100
  dashboard_dir: "${path.join(repo, "web/dashboard")}"
`;
}

// Returns the SQL that seeds one UTC day of events, starting `dayStart` (Unix ms). Each day has
// an SMS conversation answered by agent 5 after `waitSeconds` and resolved 5 minutes after its
// assignment, `contained` WhatsApp conversations resolved by the bot, and a CSAT answer of 5.
function seedDay(dayStart, dayIndex, { waitSeconds, contained }) {
  const rows = [];
  const add = (offsetSeconds, type, conversation, inbox, data, agent = null) => {
    rows.push(`('${type}', ${conversation}, '${inbox}', ${agent === null ? "NULL" : agent}, ` +
      `'${JSON.stringify(data)}', ${dayStart + 3600000 + offsetSeconds * 1000})`);
  };
  const sms = dayIndex * 10 + 1;
  add(0, "conversation.created", sms, "sms", { channel: "twilio_sms" });
  add(0, "message.received", sms, "sms", { channel: "twilio_sms", intent: "billing" });
  add(10, "conversation.handed_off", sms, "sms", { reason: "customer_request", tier: 1 });
  add(15, "conversation.assigned", sms, "sms", { team: "support" }, 5);
  add(10 + waitSeconds, "message.queued", sms, "sms", { sender: "agent", channel: "twilio_sms" }, 5);
  add(15 + 300, "conversation.resolved", sms, "sms", { tier: 1 }, 5);
  add(400, "survey.answered", sms, "sms", { kind: "csat", score: 5 });
  for (let i = 0; i < contained; i += 1) {
    const chat = dayIndex * 10 + 2 + i;
    add(600 + i, "conversation.created", chat, "wa", { channel: "whatsapp" });
    add(600 + i, "message.received", chat, "wa", { channel: "whatsapp", intent: "opening_hours" });
    add(601 + i, "bot.answered", chat, "wa", { intent: "opening_hours" });
    add(700 + i, "conversation.resolved", chat, "wa", { tier: 0 });
  }
  return "INSERT INTO events (type, conversation_id, inbox_id, agent_id, data_json, occurred_at) VALUES\n" +
    rows.join(",\n") + ";\n";
}

// Seven days ending today (UTC). Three days before today the agent took 2 minutes to answer and
// the bot contained nothing, so that day breaches the response and containment targets.
function seedSql(now) {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  let sql = "BEGIN;\n";
  for (let back = 6; back >= 0; back -= 1) {
    const breach = back === 3;
    sql += seedDay(today - back * DAY_MS, 6 - back, { waitSeconds: breach ? 120 : 30, contained: breach ? 0 : 2 });
  }
  return sql + "COMMIT;\n";
}

async function startServer() {
  if (!existsSync(path.join(repo, "web/dashboard/node_modules/chart.js/dist/chart.umd.js"))) {
    throw new Error("Chart.js is missing: run npm ci in web/dashboard (scripts/install-deps.sh does)");
  }
  const dir = mkdtempSync(path.join(tmpdir(), "mobilelink-dashboard-"));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const storePath = path.join(dir, "mobilelink.db");
  const configPath = path.join(dir, "config.yaml");
  const supervisorHash = run(options.binary, ["hash-password", "--password", SUPERVISOR.password]).trim();
  writeFileSync(configPath, dashboardConfig({ baseUrl, storePath, supervisorHash }));
  const log = openSync(path.join(dir, "server.log"), "a");
  const server = spawn(options.binary, ["serve", "--config", configPath, "--listen", `127.0.0.1:${port}`],
    { stdio: ["ignore", log, log] });

  async function stop(keepFiles) {
    await stopChild(server);
    if (keepFiles) {
      console.log(`server log and database kept in ${dir}`);
    } else {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  try {
    await waitForHttp(`${baseUrl}/readyz`, server, "the server", (status) => status === 200);
    // The server has applied the migrations, so the events table exists. Its analytics worker
    // folds the seeded rows like any other events.
    run("sqlite3", ["-cmd", ".timeout 5000", storePath], seedSql(Date.now()));
  } catch (error) {
    await stop(true);
    throw error;
  }
  return { baseUrl, stop };
}

// Returns, for each chart canvas, whether it exists, has a size and has a drawn pixel.
function canvasStates(page) {
  return page.evaluate((ids) => ids.map((id) => {
    const canvas = document.getElementById(id);
    if (!canvas || canvas.width === 0 || canvas.height === 0) {
      return { id, present: Boolean(canvas), drawn: false };
    }
    const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let drawn = false;
    for (let i = 3; i < pixels.length && !drawn; i += 4) {
      drawn = pixels[i] !== 0;
    }
    return { id, present: true, drawn };
  }), CHART_IDS);
}

// Returns the datasets of a chart as {label, data, pointBackgroundColor}.
function datasets(page, id) {
  return page.evaluate((canvasId) => {
    const chart = window.Chart.getChart(document.getElementById(canvasId));
    return chart.data.datasets.map((set) => ({ label: set.label, data: set.data, pointBackgroundColor: set.pointBackgroundColor }));
  }, id);
}

function summaryValue(page, name) {
  return page.locator("#summary tbody tr", { has: page.locator("td:first-child", { hasText: name }) })
    .locator("td:nth-child(2)").textContent();
}

async function main() {
  mkdirSync(options.screenshots, { recursive: true });
  const env = await startServer();
  const browser = await chromium.launch({ executablePath: options.chromium, headless: true, args: ["--no-sandbox"] });
  const problems = [];
  let failed = false;
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1400 }, baseURL: env.baseUrl });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    const page = await context.newPage();
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    // Chromium logs every 401 as a console error, so the one of the session probe before the
    // login is expected.
    let loggedIn = false;
    page.on("console", (message) => {
      const probe = !loggedIn && message.text().includes("status of 401 (Unauthorized)");
      if (message.type() === "error" && !probe) problems.push(`console error: ${message.text()}`);
    });
    page.on("response", (response) => {
      // Before login the dashboard requests the console session and gets 401.
      const sessionProbe = !loggedIn && response.status() === 401 && response.url() === `${env.baseUrl}/console/session`;
      if (response.status() >= 400 && !sessionProbe) problems.push(`${response.status()} for ${response.url()}`);
    });
    page.on("request", (request) => {
      if (!request.url().startsWith(env.baseUrl)) problems.push(`request outside the server: ${request.url()}`);
    });

    await page.goto("/dashboard");
    await page.getByLabel("Login").fill(SUPERVISOR.login);
    await page.getByLabel("Password").fill(SUPERVISOR.password);
    loggedIn = true;
    await page.getByRole("button", { name: "Log in" }).click();
    await page.locator("#dashboard:not([hidden])").waitFor();
    assert.equal(await page.locator("#login").isVisible(), false, "the login form stays visible after login");
    const stored = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length }));
    assert.deepEqual(stored, { local: 0, session: 0 }, "the dashboard keeps something in web storage");
    const cookie = (await context.cookies()).find((item) => item.name === "mobilelink_session");
    assert.ok(cookie, "the dashboard login does not set the session cookie");
    assert.ok(cookie.httpOnly, "the session cookie is readable by scripts");
    // The worker folds the seeded events within a poll interval. The dashboard has them once a
    // refresh shows the seven SMS contacts and the twelve WhatsApp ones.
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    while ((await summaryValue(page, "Contacts")) !== "19") {
      assert.ok(Date.now() < deadline, "the seeded contacts did not reach the dashboard");
      await page.getByRole("button", { name: "Show" }).click();
      await page.waitForTimeout(200);
    }
    console.log("ok - supervisor logs in and sees the seeded week");

    for (const state of await canvasStates(page)) {
      assert.ok(state.present, `${state.id} is missing`);
      assert.ok(state.drawn, `${state.id} is blank`);
    }
    const scripts = await page.evaluate(() => [...document.scripts].map((script) => script.src));
    assert.ok(scripts.includes(`${env.baseUrl}/dashboard/chart.umd.js`), `Chart.js is not served by the server: ${scripts}`);
    console.log("ok - every chart canvas is drawn, with Chart.js from the server");

    const targets = [
      ["chart-response", "target (p95)", 60],
      ["chart-containment", "target", 65],
      ["chart-fcr", "target", 75],
      ["chart-csat", "CSAT target", 85],
      ["chart-handle", "minimum", 4],
      ["chart-handle", "maximum", 8],
    ];
    for (const [id, label, value] of targets) {
      const line = (await datasets(page, id)).find((set) => set.label === label);
      assert.ok(line, `${id} has no ${label} line`);
      assert.equal(line.data.length, 7, `${id} ${label} does not span the seven days`);
      assert.ok(line.data.every((point) => point === value), `${id} ${label} is not at ${value}: ${line.data}`);
    }
    // CSAT is drawn on the percent axis, not on the NPS axis beside it.
    const csatAxes = await page.evaluate(() => {
      const chart = window.Chart.getChart(document.getElementById("chart-csat"));
      return chart.data.datasets.map((set, i) => [set.label, chart.getDatasetMeta(i).yAxisID]);
    });
    assert.deepEqual(csatAxes, [["CSAT %", "y"], ["CSAT target", "y"], ["NPS", "nps"]]);
    console.log("ok - target lines at 60 s, 65%, 75%, 85% and 4 to 8 minutes");

    // Three days ago breached the response and containment targets, and only that day.
    const p95 = (await datasets(page, "chart-response")).find((set) => set.label === "p95");
    assert.equal(p95.pointBackgroundColor[3], BREACH_COLOR);
    assert.equal(p95.pointBackgroundColor.filter((color) => color === BREACH_COLOR).length, 1);
    const containment = (await datasets(page, "chart-containment")).find((set) => set.label === "containment %");
    assert.equal(containment.data[3], 0);
    assert.equal(containment.pointBackgroundColor[3], BREACH_COLOR);
    assert.equal(containment.pointBackgroundColor.filter((color) => color === BREACH_COLOR).length, 1);
    // Over the week 12 of 19 resolutions were contained, 63.2%, below 65%.
    const containmentRow = page.locator("#summary tbody tr", { hasText: "Containment %" });
    assert.equal(await containmentRow.locator("td:nth-child(2)").textContent(), "63.2");
    assert.equal(await containmentRow.locator("td:nth-child(2)").getAttribute("class"), "breach");
    console.log("ok - the breaching day and the weekly containment are highlighted");
    // The one config article was imported when the server started, so it is fresh.
    assert.equal(await summaryValue(page, "Knowledge articles updated within 30 days %"), "100.0");
    await page.screenshot({ path: path.join(options.screenshots, "dashboard-week.png"), fullPage: true });

    await page.getByLabel("Channel").fill("whatsapp");
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForFunction(() => {
      const row = [...document.querySelectorAll("#summary tbody tr")].find((r) => r.cells[0].textContent === "Contacts");
      return row && row.cells[1].textContent === "12";
    });
    assert.equal(await summaryValue(page, "Containment %"), "100.0");
    const volume = await datasets(page, "chart-volume");
    assert.deepEqual(volume.map((set) => set.label), ["whatsapp"]);
    assert.deepEqual((await datasets(page, "chart-containment"))[0].data, [100, 100, 100, null, 100, 100, 100]);
    console.log("ok - the channel filter changes the figures and the charts");
    await page.screenshot({ path: path.join(options.screenshots, "dashboard-whatsapp.png"), fullPage: true });

    assert.deepEqual(problems, []);
    console.log("ok - no page errors, console errors or requests outside the server");
    await context.close();

    // A supervisor signed in to the console opens the dashboard from its KPIs link without a
    // second login.
    const consoleContext = await browser.newContext({ viewport: { width: 1280, height: 1400 }, baseURL: env.baseUrl });
    consoleContext.setDefaultTimeout(STEP_TIMEOUT_MS);
    const consolePage = await consoleContext.newPage();
    await consolePage.goto("/console");
    await consolePage.getByLabel("Username").fill(SUPERVISOR.login);
    await consolePage.getByLabel("Password").fill(SUPERVISOR.password);
    await consolePage.getByRole("button", { name: "Log in" }).click();
    await consolePage.locator("#app:not([hidden])").waitFor();
    await consolePage.getByRole("link", { name: "KPIs" }).click();
    await consolePage.waitForURL(`${env.baseUrl}/dashboard`);
    await consolePage.locator("#dashboard:not([hidden])").waitFor();
    assert.equal(await consolePage.locator("#login").isVisible(), false, "the dashboard asks a console user to log in again");
    await consolePage.waitForFunction(() => {
      const row = [...document.querySelectorAll("#summary tbody tr")].find((r) => r.cells[0].textContent === "Contacts");
      return row && row.cells[1].textContent === "19";
    });
    console.log("ok - the console's KPIs link opens the dashboard in the same session");
    await consoleContext.close();
  } catch (error) {
    failed = true;
    console.log(`not ok - ${String(error.stack ?? error).split("\n").slice(0, 6).join("\n  ")}`);
    if (problems.length > 0) {
      console.log(`  page problems: ${problems.join("; ")}`);
    }
  } finally {
    await browser.close();
    await env.stop(failed);
  }
  process.exit(failed ? 1 : 0);
}

await main();
