-- Stored timers. (kind, key) names one timer: scheduling it again moves its due time and makes
-- it pending again. States: pending (waiting for due_at), fired (its handler committed),
-- cancelled, failed (the handler failed on every allowed attempt). Times are Unix milliseconds.
CREATE TABLE timers (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  due_at INTEGER NOT NULL,
  payload_json TEXT NOT NULL DEFAULT '{}',
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  fired_at INTEGER,
  last_error TEXT NOT NULL DEFAULT '',
  UNIQUE (kind, key)
);
CREATE INDEX timers_due ON timers(state, due_at);

-- SLA clocks, one row per clock of a conversation. A clock runs from started_at until an agent
-- answers it or the conversation is resolved (stopped_at). While it runs, due_at is when its
-- target is reached in business time; while the conversation waits on the customer it is
-- paused: due_at is NULL and remaining_ms keeps the business time that was left.
CREATE TABLE sla_clocks (
  id INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL REFERENCES conversations(id),
  metric TEXT NOT NULL,
  priority TEXT NOT NULL,
  calendar_id TEXT NOT NULL DEFAULT '',
  target_seconds INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  due_at INTEGER,
  paused_at INTEGER,
  remaining_ms INTEGER NOT NULL DEFAULT 0,
  stopped_at INTEGER,
  breached_at INTEGER
);
-- At most one clock per conversation and metric runs or is paused at a time.
CREATE UNIQUE INDEX sla_clocks_active ON sla_clocks(conversation_id, metric)
  WHERE stopped_at IS NULL;

-- The source of a conversation's current priority: `rule` (priority rules, which only ever
-- raise it) or `agent` (an agent's choice, which rules no longer change).
CREATE TABLE conversation_priorities (
  conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id),
  source TEXT NOT NULL,
  agent_id INTEGER,
  updated_at INTEGER NOT NULL
);

-- On-call pages. All pages sent for one breach share incident_key and count up in attempt;
-- acknowledging any of them acknowledges the incident.
CREATE TABLE oncall_pages (
  id INTEGER PRIMARY KEY,
  incident_key TEXT NOT NULL,
  team_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  person_name TEXT NOT NULL,
  phone TEXT NOT NULL,
  inbox_id TEXT NOT NULL,
  conversation_id INTEGER,
  message_id INTEGER,
  paged_at INTEGER NOT NULL,
  acknowledged_at INTEGER,
  UNIQUE (incident_key, attempt)
);
CREATE INDEX oncall_pages_phone ON oncall_pages(inbox_id, phone, acknowledged_at);
