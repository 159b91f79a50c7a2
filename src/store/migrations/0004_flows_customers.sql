-- Customer data that the bot's flows and the agent API read: profiles linked to contacts by
-- phone number or by the business's own customer id, and their transactions. Money is stored
-- in minor units (cents) with an ISO 4217 currency code. Times are Unix milliseconds (UTC).
CREATE TABLE customer_profiles (
  id INTEGER PRIMARY KEY,
  external_id TEXT NOT NULL UNIQUE,
  phone TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL DEFAULT '',
  tier TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  balance_cents INTEGER NOT NULL DEFAULT 0,
  currency TEXT NOT NULL DEFAULT '',
  card_status TEXT NOT NULL DEFAULT '',
  updated_at INTEGER NOT NULL
);
CREATE INDEX customer_profiles_phone ON customer_profiles(phone);

CREATE TABLE customer_transactions (
  id INTEGER PRIMARY KEY,
  customer_external_id TEXT NOT NULL REFERENCES customer_profiles(external_id),
  external_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('order', 'payment', 'subscription')),
  status TEXT NOT NULL,
  amount_cents INTEGER NOT NULL DEFAULT 0,
  currency TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  occurred_at INTEGER NOT NULL,
  UNIQUE (customer_external_id, kind, external_id)
);
CREATE INDEX customer_transactions_recent
  ON customer_transactions(customer_external_id, occurred_at DESC);

-- The customer a contact was identified as, by a flow's lookup. Phone numbers link without a
-- row; this row links contacts that have none, such as web chat visitors.
CREATE TABLE customer_links (
  contact_id INTEGER PRIMARY KEY REFERENCES contacts(id),
  customer_external_id TEXT NOT NULL,
  linked_at INTEGER NOT NULL
);

-- The flow a conversation is in. One row per conversation at most; the row is deleted when the
-- flow ends. `waiting` is 1 while a worker runs the current step's HTTP call or CRM lookup
-- outside the store writer; a process that starts finds such rows and runs the call again.
-- `values_json` is a JSON object of the collected values; `sensitive_json` lists the names of
-- values that are masked in summaries, events and replies.
CREATE TABLE flow_states (
  conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id),
  flow TEXT NOT NULL,
  step TEXT NOT NULL,
  values_json TEXT NOT NULL DEFAULT '{}',
  sensitive_json TEXT NOT NULL DEFAULT '[]',
  retries INTEGER NOT NULL DEFAULT 0,
  waiting INTEGER NOT NULL DEFAULT 0,
  call_sequence INTEGER NOT NULL DEFAULT 0,
  inbox_id TEXT NOT NULL,
  recipient TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX flow_states_waiting ON flow_states(waiting) WHERE waiting = 1;

-- Quick-reply options of an outbound message, for channels that show them as buttons.
CREATE TABLE message_options (
  message_id INTEGER PRIMARY KEY REFERENCES messages(id),
  options_json TEXT NOT NULL
);
