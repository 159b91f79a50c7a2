// KPI dashboard: fetches /api/v1/analytics/report and draws each KPI over time with Chart.js,
// with the targets as dashed lines and points that breach them in red. Every value from the
// server is rendered as text (textContent or chart labels), never as HTML.
'use strict';

const BREACH = '#b3261e';
const COLORS = ['#1f6feb', '#2da44e', '#bf8700', '#8250df', '#cf222e', '#0a7b83', '#6e7781'];
const REFRESH_MS = 30000;
const charts = {};

let signedIn = false;

function show(id, visible) { document.getElementById(id).hidden = !visible; }

function setError(id, text) { document.getElementById(id).textContent = text || ''; }

// Signs in the way the console does: the server sets its HttpOnly session cookie, so no script
// on the page can read the access token.
async function login(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  const body = new URLSearchParams({
    grant_type: 'password', username: form.get('username'), password: form.get('password'),
  });
  const response = await fetch('/console/session', { method: 'POST', body, credentials: 'same-origin' });
  if (!response.ok) {
    setError('login-error', 'Login failed: check the login and password.');
    return;
  }
  setError('login-error', '');
  start();
}

function reportQuery() {
  const form = new FormData(document.getElementById('filters'));
  const query = new URLSearchParams();
  for (const [name, value] of form.entries()) {
    if (value) query.set(name, value);
  }
  return query;
}

async function fetchReport(path) {
  const response = await fetch(path, { credentials: 'same-origin' });
  if (response.status === 401) {
    showSignedIn(false);
    return null;
  }
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    const error = body.error || {};
    setError('report-error', (error.field ? error.field + ': ' : '') + (error.message || response.statusText));
    return null;
  }
  setError('report-error', '');
  return response;
}

async function downloadCsv() {
  const response = await fetchReport('/api/v1/analytics/report.csv?' + reportQuery());
  if (!response) return;
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = 'kpis.csv';
  link.click();
  URL.revokeObjectURL(link.href);
}

// Returns a dataset of `values`, with points red where `breaches(value)` holds.
function series(label, values, color, breaches) {
  return {
    label, data: values, borderColor: color, backgroundColor: color, spanGaps: true,
    pointBackgroundColor: values.map((v) => (v !== null && breaches && breaches(v) ? BREACH : color)),
    pointRadius: values.map((v) => (v !== null && breaches && breaches(v) ? 5 : 2)),
  };
}

function targetLine(label, value, count) {
  return { label, data: new Array(count).fill(value), borderColor: '#6e7781', borderDash: [6, 4],
           pointRadius: 0, fill: false };
}

function draw(id, type, labels, datasets, options = {}) {
  if (charts[id]) charts[id].destroy();
  charts[id] = new Chart(document.getElementById(id), {
    type, data: { labels, datasets },
    options: Object.assign({ animation: false, responsive: true, interaction: { mode: 'index', intersect: false } }, options),
  });
}

const percent = (v) => (v === null || v === undefined ? null : Math.round(v * 1000) / 10);

function drawCharts(report) {
  const periods = report.periods;
  const labels = periods.map((p) => p.label);
  const kpis = periods.map((p) => p.kpis);
  const t = report.targets;
  const n = labels.length;

  draw('chart-response', 'line', labels, [
    series('p50', kpis.map((k) => k.first_response.p50), COLORS[0]),
    series('p95', kpis.map((k) => k.first_response.p95), COLORS[2], (v) => v > t.response_seconds),
    series('p99', kpis.map((k) => k.first_response.p99), COLORS[3]),
    targetLine('target (p95)', t.response_seconds, n),
  ]);
  draw('chart-containment', 'line', labels, [
    series('containment %', kpis.map((k) => percent(k.containment)), COLORS[1], (v) => v < t.containment * 100),
    targetLine('target', t.containment * 100, n),
  ]);
  draw('chart-fcr', 'line', labels, [
    series('FCR %', kpis.map((k) => percent(k.fcr)), COLORS[0], (v) => v < t.fcr * 100),
    targetLine('target', t.fcr * 100, n),
  ]);
  draw('chart-csat', 'line', labels, [
    series('CSAT %', kpis.map((k) => percent(k.csat)), COLORS[1], (v) => v < t.csat * 100),
    targetLine('CSAT target', t.csat * 100, n),
    Object.assign(series('NPS', kpis.map((k) => k.nps), COLORS[3]), { yAxisID: 'nps' }),
  ], {
    scales: {
      // Without a named percent axis, Chart.js puts every dataset on the NPS axis.
      y: { position: 'left', min: 0, max: 100 },
      nps: { position: 'right', min: -100, max: 100, grid: { drawOnChartArea: false } },
    },
  });
  const minutes = (v) => (v === null ? null : v / 60);
  draw('chart-handle', 'line', labels, [
    series('average', kpis.map((k) => minutes(k.handle_time.average)), COLORS[0],
      (v) => v < t.handle_min_seconds / 60 || v > t.handle_max_seconds / 60),
    targetLine('minimum', t.handle_min_seconds / 60, n),
    targetLine('maximum', t.handle_max_seconds / 60, n),
  ]);
  const priorities = Object.keys(report.total.kpis.sla);
  draw('chart-sla', 'line', labels, priorities.map((priority, i) =>
    series(priority + ' %', kpis.map((k) => percent(k.sla[priority] && k.sla[priority].attainment)),
      COLORS[i % COLORS.length],
      (v) => { const p = report.targets.sla[priority]; return p ? v < p.percentile * 100 : false; })));
  draw('chart-cost', 'line', labels, [
    series('cost per contact (' + report.currency + ')', kpis.map((k) => k.cost_per_contact), COLORS[4]),
  ]);
  const reasons = report.total.kpis.escalation_reasons;
  draw('chart-escalations', 'bar', Object.keys(reasons), [
    { label: 'escalations', data: Object.values(reasons), backgroundColor: COLORS[2] },
  ], { indexAxis: 'y' });
  const channels = Object.keys(report.total.kpis.messages_in_by_channel);
  draw('chart-volume', 'bar', labels, channels.map((channel, i) => ({
    label: channel, data: kpis.map((k) => k.messages_in_by_channel[channel] || 0),
    backgroundColor: COLORS[i % COLORS.length],
  })), { scales: { x: { stacked: true }, y: { stacked: true } } });
}

function fillSummary(report) {
  const k = report.total.kpis;
  const t = report.targets;
  const fixed = (v, digits) => (v === null || v === undefined ? 'no data' : v.toFixed(digits));
  const rows = [
    ['First response p95 (s)', fixed(k.first_response.p95, 1), 'under ' + t.response_seconds, k.first_response.p95 > t.response_seconds],
    ['First response p50 / p99 (s)', fixed(k.first_response.p50, 1) + ' / ' + fixed(k.first_response.p99, 1), '', false],
    ['Containment %', fixed(percent(k.containment), 1), 'at least ' + t.containment * 100, k.containment !== null && k.containment < t.containment],
    ['FCR %', fixed(percent(k.fcr), 1), 'at least ' + t.fcr * 100, k.fcr !== null && k.fcr < t.fcr],
    ['CSAT %', fixed(percent(k.csat), 1), 'at least ' + t.csat * 100, k.csat !== null && k.csat < t.csat],
    ['NPS', fixed(k.nps, 0), '', false],
    ['Average handle time (min)', fixed(k.handle_time.average === null ? null : k.handle_time.average / 60, 1),
      t.handle_min_seconds / 60 + ' to ' + t.handle_max_seconds / 60,
      k.handle_time.average !== null && (k.handle_time.average < t.handle_min_seconds || k.handle_time.average > t.handle_max_seconds)],
    ['Cost per contact (' + report.currency + ')', fixed(k.cost_per_contact, 2), '', false],
    ['Contacts', String(k.contacts), '', false],
    ['Knowledge articles updated within 30 days %', fixed(percent(report.knowledge.freshness), 1),
      report.knowledge.fresh + ' of ' + report.knowledge.articles + ' articles, now', false],
  ];
  for (const [priority, sla] of Object.entries(k.sla)) {
    rows.push(['SLA ' + priority + ': p' + sla.percentile * 100 + ' first response (s)',
      fixed(sla.percentile_seconds, 1), 'under ' + sla.target_seconds, sla.met === false]);
  }
  const body = document.querySelector('#summary tbody');
  body.replaceChildren();
  for (const [name, value, target, breached] of rows) {
    const row = body.insertRow();
    row.insertCell().textContent = name;
    const cell = row.insertCell();
    cell.textContent = value;
    if (breached) cell.className = 'breach';
    row.insertCell().textContent = target;
  }
}

async function refresh() {
  const response = await fetchReport('/api/v1/analytics/report?' + reportQuery());
  if (!response) return;
  const report = await response.json();
  document.getElementById('zone').textContent =
    'Days and hours in ' + report.time_zone + ', ' + report.from + ' to ' + report.to + '.';
  fillSummary(report);
  drawCharts(report);
}

function showSignedIn(value) {
  signedIn = value;
  show('login', !value);
  show('dashboard', value);
}

// Shows the dashboard when the console's session cookie is valid, else the login form.
async function start() {
  const session = await fetch('/console/session', { credentials: 'same-origin' });
  showSignedIn(session.ok);
  if (session.ok) refresh();
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('login').addEventListener('submit', login);
  document.getElementById('filters').addEventListener('submit', (event) => { event.preventDefault(); refresh(); });
  document.getElementById('csv').addEventListener('click', downloadCsv);
  setInterval(() => { if (signedIn) refresh(); }, REFRESH_MS);
  start();
});
