-- Analytics: KPI rollups folded incrementally from the events table (docs/kpis.md).

-- The id of the last event folded into the rollups. One row, named 'kpi'.
CREATE TABLE analytics_cursor (
  name TEXT PRIMARY KEY,
  last_event_id INTEGER NOT NULL
);

-- What the fold remembers of each conversation between events, as JSON.
CREATE TABLE analytics_conversation_states (
  conversation_id INTEGER PRIMARY KEY,
  state_json TEXT NOT NULL
);

-- One row per granularity (hour, day), grouping set, bucket and dimension values. Hour buckets
-- are the UTC millisecond the local hour began; day buckets are local dates as days from
-- 1970-01-01. A dimension that the grouping set rolls up holds '*'. `counters` is a varint
-- count followed by one zigzag varint per counter; the sketches are varint-encoded bucket
-- counts of a 1%-relative-error quantile sketch of milliseconds.
CREATE TABLE analytics_rollups (
  granularity TEXT NOT NULL,
  grouping_set TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  channel TEXT NOT NULL,
  inbox_id TEXT NOT NULL,
  team TEXT NOT NULL,
  agent TEXT NOT NULL,
  intent TEXT NOT NULL,
  priority TEXT NOT NULL,
  counters BLOB NOT NULL,
  first_response BLOB NOT NULL,
  response BLOB NOT NULL,
  handle BLOB NOT NULL,
  labels_json TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (granularity, grouping_set, bucket, channel, inbox_id, team, agent, intent,
               priority)
) WITHOUT ROWID;

-- Whether each alert rule is in breach, so an alert is raised once per crossing.
CREATE TABLE analytics_alerts (
  rule TEXT PRIMARY KEY,
  breached INTEGER NOT NULL,
  value REAL NOT NULL,
  changed_at INTEGER NOT NULL
);

-- Alert webhook deliveries, written in the transaction that records the alert event. States:
-- pending, done, failed.
CREATE TABLE analytics_webhook_outbox (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  due_at INTEGER NOT NULL,
  last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX analytics_webhook_due ON analytics_webhook_outbox(state, due_at);
