-- The value a provider echoes in a status webhook to name the outbox row that sent the message
-- (WhatsApp biz_opaque_callback_data). A status kept aside before its send result was stored
-- can settle an outbox row whose outcome is unknown by this value.
ALTER TABLE orphan_statuses ADD COLUMN callback_data TEXT NOT NULL DEFAULT '';
CREATE INDEX orphan_statuses_callback ON orphan_statuses(inbox_id, callback_data)
  WHERE callback_data <> '';
