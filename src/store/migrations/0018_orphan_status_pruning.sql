-- Kept statuses are deleted once older than the outbox's pruning bound, so they are found by age.
CREATE INDEX orphan_statuses_received ON orphan_statuses(received_at);
-- The address a status names (WhatsApp recipient_id, Twilio To), so a status settles an outbox
-- row only when it went to that row's recipient. Empty when the provider gave none.
ALTER TABLE orphan_statuses ADD COLUMN recipient TEXT NOT NULL DEFAULT '';
