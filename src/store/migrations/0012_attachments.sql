-- Files that web chat customers upload. The bytes live in the row, so an upload that was
-- acknowledged survives like any other committed row. id is random and URL-safe; content_type
-- is the type sniffed from the bytes, never the one the client declared. conversation_id and
-- message_id are set by the first message that refers to the attachment, and agents may
-- download it only through that conversation. Times are Unix milliseconds (UTC).
CREATE TABLE attachments (
  id TEXT PRIMARY KEY,
  inbox_id TEXT NOT NULL,
  contact_id INTEGER NOT NULL REFERENCES contacts(id),
  file_name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  content BLOB NOT NULL,
  conversation_id INTEGER REFERENCES conversations(id),
  message_id INTEGER REFERENCES messages(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX attachments_contact ON attachments(contact_id, created_at);
CREATE INDEX attachments_conversation ON attachments(conversation_id);
