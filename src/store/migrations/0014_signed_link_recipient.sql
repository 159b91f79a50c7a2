-- The phone number a signed link was sent to by SMS (empty for links sent in the conversation),
-- so that link SMS count toward the same per-phone limit as passcodes.
ALTER TABLE signed_links ADD COLUMN recipient TEXT NOT NULL DEFAULT '';
CREATE INDEX signed_links_recipient_time ON signed_links(recipient, created_at);
