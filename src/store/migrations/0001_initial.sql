-- Contacts and their identities. A phone number or email is one identity across inboxes, so
-- its scope is ''. Identities that exist only inside one inbox (a web chat visitor id) carry
-- the inbox id as scope.
CREATE TABLE contacts (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);

CREATE TABLE contact_identities (
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL REFERENCES contacts(id),
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  scope TEXT NOT NULL DEFAULT '',
  UNIQUE (kind, value, scope)
);
CREATE INDEX contact_identities_contact ON contact_identities(contact_id);

CREATE TABLE agents (
  id INTEGER PRIMARY KEY,
  login TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1
);

-- Times are Unix milliseconds (UTC).
CREATE TABLE conversations (
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL REFERENCES contacts(id),
  status TEXT NOT NULL,
  tier INTEGER NOT NULL DEFAULT 0,
  priority TEXT NOT NULL DEFAULT 'standard',
  assignee_agent_id INTEGER REFERENCES agents(id),
  last_inbox_id TEXT NOT NULL,
  bot_unresolved_count INTEGER NOT NULL DEFAULT 0,
  handoff_summary TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  handed_off_at INTEGER,
  resolved_at INTEGER
);
CREATE INDEX conversations_contact_active ON conversations(contact_id, status);
CREATE INDEX conversations_queue ON conversations(status, tier, assignee_agent_id);

CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL REFERENCES conversations(id),
  inbox_id TEXT NOT NULL DEFAULT '',
  direction TEXT NOT NULL,
  sender TEXT NOT NULL,
  agent_id INTEGER REFERENCES agents(id),
  text TEXT NOT NULL DEFAULT '',
  media_json TEXT NOT NULL DEFAULT '[]',
  provider_message_id TEXT,
  client_message_id TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'none',
  error_code TEXT NOT NULL DEFAULT '',
  error_message TEXT NOT NULL DEFAULT '',
  encoding TEXT NOT NULL DEFAULT '',
  segments INTEGER NOT NULL DEFAULT 0,
  intent TEXT NOT NULL DEFAULT '',
  intent_confidence REAL NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
-- A provider message id identifies one message per inbox and direction: a retried webhook
-- finds the stored row instead of inserting a second one.
CREATE UNIQUE INDEX messages_provider_id
  ON messages(inbox_id, direction, provider_message_id) WHERE provider_message_id IS NOT NULL;
CREATE INDEX messages_conversation ON messages(conversation_id, id);
CREATE INDEX messages_last_inbound ON messages(inbox_id, direction, conversation_id, created_at);

CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  conversation_id INTEGER,
  contact_id INTEGER,
  message_id INTEGER,
  agent_id INTEGER,
  inbox_id TEXT NOT NULL DEFAULT '',
  data_json TEXT NOT NULL DEFAULT '{}',
  occurred_at INTEGER NOT NULL
);
CREATE INDEX events_type_time ON events(type, occurred_at);
CREATE INDEX events_conversation ON events(conversation_id);

CREATE TABLE opt_outs (
  inbox_id TEXT NOT NULL,
  address TEXT NOT NULL,
  opted_out INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (inbox_id, address)
);

-- One row per delivery of an outbound message. States: pending (waiting for due_at), sending
-- (an attempt is in flight), unknown (a previous process stopped mid-attempt, so the provider
-- may or may not have accepted it), done, failed.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL UNIQUE REFERENCES messages(id),
  conversation_id INTEGER NOT NULL,
  inbox_id TEXT NOT NULL,
  recipient TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  due_at INTEGER NOT NULL,
  claimed_at INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox(state, due_at);
CREATE INDEX outbox_conversation ON outbox(conversation_id, state);

CREATE TABLE access_tokens (
  token_hash TEXT PRIMARY KEY,
  agent_id INTEGER NOT NULL REFERENCES agents(id),
  expires_at INTEGER NOT NULL
);

CREATE TABLE webchat_sessions (
  token_hash TEXT PRIMARY KEY,
  inbox_id TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  contact_id INTEGER NOT NULL REFERENCES contacts(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);

-- Status callbacks that arrived before the send result naming their provider id was stored.
-- They are applied, then deleted, when that send result commits.
CREATE TABLE orphan_statuses (
  id INTEGER PRIMARY KEY,
  inbox_id TEXT NOT NULL,
  provider_message_id TEXT NOT NULL,
  status TEXT NOT NULL,
  error_code TEXT NOT NULL DEFAULT '',
  error_message TEXT NOT NULL DEFAULT '',
  received_at INTEGER NOT NULL
);
CREATE INDEX orphan_statuses_lookup ON orphan_statuses(inbox_id, provider_message_id);
