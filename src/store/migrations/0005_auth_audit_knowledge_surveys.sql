-- One-time passcodes. Only a keyed hash of the code is stored (see security/otp.hpp). A code is
-- active until it is verified, expires, runs out of attempts or is replaced by a newer code for
-- the same conversation. Times are Unix milliseconds (UTC).
CREATE TABLE otp_codes (
  id INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL REFERENCES conversations(id),
  contact_id INTEGER NOT NULL REFERENCES contacts(id),
  code_hash TEXT NOT NULL,
  salt TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX otp_codes_conversation ON otp_codes(conversation_id, state);
CREATE INDEX otp_codes_contact_time ON otp_codes(contact_id, created_at);

-- Successful verifications of a conversation, one row per method (otp, app, link); a newer
-- verification by the same method replaces the older one.
CREATE TABLE auth_verifications (
  conversation_id INTEGER NOT NULL REFERENCES conversations(id),
  method TEXT NOT NULL,
  subject TEXT NOT NULL DEFAULT '',
  verified_at INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, method)
);

-- Signed one-time links for mobile web. The link carries a random token; only its SHA-256 is
-- stored. used_at is set by the one confirmation that the link allows.
CREATE TABLE signed_links (
  token_hash TEXT PRIMARY KEY,
  conversation_id INTEGER NOT NULL REFERENCES conversations(id),
  purpose TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE INDEX signed_links_conversation ON signed_links(conversation_id);

-- The tamper-evident audit log. hash is the SHA-256 of prev_hash and the row's other columns
-- (security/audit.cpp fixes the encoding), so editing or deleting a row breaks the chain at the
-- next row. Values are masked before they are stored.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  actor_kind TEXT NOT NULL,
  actor_id TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  target TEXT NOT NULL DEFAULT '',
  old_value TEXT NOT NULL DEFAULT '',
  new_value TEXT NOT NULL DEFAULT '',
  channel TEXT NOT NULL DEFAULT '',
  conversation_id INTEGER,
  occurred_at INTEGER NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_conversation ON audit_log(conversation_id, id);

-- Knowledge-base articles. slug identifies an article across imports: "config/<title>" or the
-- Markdown file's path inside knowledge_base_dir. tags are joined with ", ". content_hash
-- tells an import whether the article changed; updated_at moves only when it did.
CREATE TABLE articles (
  id INTEGER PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '',
  locale TEXT NOT NULL DEFAULT 'en',
  body TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);

-- Full-text index over the articles (external content), kept in step by the triggers below.
CREATE VIRTUAL TABLE articles_fts USING fts5(
  title, tags, body, content='articles', content_rowid='id',
  tokenize='unicode61 remove_diacritics 2');

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
  INSERT INTO articles_fts (rowid, title, tags, body) VALUES (new.id, new.title, new.tags, new.body);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
  INSERT INTO articles_fts (articles_fts, rowid, title, tags, body)
  VALUES ('delete', old.id, old.title, old.tags, old.body);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE ON articles BEGIN
  INSERT INTO articles_fts (articles_fts, rowid, title, tags, body)
  VALUES ('delete', old.id, old.title, old.tags, old.body);
  INSERT INTO articles_fts (rowid, title, tags, body) VALUES (new.id, new.title, new.tags, new.body);
END;

-- Surveys after resolution, at most one per conversation and kind. state: sent, answered,
-- expired. The expiry is a stored due time, so a restart loses none.
CREATE TABLE surveys (
  id INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL REFERENCES conversations(id),
  kind TEXT NOT NULL,
  state TEXT NOT NULL,
  inbox_id TEXT NOT NULL,
  score INTEGER,
  sent_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  answered_at INTEGER,
  UNIQUE (conversation_id, kind)
);
CREATE INDEX surveys_open ON surveys(state, expires_at);
