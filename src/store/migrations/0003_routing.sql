-- Routing state of handed-off conversations. The assignee, tier and priority stay on the
-- conversation row; this row adds the team queue, the channel kind that capacity counts, and
-- the offer and acceptance times that the accept timeout checks. Times are Unix milliseconds.
CREATE TABLE routing_entries (
  conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id),
  team_id TEXT NOT NULL,
  channel_kind TEXT NOT NULL,
  required_skill TEXT NOT NULL DEFAULT '',
  queued_at INTEGER NOT NULL,
  offered_at INTEGER,
  accepted_at INTEGER,
  escalations INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX routing_entries_team ON routing_entries(team_id, queued_at);
-- Capacity checks count an agent's open conversations on every assignment.
CREATE INDEX conversations_assignee ON conversations(assignee_agent_id, status);

-- Presence that each agent sets explicitly; an agent without a row is offline.
CREATE TABLE agent_presence (
  agent_id INTEGER PRIMARY KEY REFERENCES agents(id),
  presence TEXT NOT NULL,
  changed_at INTEGER NOT NULL
);

-- The agent that each round-robin team assigned last, so the rotation survives restarts.
CREATE TABLE round_robin_cursors (
  team_id TEXT PRIMARY KEY,
  last_agent_id INTEGER NOT NULL
);
